"""Screens: assessment rounds (open, follow, publish), a unit's self-assessment and its appraisal with
the difference per criterion (also as Excel), and indicator values with their import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.xlsx import ImportRejected, XlsxWriter
from scorecards import indicators, rounds, rounds_read
from scorecards.filters import IndicatorValueFilterSet
from scorecards.forms import PeriodField
from scorecards.models import Decision, Indicator

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RoundOpenForm(forms.Form):
    period = PeriodField(
        label=gettext_lazy("Period"), help_text=gettext_lazy("2026, 2026-Q3 or 2026-07"), max_length=10
    )
    deadline = forms.DateField(
        label=gettext_lazy("Self-assessment deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    appraisal_deadline = forms.DateField(
        label=gettext_lazy("Appraisal deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=255)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


class RoundListView(ScopedViewMixin, View):
    required_perm = rounds_read.ROUND_PERMS
    template_name = "scorecards/rounds/list.html"

    def _render(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "rounds": rounds_read.round_list(user=request.user).select_related("publication"),
                "form": form,
                "can_open": rounds_read.can_open_rounds(user=request.user),
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, RoundOpenForm())

    def post(self, request):
        if not has_perm(request.user, Perm.SCORECARD_APPRAISE):
            return self._render(request, RoundOpenForm(), status=403)
        form = RoundOpenForm(request.POST)
        if form.is_valid():
            try:
                round_ = rounds.round_open(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The round for %(period)s is open.") % {"period": round_.period})
                return redirect("scorecards:round", pk=round_.pk)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return self._render(request, form, status=400)


class RoundDetailView(ScopedViewMixin, View):
    required_perm = rounds_read.ROUND_PERMS
    template_name = "scorecards/rounds/detail.html"

    def get(self, request, pk):
        round_ = rounds_read.round_get(user=request.user, pk=pk)
        page = Paginator(rounds_read.round_units(user=request.user), 100).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "round": round_,
                "rows": rounds_read.round_rows(user=request.user, round_=round_, units=page.object_list),
                "page_obj": page,
                "can_publish": rounds_read.can_open_rounds(user=request.user),
            },
        )

    def post(self, request, pk):
        round_ = rounds_read.round_get(user=request.user, pk=pk)
        try:
            publication = rounds.round_publish(actor=request.user, round_=round_)
            messages.success(request, _("The round is published as %(period)s.") % {"period": publication.period})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("scorecards:round", pk=round_.pk)


class AssessmentView(ScopedViewMixin, View):
    """One unit's self-assessment in a round: the unit fills and submits it, the appraiser decides."""

    required_perm = rounds_read.ROUND_PERMS
    template_name = "scorecards/rounds/assessment.html"

    def _context(self, request, pk, unit_pk):
        round_ = rounds_read.round_get(user=request.user, pk=pk)
        unit = rounds_read.unit_for_round(user=request.user, pk=unit_pk)
        return round_, unit, rounds_read.assessment_view(user=request.user, round_=round_, unit=unit)

    def get(self, request, pk, unit_pk):
        _round, _unit, view = self._context(request, pk, unit_pk)
        return render(request, self.template_name, {"view": view, "decisions": Decision.choices})

    def post(self, request, pk, unit_pk):
        round_, unit, view = self._context(request, pk, unit_pk)
        step = request.POST.get("step")
        try:
            if step in ("save", "submit"):
                entries = [
                    {
                        "key": row.key,
                        "self_value": request.POST.get(f"self_value-{row.key}"),
                        "explanation": request.POST.get(f"explanation-{row.key}", ""),
                        "evidence_link": request.POST.get(f"evidence_link-{row.key}", ""),
                        "evidence_file": request.FILES.get(f"evidence_file-{row.key}"),
                    }
                    for row in view.rows
                ]
                rounds.assessment_save(actor=request.user, round_=round_, unit=unit, entries=entries)
                if step == "submit":
                    rounds.assessment_submit(actor=request.user, round_=round_, unit=unit)
                    messages.success(request, _("The self-assessment is submitted."))
                else:
                    messages.success(request, _("Draft saved."))
            elif step == "appraise":
                if view.assessment is None:
                    raise ValidationError(_("The unit has not submitted its self-assessment yet."))
                decisions = [
                    {
                        "key": row.key,
                        "decision": request.POST.get(f"decision-{row.key}"),
                        "value": request.POST.get(f"appraised_value-{row.key}"),
                        "reason": request.POST.get(f"reason-{row.key}", ""),
                    }
                    for row in view.rows
                ]
                rounds.assessment_appraise(actor=request.user, assessment=view.assessment, decisions=decisions)
                messages.success(request, _("The appraisal is saved."))
            else:
                raise ValidationError(_("Unknown step."))
        except ValidationError as exc:
            view = rounds_read.assessment_view(user=request.user, round_=round_, unit=unit)
            return render(
                request,
                self.template_name,
                {"view": view, "decisions": Decision.choices, "errors": exc.messages, "posted": request.POST},
                status=400,
            )
        return redirect("scorecards:assessment", pk=round_.pk, unit_pk=unit.pk)


