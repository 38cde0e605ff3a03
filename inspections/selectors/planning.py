"""Inspection plans with their coverage, assignments, and the offline bundle of a user's open work."""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.permissions import Perm
from inspections.filters import AssignmentFilterSet, PlanFilterSet
from inspections.models import (
    OPEN_ACTION_STATUSES,
    Answer,
    Assignment,
    AssignmentMember,
    CorrectiveAction,
    Evidence,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Item,
    Section,
)
from staff.access import subtree_bounds, unit_scope_q
from staff.models import Unit

ASSIGNMENT_JOINS = ("unit", "template_version__template", "lead", "plan", "inspection")


# ------------------------------------------------------------------------------- plans, coverage
def plan_list(*, user, filters=None, request=None) -> QuerySet[InspectionPlan]:
    qs = (
        InspectionPlan.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            assignment_count=Count("assignments", distinct=True),
            done_count=Count(
                "assignments",
                filter=Q(assignments__inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.APPROVED]),
                distinct=True,
            ),
        )
        .order_by("-year", "name", "pk")
    )
    if filters is not None:
        qs = PlanFilterSet(filters, queryset=qs, request=request).qs
    return qs


def plan_get(*, user, pk: int) -> InspectionPlan:
    return get_object_or_404(InspectionPlan.objects.visible_to(user).select_related("unit"), pk=pk)


def plan_coverage(*, plan: InspectionPlan) -> dict:
    """Share of active units in the plan's scope inspected this year (by inspectors, submitted or
    approved) against the target; two queries."""
    low, high = subtree_bounds(plan.unit.path)
    units = Unit.objects.filter(path__gte=low, path__lt=high, active=True).count()
    inspected = (
        Inspection.objects.filter(
            unit__path__gte=low,
            unit__path__lt=high,
            is_self=False,
            inspected_on__year=plan.year,
            status__in=[InspectionStatus.SUBMITTED, InspectionStatus.APPROVED],
        )
        .values("unit_id")
        .distinct()
        .count()
    )
    percent = round(Decimal(inspected * 100) / units, 1) if units else Decimal("0")
    return {
        "units": units,
        "inspected": inspected,
        "percent": percent,
        "target": plan.target_coverage,
        "met": percent >= plan.target_coverage,
        "needed": max(0, math.ceil(plan.target_coverage * units / 100) - inspected),
    }


def plan_assignments(*, user, plan: InspectionPlan) -> QuerySet[Assignment]:
    return assignment_list(user=user).filter(plan=plan)


# ---------------------------------------------------------------------------------- assignments
def assignment_list(*, user, filters=None, request=None) -> QuerySet[Assignment]:
    """Assignments in the user's scope or on the user's team, with what a row shows."""
    qs = Assignment.objects.visible_to(user).select_related(*ASSIGNMENT_JOINS).prefetch_related("members")
    if filters is not None:
        qs = AssignmentFilterSet(filters, queryset=qs, request=request).qs
    return qs


def my_assignments(*, user) -> QuerySet[Assignment]:
    """Open assignments the user fills: as lead or member, or self-inspections of units the user
    heads."""
    members = AssignmentMember.objects.filter(user_id=user.pk).values("assignment_id")
    team = Q(is_self=False) & (Q(lead_id=user.pk) | Q(pk__in=members))
    own_self = Q(is_self=True) & unit_scope_q(user, Perm.INSPECTION_SELF, prefix="unit__")
    open_q = Q(inspection__isnull=True) | Q(inspection__status__in=[InspectionStatus.DRAFT, InspectionStatus.RETURNED])
    return (
        Assignment.objects.filter(team | own_self)
        .filter(open_q)
        .select_related(*ASSIGNMENT_JOINS)
        .prefetch_related("members")
        .order_by("due_date", "pk")
    )


def assignment_get(*, user, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(user).select_related("unit", "template_version__template", "lead", "plan"),
        pk=pk,
    )


def assignment_bundle(*, user) -> list[dict]:
    """Everything a tablet needs offline for the user's open assignments: the pinned versions with
    sections and items, the unit, its open corrective actions and its last result. A fixed number of
    queries whatever the number of assignments."""
    assignments = list(my_assignments(user=user))
    version_ids = {a.template_version_id for a in assignments}
    unit_ids = {a.unit_id for a in assignments}
    sections = defaultdict(list)
    for s in Section.objects.filter(version_id__in=version_ids).order_by("order", "pk"):
        sections[s.version_id].append(s)
    items = defaultdict(list)
    for i in Item.objects.filter(version_id__in=version_ids).order_by("order", "pk"):
        items[i.section_id].append(i)
    actions = defaultdict(list)
    for a in (
        CorrectiveAction.objects.filter(unit_id__in=unit_ids, status__in=OPEN_ACTION_STATUSES)
        .select_related("finding__item")
        .with_overdue()
        .order_by("due_date")
    ):
        actions[a.unit_id].append(a)
    last = {}
    for insp in (
        Inspection.objects.filter(unit_id__in=unit_ids, status=InspectionStatus.APPROVED)
        .select_related("template_version__template")
        .order_by("unit_id", "-inspected_on", "-pk")
    ):
        last.setdefault(insp.unit_id, insp)
    answers = defaultdict(list)
    draft_ids = [a.inspection.pk for a in assignments if has_inspection(a)]
    for ans in (
        Answer.objects.filter(inspection_id__in=draft_ids)
        .select_related("item")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("blob")))
    ):
        answers[ans.inspection_id].append(ans)
    result = []
    for a in assignments:
        v = a.template_version
        insp = a.inspection if has_inspection(a) else None
        result.append(
            {
                "assignment": a,
                "version": v,
                "sections": [(s, items[s.pk]) for s in sections[v.pk]],
                "open_actions": actions[a.unit_id],
                "last_result": last.get(a.unit_id),
                "inspection": insp,
                "answers": answers[insp.pk] if insp else [],
            }
        )
    return result


def has_inspection(assignment: Assignment) -> bool:
    """Whether the assignment has been filled (its reverse one-to-one inspection exists)."""
    try:
        return assignment.inspection is not None
    except Inspection.DoesNotExist:
        return False


_has_inspection = has_inspection  # the name inspections/views.py still uses
