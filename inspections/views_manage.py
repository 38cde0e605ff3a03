"""HTML screens for templates, plans and campaigns, the findings register, corrective actions and
results per unit."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.concurrency import StaleVersion
from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import FilteredListView, page_size_from
from core.xlsx import XLSX_CONTENT_TYPE, ImportRejected
from inspections import selectors, services
from inspections.exports import actions_register_xlsx, findings_register_xlsx, results_by_unit_xlsx, xlsform_export
from inspections.filters import CorrectiveActionFilterSet, FindingFilterSet, InspectionFilterSet, PlanFilterSet
from inspections.forms import (
    ActionForm,
    AssignmentForm,
    CampaignForm,
    PlanForm,
    ProgressForm,
    SubmissionsUploadForm,
    TemplateForm,
    VerifyForm,
    VersionSettingsForm,
    XlsFormUploadForm,
)
from inspections.importers import xlsform_import_with_summary, xlsform_parse
from inspections.models import Assignment, InspectionPlan
from inspections.submissions import submissions_apply, submissions_parse
from inspections.views import _errors

TEMPLATE_READ = (Perm.TEMPLATE_VIEW, Perm.TEMPLATE_MANAGE)


def pending_upload(user, token: str, suffix: str) -> Path:
    """Where an upload waits between its preview and its confirmation (per user, by random token)."""
    try:
        uuid.UUID(token)
    except ValueError:
        raise Http404 from None
    path = Path(settings.MEDIA_ROOT) / "pending-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path / f"{user.pk}-{token}{suffix}"


FINDING_READ = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)


# ------------------------------------------------------------------------------------ templates
class TemplateListView(ScopedViewMixin, TemplateView):
    required_perm = TEMPLATE_READ
    template_name = "inspections/template_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            templates=selectors.template_list(user=self.request.user),
            can_manage=has_perm(self.request.user, Perm.TEMPLATE_MANAGE),
            form=kwargs.get("form") or TemplateForm(),
            upload_form=XlsFormUploadForm(),
            import_errors=kwargs.get("import_errors"),
            import_summary=kwargs.get("import_summary"),
            import_token=kwargs.get("import_token"),
        )
        return context

    def post(self, request):
        """An XLSForm upload is checked and summarised first (nothing written); confirming the
        summary saves it as a draft version."""
        if not has_perm(request.user, Perm.TEMPLATE_MANAGE):
            raise Http404
        if "file" in request.FILES or request.POST.get("import_token"):
            token = request.POST.get("import_token")
            if token:
                path = pending_upload(request.user, token, ".xlsx")
                if not path.exists():
                    messages.error(request, _("This preview has expired; upload the file again."))
                    return redirect("inspections:template-list")
                data = path.read_bytes()
            else:
                data = request.FILES["file"].read()
            try:
                if not token:
                    _settings, _sections, summary = xlsform_parse(data=data)
                    token = str(uuid.uuid4())
                    pending_upload(request.user, token, ".xlsx").write_bytes(data)
                    return self.render_to_response(self.get_context_data(import_summary=summary, import_token=token))
                version, summary = xlsform_import_with_summary(data=data, actor=request.user)
                path.unlink(missing_ok=True)
            except ImportRejected as exc:
                return self.render_to_response(self.get_context_data(import_errors=exc.errors), status=400)
            messages.success(
                request,
                _("Workbook imported as draft version %(n)s: %(sections)s sections, %(items)s items.")
                % {"n": version.number, "sections": summary.sections, "items": summary.items},
            )
            return redirect("inspections:version-detail", pk=version.pk)
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.template_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Template created with an empty draft version."))
                return redirect("inspections:version-detail", pk=template.versions.get().pk)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class VersionDetailView(ScopedViewMixin, TemplateView):
    required_perm = TEMPLATE_READ
    template_name = "inspections/version_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = selectors.version_get(user=self.request.user, pk=kwargs["pk"])
        can_manage = has_perm(self.request.user, Perm.TEMPLATE_MANAGE)
        context.update(
            version=version,
            sections=selectors.version_structure(version=version),
            versions=version.template.versions.visible_to(self.request.user).order_by("-number"),
            can_manage=can_manage,
            can_edit=can_manage and version.is_editable,
            settings_form=kwargs.get("settings_form")
            or VersionSettingsForm(initial={"pass_threshold": version.pass_threshold, "notes": version.notes}),
        )
        return context

    def post(self, request, pk):
        """The draft's pass threshold and notes (sections and items: views_editor)."""
        if not has_perm(request.user, Perm.TEMPLATE_MANAGE):
            raise Http404
        version = selectors.version_get(user=request.user, pk=pk)
        form = VersionSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.version_update_settings(actor=request.user, version=version, **form.cleaned_data)
                messages.success(request, _("Version settings saved."))
                return redirect("inspections:version-detail", pk=pk)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
        return self.render_to_response(self.get_context_data(pk=pk, settings_form=form), status=400)


