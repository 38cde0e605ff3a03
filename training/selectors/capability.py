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
    Sum,
    Value,
)
from django.db.models.lookups import In
from django.utils import timezone
from django_cte import CTE, with_cte

from core.sql import NotIndexed
from staff.access import subtree_bounds
from staff.filters import attributed_unit  # noqa: F401 - the rule lives with the staff lists; re-exported
from staff.models import Staff, StaffStatus, StaffUnitHistory, Unit
from training.models import Attendance, ClassSession, ClassStatus, Enrollment, EnrollmentStatus, Outcome
from training.requirements import RequirementMatcher, rules_for_year
from training.selectors.hours import with_training_periods


@dataclass(frozen=True)
class CapabilityFacts:
    unit_id: int
    headcount: int
    hours_met: int
    mandatory_enrolled: int
    mandatory_completed: int
    planned_minutes: int
    attended_minutes: int
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
    active staff with a unit count. Five queries whatever the number of units, people or rules.

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
        "planned_minutes",
        "attended_minutes",
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

    # Attendance rate: per confirmed enrollment of a class (not cancelled) with sessions held in the period, the
    # planned minutes of those sessions and the minutes marked in them (marks belong to sessions of the
    # enrollment's own class). Each is summed once per class / per enrollment (materialised CTEs, one pass over
    # the sessions and one over the marks), then joined to the enrollments: a correlated subquery per
    # enrollment cost 120,000 index walks on PostgreSQL.
    held_until = min(end, timezone.localdate())
    held = Q(date__gte=start, date__lte=held_until)
    counted = Enrollment.objects.filter(of_people, confirmed).exclude(training_class__status=ClassStatus.CANCELLED)
    planned = CTE(
        ClassSession.objects.filter(held)
        .order_by()
        .values("training_class_id")
        .annotate(minutes=Sum("planned_minutes")),
        name="planned",
        materialized=True,
    )
    planned_rows = planned.join(counted, training_class_id=planned.col.training_class_id)
    add(
        with_cte(planned, select=planned_rows)
        .order_by()
        .values("staff_id")
        .annotate(planned_minutes=Sum(planned.col.minutes))
        .values_list("staff_id", "planned_minutes"),
        "planned_minutes",
    )
    held_sessions = ClassSession.objects.filter(date__gte=start, date__lte=held_until).values("pk")
    marked = CTE(
        Attendance.objects.filter(In(NotIndexed(F("session_id")), held_sessions))
        .order_by()
        .values("enrollment_id")
        .annotate(minutes=Sum("minutes")),
        name="marked",
        materialized=True,
    )
    attended_rows = marked.join(counted, id=marked.col.enrollment_id)
    add(
        with_cte(marked, select=attended_rows)
        .order_by()
        .values("staff_id")
        .annotate(attended_minutes=Sum(marked.col.minutes))
        .values_list("staff_id", "attended_minutes"),
        "attended_minutes",
    )
    return {unit_id: CapabilityFacts(unit_id, *row) for unit_id, row in totals.items()}
