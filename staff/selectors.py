"""Every non-trivial read on units and staff. Querysets come back with their joins done."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from core.permissions import Perm, Role
from staff.access import ancestor_paths, subtree_bounds
from staff.filters import (
    PICKER_SCOPES,
    PeoplePickFilterSet,
    RoleAssignmentFilterSet,
    StaffFilterSet,
    UnitFilterSet,
    attributed_unit,
)
from staff.models import DisciplineDecision, RoleAssignment, Staff, StaffStatus, StaffUnitHistory, Unit


def active_staff_count():
    """Active headcount of each unit, as a correlated subquery over the (unit, status) index: the
    database computes it only for the rows it returns (a page), and the outer query needs no GROUP
    BY, so it stays ordered by the `path` index (a JOIN + GROUP BY would count every unit)."""
    counts = (
        Staff.objects.filter(unit=OuterRef("pk"), status=StaffStatus.ACTIVE)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def unit_list(*, user, filters: dict | None = None, request=None) -> QuerySet[Unit]:
    qs = (
        Unit.objects.visible_to(user)
        .select_related("parent")
        .annotate(staff_count=active_staff_count())
        .order_by("path")
    )
    if filters is not None:
        qs = UnitFilterSet(filters, queryset=qs, request=request).qs
    return qs


def unit_get(*, user, pk: int) -> Unit:
    return get_object_or_404(Unit.objects.visible_to(user).select_related("parent"), pk=pk)


def unit_subtree_counts(*, unit: Unit) -> dict[str, int]:
    """Headcount and number of units in a subtree, in one query each."""
    low, high = subtree_bounds(unit.path)
    units = Unit.objects.filter(path__gte=low, path__lt=high, active=True).count()
    people = Staff.objects.filter(unit__path__gte=low, unit__path__lt=high, status=StaffStatus.ACTIVE).count()
    return {"units": units, "staff": people}


def unit_tree(*, user) -> list[Unit]:
    """Visible units in tree order (path order), each with `depth` for indentation and its active
    headcount; one query."""
    return list(
        Unit.objects.visible_to(user).filter(active=True).annotate(staff_count=active_staff_count()).order_by("path")
    )


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(path__in=ancestor_paths(unit.path)[:-1]).order_by("path"))


def staff_list(*, user, filters: dict | None = None, request=None) -> QuerySet[Staff]:
    """The directory in its order (name, then code)."""
    qs = Staff.objects.visible_to(user).select_related("unit")
    if filters is not None:
        qs = StaffFilterSet(filters, queryset=qs, request=request).qs
    return qs


def people_pick(*, user, filters: dict | None = None, perms=Perm.STAFF_VIEW) -> QuerySet[Staff]:
    """The people a people picker offers and accepts: active staff visible to `user` under `perms` (or the
    filters' `scope`, one of PICKER_SCOPES), narrowed by PeoplePickFilterSet (`q`, `within`, `perm`,
    `account`), in name order with the unit joined. The type-ahead (API) and the form field use this one
    queryset with the same filters."""
    if filters and filters.get("scope") in PICKER_SCOPES:
        perms = filters["scope"]
    qs = (
        Staff.objects.visible_to(user, perms)
        .filter(status=StaffStatus.ACTIVE)
        .select_related("unit")
        .order_by("search_name", "staff_code")
    )
    if filters is not None:
        qs = PeoplePickFilterSet(filters, queryset=qs).qs
    return qs


def staff_get(*, user, pk: int) -> Staff:
    return get_object_or_404(Staff.objects.visible_to(user).select_related("unit", "user"), pk=pk)


def staff_can_manage(*, user, staff: Staff) -> bool:
    return Unit.objects.visible_to(user, Perm.STAFF_MANAGE).filter(pk=staff.unit_id).exists()


def staff_for_user(*, user) -> Staff | None:
    if not user.is_authenticated:
        return None
    return Staff.objects.select_related("unit").filter(user=user).first()


def staff_history(*, staff: Staff) -> QuerySet[StaffUnitHistory]:
    return staff.unit_history.select_related("unit", "recorded_by").order_by("-start_date")


def unit_heads(*, unit_ids) -> dict[int, list]:
    """The active users who hold the unit-head role on each of `unit_ids` (for reminders); a unit
    without one maps to an empty list."""
    heads: dict[int, list] = defaultdict(list)
    rows = RoleAssignment.objects.filter(role=Role.UNIT_HEAD, unit_id__in=set(unit_ids), user__is_active=True)
    for assignment in rows.select_related("user"):
        heads[assignment.unit_id].append(assignment.user)
    return heads


def role_assignment_list(*, user, filters: dict | None = None, request=None) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.visible_to(user, Perm.ROLE_MANAGE).select_related("user", "unit", "granted_by")
    if filters is not None:
        qs = RoleAssignmentFilterSet(filters, queryset=qs, request=request).qs
    return qs


# ------------------------------------------------------------------------------------ discipline
def discipline_list(*, user) -> QuerySet[DisciplineDecision]:
    return DisciplineDecision.objects.visible_to(user).select_related("staff", "staff__unit", "recorded_by")


def discipline_for_person(*, user, staff: Staff) -> QuerySet[DisciplineDecision] | None:
    """The person's decisions for a user allowed to see them (their unit in the user's discipline scope,
    or their own record), else None (the person page then shows nothing about discipline)."""
    qs = DisciplineDecision.objects.visible_to(user).filter(staff=staff)
    allowed = Unit.objects.visible_to(user, Perm.DISCIPLINE_VIEW).filter(pk=staff.unit_id).exists() or (
        user.is_authenticated and staff.user_id == user.pk
    )
    return qs.select_related("recorded_by") if allowed else None


def disciplined_staff_counts(*, start, end) -> dict[int, int]:
    """Per unit (the person's unit), how many people have a discipline decision dated in [start, end]."""
    rows = (
        DisciplineDecision.objects.in_period(start, end)
        .values("staff__unit_id")
        .annotate(people=Count("staff_id", distinct=True))
        .order_by()
    )
    return {r["staff__unit_id"]: r["people"] for r in rows}


def disciplined_member_counts(*, start, end) -> dict[int, int]:
    """Per unit, how many of the people it counts in [start, end] (active, attributed to it by their unit
    history, as the scorecards' headcount) have a discipline decision dated in the period. One query."""
    decided = DisciplineDecision.objects.in_period(start, end).filter(staff_id=OuterRef("pk"))
    rows = (
        Staff.objects.filter(status=StaffStatus.ACTIVE)
        .filter(Exists(decided))
        .annotate(member_unit=attributed_unit(OuterRef("pk"), start=start, end=end))
        .filter(member_unit__isnull=False)
        .values("member_unit")
        .annotate(people=Count("pk"))
        .order_by()
    )
    return {r["member_unit"]: r["people"] for r in rows}