class AssessmentExportView(ScopedViewMixin, View):
    """The self score, the appraised score and the difference per criterion, as Excel."""

    required_perm = rounds_read.ROUND_PERMS

    def get(self, request, pk, unit_pk):
        round_ = rounds_read.round_get(user=request.user, pk=pk)
        unit = rounds_read.unit_for_round(user=request.user, pk=unit_pk)
        view = rounds_read.assessment_view(user=request.user, round_=round_, unit=unit)
        writer = XlsxWriter()
        _write_sheet(
            writer,
            _("Self-assessment and appraisal"),
            [
                _("Criterion"),
                _("Kind"),
                _("Weight"),
                _("Value from the records"),
                _("Self score"),
                _("Explanation"),
                _("Evidence"),
                _("Appraisal decision"),
                _("Appraised score"),
                _("Difference"),
                _("Reason"),
            ],
            [
                [
                    r.label,
                    str(KIND_LABELS.get(r.kind, r.kind)),
                    r.weight,
                    r.live_value,
                    r.self_value,
                    r.explanation,
                    r.evidence_link or (r.evidence_file.name if r.evidence_file else ""),
                    str(r.decision_label),
                    r.appraised_value,
                    r.difference,
                    r.reason,
                ]
                for r in view.rows
            ],
        )
        _write_sheet(
            writer,
            _("Summary"),
            [_("Unit"), _("Period"), _("Status"), _("Self-assessed total"), _("Appraised total")],
            [
                [
                    unit.name,
                    round_.period,
                    str(view.status_label),
                    view.assessment.self_total if view.assessment else None,
                    view.assessment.appraised_total if view.assessment else None,
                ]
            ],
        )
        response = HttpResponse(writer.save(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="tu-danh-gia-{unit.code}-{round_.period}.xlsx"'
        return response


def _write_sheet(writer: XlsxWriter, title: str, headers: list, rows: list) -> None:
    writer.sheet(title, headers)
    for row in rows:
        writer.row(row)


KIND_LABELS = {
    "computed": gettext_lazy("Computed from CongVu's records"),
    "indicator": gettext_lazy("Indicator (entered or imported)"),
    "self_assessed": gettext_lazy("Self-assessed with evidence"),
}


class IndicatorListView(ScopedViewMixin, View):
    """Indicator values in scope, and the import of a sheet of them (all or nothing)."""

    required_perm = (Perm.SCORECARD_VIEW, Perm.INDICATOR_MANAGE)
    template_name = "scorecards/indicators/list.html"

    def _render(self, request, form, errors=None, status=200):
        period = request.GET.get("period") or ""
        filterset = IndicatorValueFilterSet(
            request.GET or None, queryset=rounds_read.indicator_value_list(user=request.user), request=request
        )
        values = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        if filterset.is_bound and not filterset.is_valid():
            values = values.none()
        page = Paginator(values, 100).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "values": page.object_list,
                "page_obj": page,
                "indicators": Indicator.objects.all(),
                "form": form,
                "errors": errors or [],
                "can_import": has_perm(request.user, Perm.INDICATOR_MANAGE),
                "period": period,
                "count": page.paginator.count,
                "filter_unit": filterset.form.cleaned_data.get("unit")
                if filterset.is_bound and filterset.is_valid()
                else None,
                "indicator_id": request.GET.get("indicator_id") or "",
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, ImportForm())

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        upload = form.cleaned_data["file"]
        try:
            plan = indicators.indicator_import(data=upload.read(), actor=request.user, file_name=upload.name)
        except ImportRejected as exc:
            return self._render(request, form, errors=exc.errors, status=400)
        except ValidationError as exc:
            return self._render(request, form, errors=exc.messages, status=400)
        messages.success(
            request,
            _("%(rows)s values imported: %(created)s new, %(updated)s replaced.")
            % {"rows": plan.total, "created": plan.created, "updated": plan.updated},
        )
        return redirect("scorecards:indicators")


def today_str() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")
