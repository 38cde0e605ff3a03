"""Reports of a whole province (or any large subtree) as background jobs with progress, like the Excel
exports (found by jobs.registry.autodiscover). The job's rows are the units of the subtree (its progress);
the file is the report's Word document, built as the job's owner."""

from __future__ import annotations

import io

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from documents.generate import PERMS, document_build, document_docx
from documents.kinds import KINDS
from scorecards.periods import Period
from staff.access import subtree_bounds, unit_scope_q
from staff.models import Unit


def _units(user, code):
    return Unit.objects.filter(unit_scope_q(user, PERMS[code]), active=True)


class ReportJobFilterSet(django_filters.FilterSet):
    """The report form as a FilterSet: the unit (its subtree becomes the job's rows) and the period."""

    unit = django_filters.CharFilter(label=_("Unit (with its sub-units)"), method="filter_unit", required=True)
    period = django_filters.CharFilter(label=_("Period"), method="filter_period", required=True)

    class Meta:
        model = Unit
        fields: list[str] = []

    def __init__(self, *args, kind_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_code = kind_code

    def filter_unit(self, queryset, name, value):
        unit = queryset.filter(code=value).first()
        if unit is None:
            return queryset.none()
        low, high = subtree_bounds(unit.path)
        return queryset.filter(path__gte=low, path__lt=high).annotate(report_root=Value(unit.code))

    def filter_period(self, queryset, name, value):
        return queryset.annotate(report_period=Value(Period.parse(value).key))

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            try:
                Period.parse(self.form.cleaned_data.get("period") or "")
            except ValueError as exc:
                self.form.add_error("period", forms.ValidationError(str(exc)))
                return False
            if not self.queryset.filter(code=self.form.cleaned_data.get("unit")).exists():
                self.form.add_error("unit", _("Choose a unit in your scope."))
                return False
        return valid


def _write(code):
    def write(queryset) -> io.BytesIO:
        units = list(queryset.iterator())  # the subtree: the job's progress
        if not units:
            raise ValueError(_("No unit to report on."))
        first = units[0]
        document = document_build(
            kind=KINDS[code],
            user=get_user_model().objects.get(pk=first.report_owner_id),
            code=first.report_root,
            period=first.report_period,
            issue=True,  # the owner asked for the report with a POST: it is issued (once per unit and period)
        )
        return io.BytesIO(document_docx(document))

    return write


def _queryset(code):
    def queryset(user):
        # The owner travels with the rows: the writer builds the report as them (same scope as the screen).
        return _units(user, code).annotate(report_owner_id=Value(user.pk)).order_by("path")

    return queryset


EXPORTS = []
for _code, _name in (("training_report", "bao-cao-dao-tao"), ("inspection_report", "bao-cao-kiem-tra")):
    EXPORTS.append(
        {
            "key": f"document_{_code}",
            "label": KINDS[_code].label,
            "perm": PERMS[_code],
            "filterset": (
                lambda data, queryset, request, c=_code: ReportJobFilterSet(
                    data, queryset=queryset, request=request, kind_code=c
                )
            ),
            "queryset": _queryset(_code),
            "write": _write(_code),
            "filename": lambda day, n=_name: f"{n}-{day:%Y%m%d}.docx",
            "list_url": "documents:home",
        }
    )