class VersionActionView(ScopedViewMixin, View):
    """publish / retire a version, or make the next draft of its template."""

    required_perm = Perm.TEMPLATE_MANAGE

    def post(self, request, pk, verb):
        version = selectors.version_get(user=request.user, pk=pk)
        try:
            if verb == "publish":
                services.version_publish(actor=request.user, version=version)
                messages.success(request, _("Version published; it can no longer change."))
            elif verb == "retire":
                services.version_retire(actor=request.user, version=version)
                messages.success(request, _("Version retired; inspections pinned to it keep it."))
            elif verb == "new-draft":
                version = services.version_new_draft(actor=request.user, template=version.template)
                messages.success(request, _("Draft version %(n)s ready to edit.") % {"n": version.number})
            else:
                raise Http404
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        return redirect("inspections:version-detail", pk=version.pk)


class VersionExportView(ScopedViewMixin, View):
    required_perm = TEMPLATE_READ

    def get(self, request, pk):
        version = selectors.version_get(user=request.user, pk=pk)
        response = HttpResponse(xlsform_export(version=version), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{version.template.code}-v{version.number}.xlsx"'
        return response


# ---------------------------------------------------------------------------------------- plans
class PlanListView(FilteredListView):
    required_perm = (Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN)
    filterset_class = PlanFilterSet
    template_name = "inspections/plan_list.html"

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_plan=has_perm(user, Perm.INSPECTION_PLAN),
            form=kwargs.get("form") or PlanForm(user=user, initial={"year": timezone.localdate().year}),
            campaign_form=kwargs.get("campaign_form")
            or CampaignForm(user=user, initial={"year": timezone.localdate().year}),
        )
        return context

    def post(self, request):
        if not has_perm(request.user, Perm.INSPECTION_PLAN):
            raise Http404
        if request.POST.get("kind") == "campaign":
            form = CampaignForm(request.POST, user=request.user)
            if form.is_valid():
                try:
                    plan = services.campaign_create(actor=request.user, **form.cleaned_data)
                    messages.success(
                        request, _("Self-inspection campaign created: %(n)s units.") % {"n": plan.assignments.count()}
                    )
                    return redirect("inspections:plan-detail", pk=plan.pk)
                except ValidationError as exc:
                    form.add_error(None, _errors(exc))
            return self.render_to_response(self.get_context_data(campaign_form=form), status=400)
        form = PlanForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, **form.cleaned_data)
                return redirect("inspections:plan-detail", pk=plan.pk)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PlanEditView(ScopedViewMixin, View):
    """Edit a plan's year, name, scope and target; the form names the version it was read at (a stale
    save is refused with the values now, 409)."""

    required_perm = Perm.INSPECTION_PLAN
    template_name = "inspections/plan_edit.html"

    def _plan(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        if not selectors.can_plan(user=request.user, unit=plan.unit):
            raise Http404
        return plan

    def _render(self, request, form, plan, status=200):
        return render(request, self.template_name, {"form": form, "plan": plan}, status=status)

    def get(self, request, pk):
        plan = self._plan(request, pk)
        return self._render(request, PlanForm(user=request.user, instance=plan), plan)

    def post(self, request, pk):
        plan = self._plan(request, pk)
        form = PlanForm(request.POST, user=request.user, instance=plan)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            try:
                services.plan_update(actor=request.user, plan=plan, expected_version=version, **data)
                messages.success(request, _("Changes saved."))
                return redirect("inspections:plan-detail", pk=plan.pk)
            except StaleVersion as exc:
                form.show_stale(exc.obj)
                return self._render(request, form, plan, status=409)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
        return self._render(request, form, plan, status=400)


class PlanDetailView(ScopedViewMixin, TemplateView):
    required_perm = (Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN)
    template_name = "inspections/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        plan = selectors.plan_get(user=user, pk=kwargs["pk"])
        assignments = selectors.plan_assignments(user=user, plan=plan)
        page = Paginator(assignments, page_size_from(self.request, 100)).get_page(self.request.GET.get("page"))
        context.update(
            plan=plan,
            coverage=selectors.plan_coverage(plan=plan),
            page_obj=page,
            object_list=page.object_list,
            querystring="",
            can_plan=selectors.can_plan(user=user, unit=plan.unit),
            form=kwargs.get("form") or AssignmentForm(user=user, plan=plan),
        )
        return context

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        if not selectors.can_plan(user=request.user, unit=plan.unit):
            raise Http404
        form = AssignmentForm(request.POST, user=request.user, plan=plan)
        if form.is_valid():
            try:
                services.assignment_create(actor=request.user, plan=plan, **form.cleaned_data)
                messages.success(request, _("Assignment added."))
                return redirect("inspections:plan-detail", pk=pk)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
        return self.render_to_response(self.get_context_data(pk=pk, form=form), status=400)


# ------------------------------------------------------------------------- findings and actions
class FindingListView(FilteredListView):
    """The findings register: each finding with its state and its corrective actions."""

    required_perm = FINDING_READ
    filterset_class = FindingFilterSet
    template_name = "inspections/finding_list.html"

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user)


