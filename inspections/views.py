"""HTML screens for assignments, filling, review, amendments, reports and comparison. Thin: parse,
authorise, call one selector or service, render. Plans, templates, findings and results are in
views_manage.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import FilteredListView
from core.xlsx import XLSX_CONTENT_TYPE
from inspections import relevance, selectors, services
from inspections.exports import inspection_report_xlsx
from inspections.filters import AssignmentFilterSet, InspectionFilterSet
from inspections.forms import ActionForm, ReviewForm
from inspections.messages import answer_choices, choice_labels
from inspections.models import AnswerType, CorrectiveAction, Finding, Inspection
from inspections.scoring import normalise
from inspections.services import AnswerInput

READ_PERMS = (Perm.INSPECTION_VIEW, Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)
FILL_PERMS = (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for msgs in exc.message_dict.values() for m in msgs]
    return [str(m) for m in exc.messages]


def _inspection_of(assignment) -> Inspection | None:
    """The assignment's inspection, or None before the team starts filling."""
    try:
        return assignment.inspection
    except Inspection.DoesNotExist:
        return None


class HomeView(ScopedViewMixin, TemplateView):
    """Inspectors and unit heads land on their open assignments; other readers on the list."""

    required_perm = READ_PERMS
    template_name = "inspections/home.html"

    def get(self, request, *args, **kwargs):
        if not has_perm(request.user, FILL_PERMS):
            return redirect("inspections:inspection-list")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignments"] = list(selectors.my_assignments(user=self.request.user)[:200])
        context["can_view_all"] = has_perm(self.request.user, Perm.INSPECTION_VIEW)
        return context


class AssignmentListView(FilteredListView):
    required_perm = READ_PERMS
    filterset_class = AssignmentFilterSet
    template_name = "inspections/assignment_list.html"

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user)


class AssignmentDetailView(ScopedViewMixin, TemplateView):
    required_perm = READ_PERMS
    template_name = "inspections/assignment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignment = selectors.assignment_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            assignment=assignment,
            inspection=_inspection_of(assignment),
            can_fill=selectors.can_fill(user=self.request.user, assignment=assignment),
            members=list(assignment.members.all()),
        )
        return context


def _posted_answers(request, items) -> tuple[list[AnswerInput], list[str]]:
    """Answers from the filling form; new photos are verified, validated, resized and stored first."""
    answers, errors = [], []
    for item in items:
        keep = [sha for sha in request.POST.getlist(f"keep-{item.code}") if len(sha) == 64]
        shas = list(keep)
        for upload in request.FILES.getlist(f"photo-{item.code}"):
            data = upload.read()
            sha = hashlib.sha256(data).hexdigest()
            try:
                services.evidence_store(actor=request.user, sha256=sha, data=data)
            except ValidationError as exc:
                errors.append(
                    _("%(code)s – photo “%(name)s”: %(error)s")
                    % {"code": item.code, "name": upload.name, "error": exc.messages[0]}
                )
                continue
            shas.append(sha)
        value = request.POST.get(f"a-{item.code}", "")
        if item.answer_type == AnswerType.SELECT_MULTIPLE:
            value = " ".join(request.POST.getlist(f"a-{item.code}"))
        note = request.POST.get(f"n-{item.code}", "")
        if value or note or shas:
            answers.append(AnswerInput(item=item.code, value=value, note=note, evidence=shas))
    return answers, errors


def _form_rows(sections, answers_by_item, posted=None):
    rows = []
    for section in sections:
        items = []
        for item in section.items.all():
            answer = answers_by_item.get(item.pk)
            if posted is not None:
                value = posted.get(f"a-{item.code}", "")
                if item.answer_type == AnswerType.SELECT_MULTIPLE:
                    value = " ".join(posted.getlist(f"a-{item.code}"))
                note = posted.get(f"n-{item.code}", "")
                kept = posted.getlist(f"keep-{item.code}")
            else:
                value = answer.value if answer else ""
                note = answer.note if answer else ""
                kept = [e.blob.sha256 for e in answer.evidence.all()] if answer else []
            items.append(
                {
                    "item": item,
                    "value": value,
                    "note": note,
                    "evidence": kept,
                    "answer": answer,
                    "choices": _choices(item),
                    "multi": _multi_choices(item),
                    "picked": value.split() if item.answer_type == AnswerType.SELECT_MULTIPLE else [],
                    "relevant_json": _relevant_json(item),
                }
            )
        rows.append({"section": section, "items": items})
    return rows


