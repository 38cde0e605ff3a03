"""The contract with the scorecards app: per-unit inspection figures for a period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from inspections.models import ActionStatus, Assignment, CorrectiveAction, Inspection, InspectionStatus, TemplateKind
from staff.access import subtree_bounds


@dataclass(frozen=True)
class InspectionFacts:
    unit_id: int
    service_culture_score: float | None
    service_culture_self_score: float | None
    discipline_score: float | None
    discipline_self_score: float | None
    actions_due: int
    actions_closed_on_time: int
    self_inspections_due: int
    self_inspections_on_time: int


def unit_inspection_facts(*, start: dt.date, end: dt.date, within: str | None = None) -> dict[int, InspectionFacts]:
    """Per inspected unit, for [start, end]: mean total % of approved inspections by kind (by
    inspectors and self), corrective actions due / closed on time, self-inspections due / on time.
    Three queries whatever the number of units; only units with data are returned (only the units of the
    subtree at path `within` when given)."""
    if within is not None:
        low, high = subtree_bounds(within)
        in_subtree = Q(unit__path__gte=low, unit__path__lt=high)
    else:
        in_subtree = Q()
    scores: dict[int, dict[str, float | None]] = defaultdict(dict)
    rows = (
        Inspection.objects.filter(
            in_subtree,
            status=InspectionStatus.APPROVED,
            inspected_on__gte=start,
            inspected_on__lte=end,
            kind__in=[TemplateKind.SERVICE_CULTURE, TemplateKind.DISCIPLINE],
            total_percent__isnull=False,
        )
        .values("unit_id", "kind", "is_self")
        .annotate(mean=Avg("total_percent"))
        .order_by()
    )
    for row in rows:
        prefix = "service_culture" if row["kind"] == TemplateKind.SERVICE_CULTURE else "discipline"
        key = f"{prefix}_self_score" if row["is_self"] else f"{prefix}_score"
        scores[row["unit_id"]][key] = round(float(row["mean"]), 2)

    actions = (
        CorrectiveAction.objects.filter(in_subtree, due_date__gte=start, due_date__lte=end)
        .values("unit_id")
        .annotate(
            due=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(
                    status__in=[ActionStatus.DONE, ActionStatus.VERIFIED],
                    completed_on__isnull=False,
                    completed_on__lte=F("due_date"),
                ),
            ),
        )
        .order_by()
    )
    action_counts = {r["unit_id"]: (r["due"], r["on_time"]) for r in actions}

    tz = timezone.get_current_timezone()
    selfs = (
        Assignment.objects.filter(in_subtree, is_self=True, due_date__gte=start, due_date__lte=end)
        .annotate(submitted_day=TruncDate("inspection__submitted_at", tzinfo=tz))
        .values("unit_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(inspection__submitted_at__isnull=False, submitted_day__lte=F("due_date"))),
        )
        .order_by()
    )
    self_counts = {r["unit_id"]: (r["due"], r["on_time"]) for r in selfs}

    result = {}
    for unit_id in set(scores) | set(action_counts) | set(self_counts):
        s = scores.get(unit_id, {})
        a_due, a_ok = action_counts.get(unit_id, (0, 0))
        s_due, s_ok = self_counts.get(unit_id, (0, 0))
        result[unit_id] = InspectionFacts(
            unit_id=unit_id,
            service_culture_score=s.get("service_culture_score"),
            service_culture_self_score=s.get("service_culture_self_score"),
            discipline_score=s.get("discipline_score"),
            discipline_self_score=s.get("discipline_self_score"),
            actions_due=a_due,
            actions_closed_on_time=a_ok,
            self_inspections_due=s_due,
            self_inspections_on_time=s_ok,
        )
    return result