class FindingExportView(ScopedViewMixin, View):
    required_perm = FINDING_READ

    def get(self, request):
        qs = selectors.finding_list(user=request.user, filters=request.GET, request=request)
        handle = findings_register_xlsx(findings=qs)
        name = f"so-theo-doi-phat-hien-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


class ActionListView(FilteredListView):
    """The corrective-actions register: one row per action, overdue shown as overdue."""

    required_perm = FINDING_READ
    filterset_class = CorrectiveActionFilterSet
    template_name = "inspections/action_list.html"

    def get_queryset(self):
        return selectors.action_list(user=self.request.user)


class ActionExportView(ScopedViewMixin, View):
    required_perm = FINDING_READ

    def get(self, request):
        qs = selectors.action_list(user=request.user, filters=request.GET, request=request)
        handle = actions_register_xlsx(actions=qs)
        name = f"bien-phap-khac-phuc-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


class ActionCreateView(ScopedViewMixin, View):
    required_perm = (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW)

    def post(self, request, pk):
        finding = selectors.finding_get(user=request.user, pk=pk)
        form = ActionForm(request.POST, finding=finding, user=request.user)
        if form.is_valid():
            try:
                services.action_create(actor=request.user, finding=finding, **form.cleaned_data)
                messages.success(request, _("Corrective action added."))
            except ValidationError as exc:
                for message in _errors(exc):
                    messages.error(request, message)
        else:
            for field, errs in form.errors.items():
                for e in errs:
                    messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {e}")
        return redirect("inspections:inspection-detail", pk=finding.inspection_id)


class ActionDetailView(ScopedViewMixin, TemplateView):
    required_perm = FINDING_READ
    template_name = "inspections/action_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        action = selectors.action_get(user=user, pk=kwargs["pk"])
        context.update(
            action=action,
            progress=selectors.action_progress(action=action),
            can_update=selectors.can_update_action(user=user, action=action) and action.status != "verified",
            can_verify=selectors.can_verify_action(user=user, action=action) and action.status == "done",
            progress_form=kwargs.get("progress_form") or ProgressForm(initial={"status": action.status}),
            verify_form=VerifyForm(),
            errors=kwargs.get("errors"),
        )
        return context

    def post(self, request, pk):
        action = selectors.action_get(user=request.user, pk=pk)
        errors = []
        try:
            if request.POST.get("step") == "verify":
                form = VerifyForm(request.POST)
                if form.is_valid():
                    services.action_verify(
                        actor=request.user,
                        action=action,
                        accept=form.cleaned_data["accept"] == "yes",
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, _("Verification recorded."))
                    return redirect("inspections:action-detail", pk=pk)
                errors = [e for errs in form.errors.values() for e in errs]
            else:
                form = ProgressForm(request.POST)
                if form.is_valid():
                    shas = []
                    for upload in request.FILES.getlist("photos"):
                        data = upload.read()
                        sha = hashlib.sha256(data).hexdigest()
                        services.evidence_store(actor=request.user, sha256=sha, data=data)
                        shas.append(sha)
                    services.action_update_progress(
                        actor=request.user,
                        action=action,
                        status=form.cleaned_data["status"],
                        note=form.cleaned_data["note"],
                        evidence=shas,
                        base_version=int(request.POST["version"])
                        if request.POST.get("version", "").isdigit()
                        else None,
                    )
                    messages.success(request, _("Progress recorded."))
                    return redirect("inspections:action-detail", pk=pk)
                errors = [e for errs in form.errors.values() for e in errs]
        except StaleVersion as exc:
            errors = [_("Someone else recorded progress on this action while you were writing; nothing was saved.")]
            errors.append(_("Status now: %(status)s.") % {"status": exc.obj.get_status_display()})
            return self.render_to_response(self.get_context_data(pk=pk, errors=errors), status=409)
        except ValidationError as exc:
            errors = _errors(exc)
        return self.render_to_response(self.get_context_data(pk=pk, errors=errors), status=400)


