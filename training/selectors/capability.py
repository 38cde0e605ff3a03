"""The scorecards' contract: training facts per unit, for the unit each person belonged to during
the period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.lookups import In

from core.sql import NotIndexed
from staff.access import subtree_bounds
from staff.filters import attributed_unit  # noqa: F401 - the rule lives with the staff lists; re-exported
from staff.models import Staff, StaffStatus, StaffUnitHistory, Unit
from training.models import ABSENT, Attendance, ClassSession, ClassStatus, Enrollment, EnrollmentStatus, Outcome
from training.requirements import RequirementMatcher, rules_for_year
from training.selectors.hours import with_training_periods


@dataclass(frozen=True)
class CapabilityFacts:
    unit_id: int
    headcount: int
    hours_met: int
    mandatory_enrolled: int
    mandatory_completed: int
    attendance_marks: int
    attendance_attended: int
    assessed: int
    certified: int


def attributed_people(*, start: dt.date, end: dt.date):
    """Active staff with the unit they belonged to during [start, end] (see `attributed_unit`). One query."""
    return (
        Staff.objects.filter(status=StaffStatus.ACTIVE)
        .annotate(attr_unit=attributed_unit(OuterRef("pk"), start=start, end=end))
        .filter(attr_unit__isnull=False)
        .values_list("pk", "attr_unit", "category", "job_position", "rank_code")
    )


def unit_capability_facts(*, start: dt.date, end: dt.date, within: str | None = None) -> dict[int, CapabilityFacts]:
    """Training facts per unit for the scorecards, computed in the database and added up here per unit. Only
    active staff with a unit count. Four queries whatever the number of units, people or rules.

    The unit each person belonged to during the period (`attributed_unit`, a correlated subquery over the unit
    history) is worked out once per person, in the first query, with the tiết the person did in the year;
    whether they met their requirement is `requirement_for`, as on the hours ledger. The enrollment facts are
    then grouped by person in the database (one row per person at most, not one per enrollment) and added up
    per unit here."""
    year = end.year
    match = RequirementMatcher(rules_for_year(year))
    staff = Staff.objects.filter(status=StaffStatus.ACTIVE)
    if within is not None:
        # Only the units of one subtree (`within`: a unit path): the people with a unit-history row there
        # overlapping the period (their attributed unit is then checked below), and their enrollments.
        low, high = subtree_bounds(within)
        staff = staff.filter(
            pk__in=StaffUnitHistory.objects.filter(unit__path__gte=low, unit__path__lt=high, start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .values("staff_id")
        )
        subtree = set(Unit.objects.filter(path__gte=low, path__lt=high).values_list("pk", flat=True))

    # Each active person's unit (and its path, when a rule names a unit), position and tiết done in the
    # year. People attributed to no unit (NULL) are skipped below, as are their enrollments.
    people = with_training_periods(staff, year=year).annotate(
        attr_unit=attributed_unit(OuterRef("pk"), start=start, end=end)
    )
    if any(r.unit_id for r in match.rules):
        path = Subquery(Unit.objects.filter(pk=OuterRef("attr_unit")).values("path")[:1])
    else:
        path = Value("", output_field=CharField())
    people = (
        people.annotate(attr_path=path)
        .order_by()
        .values_list(
            "pk",
            "attr_unit",
            "category",
            "job_position",
            "rank_code",
            "course_periods",
            "external_periods",
            "attr_path",
        )
    )
    keys = (
        "headcount",
        "hours_met",
        "mandatory_enrolled",
        "mandatory_completed",
        "attendance_marks",
        "attendance_attended",
        "assessed",
        "certified",
    )
    unit_of: dict[int, int] = {}
    totals: dict[int, list[int]] = {}
    for staff_id, unit_id, category, job_position, rank_code, course_periods, external_periods, path in people:
        if unit_id is None or (within is not None and unit_id not in subtree):
            continue
        unit_of[staff_id] = unit_id
        row = totals.get(unit_id)
        if row is None:
            row = totals[unit_id] = [0] * len(keys)
        required = match(
            category=category, job_position=job_position, rank_code=rank_code, unit_path=path or ""
        ).periods
        row[0] += 1
        # In tiết, as the hours ledger (the list this figure opens) decides "met".
        row[1] += course_periods + external_periods >= required
    if not totals:
        return {}

    def add(rows, *columns: str) -> None:
        """Add rows of (staff id, figure, figure …) to the `columns` of the person's unit."""
        at = [keys.index(c) for c in columns]
        for staff_id, *figures in rows:
            unit_id = unit_of.get(staff_id)
            if unit_id is None:  # not active, or in no unit during the period
                continue
            row = totals[unit_id]
            for i, figure in zip(at, figures, strict=True):
                row[i] += figure or 0

    # Mandatory courses and certificates: enrollments in classes ending in the period (not cancelled).
    of_people = Q(staff_id__in=staff.values("pk")) if within is not None else Q()
    confirmed = Q(status=EnrollmentStatus.CONFIRMED)
    mandatory = Q(training_class__course__is_mandatory=True)
    assessed = (
        Q(training_class__status=ClassStatus.COMPLETED)
        & Q(training_class__course__issues_certificate=True)
        & ~Q(outcome="")
    )
    add(
        Enrollment.objects.filter(of_people, training_class__end_date__gte=start, training_class__end_date__lte=end)
        .exclude(training_class__status=ClassStatus.CANCELLED)
        .order_by()
        .values("staff_id")
        .annotate(
            mandatory_enrolled=Count("pk", filter=confirmed & mandatory),
            mandatory_completed=Count("pk", filter=confirmed & mandatory & Q(outcome=Outcome.COMPLETED)),
            assessed=Count("pk", filter=assessed),
            certified=Count("pk", filter=assessed & Q(certificate__isnull=False)),
        )
        .values_list("staff_id", "mandatory_enrolled", "mandatory_completed", "assessed", "certified"),
        "mandatory_enrolled",
        "mandatory_completed",
        "assessed",
        "certified",
    )

    # Attendance rate: the attendance marks of sessions held in the period, of confirmed enrollments in classes
    # not cancelled (each mark is one person at one session), and those attended (present, late or left
    # early): a count of records, so the figure's list (the attendance register, with the same conditions
    # as filters) holds exactly as many marks. Grouped by person in the database, one query.
    absent = Q(status__in=ABSENT)
    add(
        Attendance.objects.filter(
            In(NotIndexed(F("session_id")), ClassSession.objects.filter(date__gte=start, date__lte=end).values("pk"))
        )
        .filter(
            enrollment__in=Enrollment.objects.filter(of_people, confirmed)
            .exclude(training_class__status=ClassStatus.CANCELLED)
            .values("pk")
        )
        .order_by()
        .values("enrollment__staff_id")
        .annotate(marks=Count("pk"), attended=Count("pk", filter=~absent))
        .values_list("enrollment__staff_id", "marks", "attended"),
        "attendance_marks",
        "attendance_attended",
    )
    return {unit_id: CapabilityFacts(unit_id, *row) for unit_id, row in totals.items()}
