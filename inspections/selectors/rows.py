"""The value-row reads the HTML list views used before they read model instances. Kept only until
those views switch to inspection_list / finding_list / action_list / results_by_unit; they use the
one scope (visible_to) and the queryset rules (with_overdue, with_state). Delete with their last
caller."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, QuerySet

from inspections.models import CorrectiveAction, Finding, Inspection, InspectionStatus
from inspections.selectors.records import unit_results
from staff.models import Unit

INSPECTION_ROW_FIELDS = (
    "id",
    "inspected_on",
    "unit__name",
    "is_self",
    "template_version__template__code",
    "template_version__number",
    "status",
    "total_percent",
    "band",
    "critical_failed",
)
FINDING_ROW_FIELDS = (
    "id",
    "inspection_id",
    "inspection__inspected_on",
    "item__code",
    "unit_id",
    "unit__name",
    "critical",
    "description",
    "created_at",
)
ACTION_ROW_FIELDS = (
    "id",
    "finding_id",
    "unit_id",
    "unit__name",
    "responsible_person_id",
    "description",
    "due_date",
    "status",
    "is_overdue",
    "completed_on",
    "verified_at",
    "version",
    "created_at",
)


def inspection_rows(*, user) -> QuerySet[Inspection]:
    return Inspection.objects.visible_to(user)


def finding_register(*, user) -> QuerySet[Finding]:
    return Finding.objects.visible_to(user)


def finding_actions(*, finding_ids, today=None) -> dict[int, list[dict]]:
    """The actions of these findings as rows of ACTION_ROW_FIELDS, by finding, in due-date order."""
    by_finding = defaultdict(list)
    if finding_ids:
        rows = (
            CorrectiveAction.objects.filter(finding_id__in=list(finding_ids))
            .with_overdue(today)
            .order_by("finding_id", "due_date", "pk")
            .values(*ACTION_ROW_FIELDS)
        )
        for row in rows:
            by_finding[row["finding_id"]].append(row)
    return by_finding


def finding_state(actions: list[dict]) -> dict[str, bool]:
    """Only `has_overdue`: whether one of finding_actions()' rows is overdue (with_overdue())."""
    return {"has_overdue": any(a["is_overdue"] for a in actions)}


class UnitResultPages:
    """unit_results for a paginator: the units with results in code order, each page aggregating its
    own units."""

    def __init__(self, inspections: QuerySet[Inspection]):
        self.inspections = inspections.exclude(status=InspectionStatus.DRAFT)
        self.ordered = True

    def _units(self) -> QuerySet[Unit]:
        return Unit.objects.filter(Exists(self.inspections.filter(unit_id=OuterRef("pk")))).order_by("code", "pk")

    def count(self) -> int:
        return self._units().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict]:
        units = list(self._units().values_list("pk", flat=True)[key])
        return list(unit_results(inspections=self.inspections.filter(unit_id__in=units)))
