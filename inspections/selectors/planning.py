"""Inspection plans with their coverage, assignments, and the offline bundle of a user's open work."""

from __future__ import annotations

import math
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


def assignment_find(*, user, pk) -> Assignment | None:
    """The assignment if the user may see it (for filling it: with its template), else None."""
    return Assignment.objects.visible_to(user).select_related("template_version__template").filter(pk=pk).first()


def assignment_bundle(*, user) -> list[Assignment]:
    """The user's open assignments (my_assignments) with everything a tablet needs to fill them
    offline: the pinned version's sections and items; the inspection and its answers, if started;
    and on the unit, `open_actions` (with_overdue()) and `last_result` (its latest approved
    inspection, or None). A fixed number of queries whatever the number of assignments."""
    items = Item.objects.order_by("order", "pk")
    sections = Section.objects.order_by("order", "pk").prefetch_related(Prefetch("items", queryset=items))
    open_actions = (
        CorrectiveAction.objects.filter(status__in=OPEN_ACTION_STATUSES)
        .select_related("finding__item")
        .with_overdue()
        .order_by("due_date")
    )
    approved = (
        Inspection.objects.filter(status=InspectionStatus.APPROVED)
        .select_related("template_version__template")
        .order_by("-inspected_on", "-pk")
    )
    answers = Answer.objects.select_related("item").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("blob"))
    )
    assignments = list(
        my_assignments(user=user).prefetch_related(
            Prefetch("template_version__sections", queryset=sections),
            Prefetch("unit__corrective_actions", queryset=open_actions, to_attr="open_actions"),
            Prefetch("unit__inspections", queryset=approved[:1], to_attr="approved_last"),
            Prefetch("inspection__answers", queryset=answers),
        )
    )
    for assignment in assignments:
        assignment.unit.last_result = next(iter(assignment.unit.approved_last), None)
    return assignments


def has_inspection(assignment: Assignment) -> bool:
    """Whether the assignment has been filled (its reverse one-to-one inspection exists)."""
    try:
        return assignment.inspection is not None
    except Inspection.DoesNotExist:
        return False