# ------------------------------------------------------------------------------ results per unit
class ResultsView(ScopedViewMixin, TemplateView):
    """Results per unit for a period, with the inspection list's filters."""

    required_perm = Perm.INSPECTION_VIEW
    template_name = "inspections/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = InspectionFilterSet(
            self.request.GET or None, queryset=selectors.inspection_list(user=self.request.user), request=self.request
        )
        rows = selectors.unit_results(inspections=filterset.qs)
        page = Paginator(rows, page_size_from(self.request, 50)).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page_obj=page, object_list=page.object_list, querystring=query.urlencode())
        return context


class ResultsExportView(ScopedViewMixin, View):
    required_perm = Perm.INSPECTION_VIEW

    def get(self, request):
        rows = selectors.results_by_unit(user=request.user, filters=request.GET, request=request)
        handle = results_by_unit_xlsx(rows=rows)
        name = f"ket-qua-kiem-tra-theo-don-vi-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


# --------------------------------------------------------------------------- submissions import
class SubmissionsImportView(ScopedViewMixin, TemplateView):
    """A KoboToolbox / ODK Central submissions export → draft inspections of this plan: upload and
    check (nothing written), then confirm (all or nothing; already imported submissions are skipped)."""

    required_perm = (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)
    template_name = "inspections/submissions_import.html"

    @staticmethod
    def _plan(user, pk):
        """The plan, if the user sees it or is on the team of one of its assignments (an inspector
        imports what the team collected); anything else is a 404."""
        team = Q(lead_id=user.pk) | Q(memberships__user_id=user.pk)
        if Assignment.objects.filter(team, plan_id=pk).exists():
            return get_object_or_404(InspectionPlan, pk=pk)
        return selectors.plan_get(user=user, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self._plan(self.request.user, self.kwargs["pk"])
        context.setdefault("form", SubmissionsUploadForm())
        return context

    def post(self, request, pk):
        plan = self._plan(request.user, pk)
        token = request.POST.get("token")
        if token:
            path = pending_upload(request.user, token, ".bin")
            form = SubmissionsUploadForm(request.POST)
            form.fields["file"].required = False
            if not path.exists() or not form.is_valid():
                messages.error(request, _("This preview has expired; upload the file again."))
                return redirect("inspections:submissions-import", pk=plan.pk)
            data = path.read_bytes()
        else:
            form = SubmissionsUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=400)
            data = form.cleaned_data["file"].read()
        columns = {k: form.cleaned_data[k] for k in ("unit_column", "date_column", "inspector_column")}
        try:
            result = submissions_parse(actor=request.user, plan=plan, data=data, **columns)
            if token:
                submissions_apply(plan=result, actor=request.user)
                path.unlink(missing_ok=True)
        except ImportRejected as exc:
            return self.render_to_response(self.get_context_data(form=form, errors=exc.errors), status=400)
        if not token:
            token = str(uuid.uuid4())
            pending_upload(request.user, token, ".bin").write_bytes(data)
            return self.render_to_response(self.get_context_data(form=form, result=result, token=token))
        if result.created:
            messages.success(
                request,
                _("%(created)s draft inspections created; %(dup)s submissions were already imported.")
                % {"created": len(result.created), "dup": len(result.duplicates)},
            )
        else:
            messages.info(
                request,
                _("Nothing new: all %(dup)s submissions in this file were already imported.")
                % {"dup": len(result.duplicates)},
            )
        return redirect("inspections:plan-detail", pk=plan.pk)