def _relevant_json(item) -> str:
    """The parsed `relevant` expression for the filling screen's script (the server parses it, the
    script only evaluates the tree); empty when the item is always shown."""
    try:
        node = relevance.parse(item.relevant)
    except relevance.RelevanceError:
        return ""
    return json.dumps(node, ensure_ascii=False) if node is not None else ""


def _choices(item):
    if item.answer_type == AnswerType.SELECT_ONE:
        return choice_labels(item)
    return answer_choices(item)


def _multi_choices(item):
    if item.answer_type == AnswerType.SELECT_MULTIPLE:
        return choice_labels(item)
    return []


class FillView(ScopedViewMixin, View):
    """The tablet screen: one item per row, big answer buttons, note and photos, save or submit."""

    required_perm = FILL_PERMS
    template_name = "inspections/fill.html"

    def _load(self, request, pk):
        assignment = selectors.assignment_get(user=request.user, pk=pk)
        if not selectors.can_fill(user=request.user, assignment=assignment):
            raise Http404
        return assignment, _inspection_of(assignment)

    def _render(self, request, assignment, inspection, posted=None, errors=None, status=200):
        sections = selectors.version_structure(version=assignment.template_version)
        answers = selectors.inspection_answers(inspection=inspection) if inspection else {}
        rows = _form_rows(sections, answers, posted)
        total = sum(len(r["items"]) for r in rows)
        done = sum(1 for r in rows for i in r["items"] if i["value"] or i["evidence"])
        return render(
            request,
            self.template_name,
            {
                "assignment": assignment,
                "inspection": inspection,
                "rows": rows,
                "errors": errors or [],
                "total": total,
                "done": done,
                "editable": inspection is None or inspection.is_editable,
                "inspected_on": (posted.get("inspected_on") if posted else None)
                or (inspection.inspected_on.strftime("%d/%m/%Y") if inspection else ""),
                "summary": (posted.get("summary") if posted else None) or (inspection.summary if inspection else ""),
            },
            status=status,
        )

    def get(self, request, pk):
        assignment, inspection = self._load(request, pk)
        return self._render(request, assignment, inspection)

    def post(self, request, pk):
        assignment, inspection = self._load(request, pk)
        items = [i for s in selectors.version_structure(version=assignment.template_version) for i in s.items.all()]
        answers, errors = _posted_answers(request, items)
        submit = request.POST.get("action") == "submit"
        if not errors:
            try:
                on = request.POST.get("inspected_on") or None
                inspected_on = dt.date.fromisoformat(normalise(AnswerType.DATE, on)) if on else None
                inspection = services.inspection_save(
                    actor=request.user,
                    assignment=assignment,
                    answers=answers,
                    submit=submit,
                    inspected_on=inspected_on,
                    summary=request.POST.get("summary", ""),
                    base_version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
                )
            except ValidationError as exc:
                errors = _errors(exc)
            except ValueError as exc:
                errors = [str(exc)]
        if errors:
            return self._render(request, assignment, inspection, posted=request.POST, errors=errors, status=400)
        messages.success(request, _("Inspection submitted for review.") if submit else _("Draft saved."))
        if submit:
            return redirect("inspections:inspection-detail", pk=inspection.pk)
        return redirect("inspections:fill", pk=assignment.pk)


class InspectionListView(FilteredListView):
    required_perm = READ_PERMS
    filterset_class = InspectionFilterSet
    template_name = "inspections/inspection_list.html"

    def get_queryset(self):
        return selectors.inspection_list(user=self.request.user)


class InspectionDetailView(ScopedViewMixin, TemplateView):
    required_perm = READ_PERMS
    template_name = "inspections/inspection_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        inspection = selectors.inspection_get(user=user, pk=kwargs["pk"])
        findings = list(selectors.finding_list(user=user).filter(inspection=inspection))
        context.update(
            inspection=inspection,
            sheet=selectors.inspection_sheet(inspection=inspection),
            findings=findings,
            can_review=selectors.can_review(user=user, assignment=inspection.assignment),
            can_approve=selectors.can_approve(user=user, inspection=inspection),
            filled_by_me=selectors.filled(user=user, inspection=inspection),
            can_fill=selectors.can_fill(user=user, assignment=inspection.assignment),
            can_add_action=bool(findings) and _can_add_action(user, inspection),
            review_form=ReviewForm(),
            # (finding, its corrective-action form): ids per finding, the people picker scoped to its unit
            finding_rows=[(f, ActionForm(finding=f, user=user, auto_id=f"id_finding{f.pk}_%s")) for f in findings],
            amendments=list(inspection.amendments.select_related("actor")),
        )
        return context


