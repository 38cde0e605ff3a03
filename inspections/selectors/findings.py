"""Findings and corrective actions: the registers, one finding or action, an action's progress."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from inspections.filters import CorrectiveActionFilterSet, FindingFilterSet
from inspections.models import ActionProgress, CorrectiveAction, Evidence, Finding

FINDING_JOINS = ("unit", "item", "inspection__template_version__template", "answer")
ACTION_JOINS = (
    "unit",
    "responsible_person",
    "finding__item",
    "finding__inspection__template_version__template",
    "finding__unit",
)


def _finding_actions() -> Prefetch:
    """Each finding's corrective actions, in due-date order, with `is_overdue`."""
    actions = CorrectiveAction.objects.select_related("unit", "responsible_person").with_overdue()
    return Prefetch("actions", queryset=actions.order_by("due_date", "pk"))


def finding_list(*, user, filters=None, request=None) -> QuerySet[Finding]:
    """The findings register (screen, API): each finding with its state (with_state()) and its
    actions."""
    qs = (
        Finding.objects.visible_to(user)
        .with_state()
        .select_related(*FINDING_JOINS)
        .prefetch_related(_finding_actions())
    )
    if filters is not None:
        qs = FindingFilterSet(filters, queryset=qs, request=request).qs
    return qs


def finding_get(*, user, pk: int) -> Finding:
    return get_object_or_404(finding_list(user=user), pk=pk)


def action_list(*, user, filters=None, request=None) -> QuerySet[CorrectiveAction]:
    """The corrective-actions register (screen, export, API list), `is_overdue` by with_overdue()."""
    qs = (
        CorrectiveAction.objects.visible_to(user)
        .with_overdue()
        .select_related(*ACTION_JOINS)
        .order_by("due_date", "pk")
    )
    if filters is not None:
        qs = CorrectiveActionFilterSet(filters, queryset=qs, request=request).qs
    return qs


def action_get(*, user, pk: int) -> CorrectiveAction:
    return get_object_or_404(action_list(user=user), pk=pk)


def action_progress(*, action: CorrectiveAction) -> QuerySet[ActionProgress]:
    return (
        action.progress.select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("blob")))
        .order_by("created_at", "pk")
    )
