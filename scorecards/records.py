"""The records behind each criterion, as rows for the Excel export (one sheet per criterion).

Every function reads the subtree of a unit the caller has already been allowed to see (the export reads
the unit through `selectors.unit_scorecard`), one query each (people's hours: the training ledger's
own queries), capped at MAX_ROWS rows."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext as _

from inspections.models import ActionStatus, Assignment, CorrectiveAction, Inspection, InspectionStatus
from scorecards.periods import Period
from staff.access import subtree_bounds
from staff.models import Staff, Unit
from training.models import Enrollment
from training.selectors import (
    attributed_people,
    course_minutes_by_staff,
    external_minutes_by_staff,
    requirement_for,
    rules_for_year,
)

MAX_ROWS = 50_000


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _in_subtree(prefix: str, unit) -> Q:
    low, high = subtree_bounds(unit.path)
    return Q(**{f"{prefix}path__gte": low, f"{prefix}path__lt": high})


def hours_rows(*, unit, period: Period):
    low, high = subtree_bounds(unit.path)
    units = dict(Unit.objects.filter(path__gte=low, path__lt=high).values_list("pk", "path"))
    codes = dict(Unit.objects.filter(pk__in=units).values_list("pk", "code"))
    people = [p for p in attributed_people(start=period.start, end=period.end) if p[1] in units][:MAX_ROWS]
    names = dict(Staff.objects.filter(pk__in=[p[0] for p in people]).values_list("pk", "staff_code"))
    full = dict(Staff.objects.filter(pk__in=[p[0] for p in people]).values_list("pk", "full_name"))
    year, rules = period.end.year, rules_for_year(period.end.year)
    courses, external = course_minutes_by_staff(year=year), external_minutes_by_staff(year=year)
    headers = [_("Staff code"), _("Full name"), _("Unit"), _("Minutes done"), _("Minutes required"), _("Met")]
    rows = []
    for pk, unit_id, category, job_position, rank_code in people:
        required = requirement_for(
            category=category,
            job_position=job_position,
            rank_code=rank_code,
            unit_path=units.get(unit_id, ""),
            rules=rules,
        ).minutes
        done = courses.get(pk, 0) + external.get(pk, 0)
        rows.append([names.get(pk), full.get(pk), codes.get(unit_id), done, required, _yes(done >= required)])
    rows.sort(key=lambda r: (r[5] == _yes(True), r[2] or "", r[0] or ""))
    return headers, rows


def enrollment_rows(*, unit, period: Period, mandatory_only: bool = False):
    qs = Enrollment.objects.filter(
        _in_subtree("staff__unit__", unit),
        training_class__end_date__gte=period.start,
        training_class__start_date__lte=period.end,
    ).order_by("training_class__end_date", "staff__staff_code")
    if mandatory_only:
        qs = qs.filter(training_class__course__is_mandatory=True)
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
    rows = [
        [
            r["staff__staff_code"],
            r["staff__full_name"],
            r["staff__unit__code"],
            r["training_class__code"],
            r["training_class__course__title"],
            _yes(r["training_class__course__is_mandatory"]),
            r["training_class__end_date"],
            r["status"],
            r["outcome"],
            r["planned_minutes"],
            r["attended_minutes"],
            r["certificate__number"] or "",
        ]
        for r in qs.values(
            "staff__staff_code",
            "staff__full_name",
            "staff__unit__code",
            "training_class__code",
            "training_class__course__title",
            "training_class__course__is_mandatory",
            "training_class__end_date",
            "status",
            "outcome",
            "planned_minutes",
            "attended_minutes",
            "certificate__number",
        )[:MAX_ROWS]
    ]
    return headers, rows


def inspection_rows(*, unit, period: Period, kind: str):
    qs = Inspection.objects.filter(
        _in_subtree("unit__", unit),
        kind=kind,
        status=InspectionStatus.APPROVED,
        inspected_on__gte=period.start,
        inspected_on__lte=period.end,
    ).order_by("inspected_on", "unit__code")
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
            r["unit__code"],
            r["unit__name"],
            r["inspected_on"],
            _yes(r["is_self"]),
            None if r["total_percent"] is None else float(r["total_percent"]),
            _yes(r["critical_failed"]),
        ]
        for r in qs.values("unit__code", "unit__name", "inspected_on", "is_self", "total_percent", "critical_failed")[
            :MAX_ROWS
        ]
    ]
    return headers, rows


def action_rows(*, unit, period: Period):
    qs = (
        CorrectiveAction.objects.filter(
            _in_subtree("unit__", unit), due_date__gte=period.start, due_date__lte=period.end
        )
        .annotate(
            on_time=Q(
                status__in=[ActionStatus.DONE, ActionStatus.VERIFIED],
                completed_on__isnull=False,
                completed_on__lte=F("due_date"),
            )
        )
        .order_by("due_date", "unit__code")
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
            r["unit__code"],
            r["unit__name"],
            r["description"],
            r["due_date"],
            r["status"],
            r["completed_on"],
            _yes(r["on_time"]),
        ]
        for r in qs.values("unit__code", "unit__name", "description", "due_date", "status", "completed_on", "on_time")[
            :MAX_ROWS
        ]
    ]
    return headers, rows


def self_inspection_rows(*, unit, period: Period):
    qs = Assignment.objects.filter(
        _in_subtree("unit__", unit), is_self=True, due_date__gte=period.start, due_date__lte=period.end
    ).order_by("due_date", "unit__code")
    headers = [_("Unit code"), _("Unit"), _("Due date"), _("Submitted at")]
    rows = [
        [r["unit__code"], r["unit__name"], r["due_date"], r["inspection__submitted_at"]]
        for r in qs.values("unit__code", "unit__name", "due_date", "inspection__submitted_at")[:MAX_ROWS]
    ]
    return headers, rows


def rows_for(formula: str, *, unit, period: Period):
    """(headers, rows) of the records behind a criterion, or None for an unknown formula."""
    if formula == "hours_met_share":
        return hours_rows(unit=unit, period=period)
    if formula == "mandatory_completion":
        return enrollment_rows(unit=unit, period=period, mandatory_only=True)
    if formula in ("attendance_rate", "certificate_pass_rate"):
        return enrollment_rows(unit=unit, period=period)
    if formula == "service_culture_score":
        return inspection_rows(unit=unit, period=period, kind="service_culture")
    if formula == "discipline_score":
        return inspection_rows(unit=unit, period=period, kind="discipline")
    if formula == "actions_on_time":
        return action_rows(unit=unit, period=period)
    if formula == "self_inspections_on_time":
        return self_inspection_rows(unit=unit, period=period)
    return None