def _can_add_action(user, inspection) -> bool:
    """Whoever may verify an action on this inspection's unit may add one."""
    probe = CorrectiveAction(finding=Finding(inspection=inspection), unit=inspection.unit)
    return selectors.can_verify_action(user=user, action=probe)


class ReviewView(ScopedViewMixin, View):
    required_perm = Perm.INSPECTION_REVIEW

    def post(self, request, pk):
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or return."))
            return redirect("inspections:inspection-detail", pk=pk)
        try:
            if form.cleaned_data["decision"] == "approve":
                services.inspection_approve(
                    actor=request.user, inspection=inspection, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("Inspection approved and locked."))
            else:
                services.inspection_return(
                    actor=request.user, inspection=inspection, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("Inspection returned to the team."))
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        return redirect("inspections:inspection-detail", pk=pk)


class AmendView(ScopedViewMixin, View):
    """A locked inspection changes only here: a reason, then the answers; every version is kept."""

    required_perm = Perm.INSPECTION_REVIEW
    template_name = "inspections/amend.html"

    def _load(self, request, pk):
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        if not selectors.can_review(user=request.user, assignment=inspection.assignment):
            raise Http404
        return inspection

    def _render(self, request, inspection, posted=None, errors=None, status=200):
        sections = selectors.version_structure(version=inspection.template_version)
        rows = _form_rows(sections, selectors.inspection_answers(inspection=inspection), posted)
        return render(
            request,
            self.template_name,
            {
                "inspection": inspection,
                "rows": rows,
                "errors": errors or [],
                "reason": posted.get("reason", "") if posted else "",
                "summary": posted.get("summary") if posted else inspection.summary,
            },
            status=status,
        )

    def get(self, request, pk):
        return self._render(request, self._load(request, pk))

    def post(self, request, pk):
        inspection = self._load(request, pk)
        items = [i for s in selectors.version_structure(version=inspection.template_version) for i in s.items.all()]
        answers, errors = _posted_answers(request, items)
        if not errors:
            try:
                services.inspection_amend(
                    actor=request.user,
                    inspection=inspection,
                    reason=request.POST.get("reason", ""),
                    answers=answers,
                    summary=request.POST.get("summary"),
                    base_version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
                )
            except ValidationError as exc:
                errors = _errors(exc)
        if errors:
            return self._render(request, inspection, posted=request.POST, errors=errors, status=400)
        messages.success(request, _("Amendment recorded."))
        return redirect("inspections:inspection-history", pk=pk)


class HistoryView(ScopedViewMixin, TemplateView):
    required_perm = READ_PERMS
    template_name = "inspections/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection = selectors.inspection_get(user=self.request.user, pk=kwargs["pk"])
        versions = selectors.inspection_versions(inspection=inspection)
        items = {i.code: i for i in inspection.template_version.items.all()}
        for v in versions:
            v["rows"] = [
                {"item": items.get(code), "code": code, **entry} for code, entry in v["snapshot"]["answers"].items()
            ]
        context.update(inspection=inspection, versions=versions)
        return context


class ReportView(ScopedViewMixin, View):
    """The printable biên bản kiểm tra now lives with the other official documents (numbered, with time,
    place, people present and photos, and as a Word file): this address, checked for scope, leads there."""

    required_perm = READ_PERMS

    def get(self, request, pk):
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        return redirect(reverse("documents:record-print", args=["inspection_minutes", inspection.pk]))


class ReportXlsxView(ScopedViewMixin, View):
    required_perm = READ_PERMS

    def get(self, request, pk):
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        data = inspection_report_xlsx(inspection=inspection)
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="bien-ban-kiem-tra-{inspection.pk}.xlsx"'
        return response


class CompareView(ScopedViewMixin, TemplateView):
    """Self score vs verified score, item by item (same unit, template and year)."""

    required_perm = READ_PERMS
    template_name = "inspections/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection = selectors.inspection_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            inspection=inspection,
            comparison=selectors.inspection_compare(user=self.request.user, inspection=inspection),
        )
        return context
