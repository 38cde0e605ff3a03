"""The records behind each criterion, as rows for the Excel export (one sheet per criterion).

The rows are those of the lists each figure links to (scorecards.links): the denominator's records, with
a column saying whether each one is counted in the numerator, read through the owning app's selector and
FilterSet with the user's scope, so the sheet, the screen and the API count the same records. Labels, not
codes; capped at MAX_ROWS rows."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import selectors as inspection_selectors
from inspections.models import ActionStatus
from scorecards import links, rounds_read
from scorecards.filters import IndicatorValueFilterSet
from scorecards.models import CriterionAssessment, UnitAssessment
from scorecards.periods import Period
from staff import selectors as staff_selectors
from training import selectors as training_selectors
from training.models import ABSENT
from training.requirements import HoursStatus

MAX_ROWS = 50_000


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _hours(target, numerator, user, request):
    rows = training_selectors.hours_ledger(
        user=user, year=int(target.params["year"]), filters=target.params, request=request
    )[:MAX_ROWS]
    headers = [
        _("Staff code"),
        _("Full name"),
        _("Unit"),
        _("Minutes done"),
        _("Minutes required"),
        _("Hours status"),
        _("Counted in the numerator"),
    ]
    out = [
        [
            r.staff.staff_code,
            r.staff.full_name,
            r.staff.unit.name if r.staff.unit_id else "",
            r.total_minutes,
            r.required_minutes,
            str(HoursStatus.LABELS[r.status]),
            _yes(r.status == HoursStatus.MET),
        ]
        for r in rows
    ]
    return headers, out


def _enrollments(target, numerator, user, request):
    qs = training_selectors.enrollment_list(user=user, filters=target.params, request=request).order_by(
        "training_class__end_date", "staff__staff_code", "pk"
    )
    counted = None
    if numerator is not None:
        counted = set(
            training_selectors.enrollment_list(user=user, filters=numerator.params, request=request).values_list(
                "pk", flat=True
            )
        )
    headers = [
        _("Staff code"),
        _("Full name"),
        _("Unit"),
        _("Class"),
        _("Course"),
        _("Mandatory"),
        _("Ends"),
        _("Status"),
        _("Outcome"),
        _("Planned minutes"),
        _("Attended minutes"),
        _("Certificate"),
    ]
    if counted is not None:
        headers.append(_("Counted in the numerator"))
    rows = []
    for e in qs[:MAX_ROWS]:
        row = [
            e.staff.staff_code,
            e.staff.full_name,
            e.staff.unit.name if e.staff.unit_id else "",
            e.training_class.code,
            e.training_class.course.title,
            _yes(e.training_class.course.is_mandatory),
            e.training_class.end_date,
            str(e.get_status_display()),
            str(e.get_outcome_display()) if e.outcome else "",
            e.planned_minutes,
            e.attended_minutes,
            _certificate(e),
        ]
        if counted is not None:
            row.append(_yes(e.pk in counted))
        rows.append(row)
    return headers, rows


def _attendance(target, numerator, user, request):
    """The attendance marks counted (the denominator's list), each saying whether it is attended."""
    qs = training_selectors.attendance_records(user=user, filters=target.params, request=request)
    headers = [
        _("Date"),
        _("Class"),
        _("Course"),
        _("Staff code"),
        _("Full name"),
        _("Unit"),
        _("Attendance"),
        _("Minutes"),
        _("Counted in the numerator"),
    ]
    rows = [
        [
            m.session.date,
            m.session.training_class.code,
            m.session.training_class.course.title,
            m.enrollment.staff.staff_code,
            m.enrollment.staff.full_name,
            m.enrollment.staff.unit.name if m.enrollment.staff.unit_id else "",
            str(m.get_status_display()),
            m.minutes,
            _yes(m.status not in ABSENT),
        ]
        for m in qs[:MAX_ROWS]
    ]
    return headers, rows


def _certificate(enrollment) -> str:
    try:
        return enrollment.certificate.number
    except Exception:  # noqa: BLE001 - no certificate (reverse one-to-one)
        return ""


def _inspections(target, numerator, user, request):
    qs = inspection_selectors.inspection_list(user=user, filters=target.params, request=request).order_by(
        "inspected_on", "unit__code", "pk"
    )
    headers = [
        _("Unit code"),
        _("Unit"),
        _("Inspection date"),
        _("Self-inspection"),
        _("Total (%)"),
        _("Critical item failed"),
    ]
    rows = [
        [
            i.unit.code,
            i.unit.name,
            i.inspected_on,
            _yes(i.is_self),
            None if i.total_percent is None else float(i.total_percent),
            _yes(i.critical_failed),
        ]
        for i in qs[:MAX_ROWS]
    ]
    return headers, rows


def _actions(target, numerator, user, request):
    on_time = Q(
        status__in=[ActionStatus.DONE, ActionStatus.VERIFIED],
        completed_on__isnull=False,
        completed_on__lte=F("due_date"),
    )
    qs = (
        inspection_selectors.action_list(user=user, filters=target.params, request=request)
        .annotate(counted=on_time)
        .order_by("due_date", "unit__code", "pk")
    )
    headers = [
        _("Unit code"),
        _("Unit"),
        _("Corrective action"),
        _("Due date"),
        _("Status"),
        _("Done on"),
        _("On time"),
    ]
    rows = [
        [
            a.unit.code,
            a.unit.name,
            a.description,
            a.due_date,
            str(a.get_status_display()),
            a.completed_on,
            _yes(a.counted),
        ]
        for a in qs[:MAX_ROWS]
    ]
    return headers, rows


def _assignments(target, numerator, user, request):
    tz = timezone.get_current_timezone()
    qs = (
        inspection_selectors.assignment_list(user=user, filters=target.params, request=request)
        .alias(submitted_day=TruncDate("inspection__submitted_at", tzinfo=tz))
        .annotate(
            submitted_at=F("inspection__submitted_at"),
            counted=Q(inspection__submitted_at__isnull=False, submitted_day__lte=F("due_date")),
        )
        .order_by("due_date", "unit__code", "pk")
    )
    headers = [_("Unit code"), _("Unit"), _("Due date"), _("Submitted at"), _("On time")]
    rows = [[a.unit.code, a.unit.name, a.due_date, a.submitted_at, _yes(a.counted)] for a in qs[:MAX_ROWS]]
    return headers, rows


def _indicator_values(target, numerator, user, request):
    qs = IndicatorValueFilterSet(
        target.params, queryset=rounds_read.indicator_value_list(user=user), request=request
    ).qs.order_by("period", "unit__path", "pk")
    headers = [_("Unit code"), _("Unit"), _("Period"), _("Indicator"), _("Value"), _("Source"), _("Entered by")]
    rows = [
        [
            v.unit.code,
            v.unit.name,
            v.period,
            v.indicator.name,
            float(v.value),
            v.source,
            v.imported_by.username if v.imported_by_id else "",
        ]
        for v in qs[:MAX_ROWS]
    ]
    return headers, rows


def _staff(target, numerator, user, request):
    qs = staff_selectors.staff_list(user=user, filters=target.params, request=request).order_by("staff_code", "pk")
    counted = None
    if numerator is not None:
        counted = set(
            staff_selectors.staff_list(user=user, filters=numerator.params, request=request).values_list(
                "pk", flat=True
            )
        )
    headers = [_("Staff code"), _("Full name"), _("Unit"), _("Category")]
    if counted is not None:
        headers.append(_("Without a discipline decision in the period"))
    rows = []
    for p in qs[:MAX_ROWS]:
        row = [p.staff_code, p.full_name, p.unit.name if p.unit_id else "", str(p.get_category_display())]
        if counted is not None:
            row.append(_yes(p.pk in counted))
        rows.append(row)
    return headers, rows


def _assessments(target, numerator, user, request):
    key = target.params["criterion"]
    qs = (
        CriterionAssessment.objects.filter(
            assessment__in=UnitAssessment.objects.visible_to(user),
            assessment__round_id=target.kwargs["pk"],
            assessment__unit_id=target.kwargs["unit_pk"],
            key=key,
        )
        .select_related("assessment__unit")
        .order_by("pk")
    )
    headers = [_("Unit code"), _("Unit"), _("Status"), _("Self-assessed score"), _("Appraised score"), _("Explanation")]
    rows = [
        [
            a.assessment.unit.code,
            a.assessment.unit.name,
            str(a.assessment.get_status_display()),
            None if a.self_value is None else float(a.self_value),
            None if a.appraised_value is None else float(a.appraised_value),
            a.explanation,
        ]
        for a in qs[:MAX_ROWS]
    ]
    return headers, rows


READERS = {
    "hours_met_share": _hours,
    "mandatory_completion": _enrollments,
    "attendance_rate": _attendance,
    "certificate_pass_rate": _enrollments,
    "service_culture_score": _inspections,
    "discipline_score": _inspections,
    "actions_on_time": _actions,
    "self_inspections_on_time": _assignments,
    # the kinds of scorecards.kinds, by the prefix of their formula name
    "indicator": _indicator_values,
    "self_assessed": _assessments,
    "no_discipline_share": _staff,
    "checklist_items": _inspections,
}


def rows_for(formula: str, *, unit, period: Period, user):
    """(headers, rows) of the records behind a criterion, or None for an unknown formula."""
    reader = READERS.get(formula) or READERS.get(formula.partition(":")[0])
    if reader is None:
        return None
    t = links.targets(formula, unit=unit, period=period)
    target = t["denominator"] or t["numerator"]
    if target is None:  # nothing to list (a self-assessed criterion without a round for the period)
        return None
    numerator = t["numerator"] if t["denominator"] is not None else None
    return reader(target, numerator, user, SimpleNamespace(user=user))
