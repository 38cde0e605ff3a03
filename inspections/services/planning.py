"""Inspection plans, assignments and self-inspection campaigns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.concurrency import apply_changes, check_version, copy_into, save_changed
from core.permissions import Perm, has_perm
from inspections.models import Assignment, AssignmentMember, InspectionPlan, PlanKind, TemplateVersion, VersionStatus
from staff.access import require, subtree_bounds
from staff.models import Unit


@transaction.atomic
def plan_create(
    *,
    actor,
    year: int,
    name: str,
    unit: Unit,
    kind: str = PlanKind.INSPECTION,
    target_coverage: Decimal = Decimal("20"),
) -> InspectionPlan:
    require(actor, Perm.INSPECTION_PLAN, unit)
    plan = InspectionPlan(
        year=year, name=name.strip(), unit=unit, kind=kind, target_coverage=target_coverage, created_by=actor
    )
    plan.full_clean()
    plan.save()
    return plan


PLAN_FIELDS = ("year", "name", "unit", "target_coverage")


@transaction.atomic
def plan_update(*, actor, plan: InspectionPlan, expected_version: int | None = None, **changes) -> InspectionPlan:
    """Lock the row, check the version the editor started from (StaleVersion), write what changed.
    A new unit scope must be one the actor plans for and must still hold every assignment."""
    row = InspectionPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    require(actor, Perm.INSPECTION_PLAN, row.unit)
    check_version(row, expected_version)
    for key in changes:
        if key not in PLAN_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    unit = changes.get("unit")
    if unit is not None and unit.pk != row.unit_id:
        require(actor, Perm.INSPECTION_PLAN, unit)
        low, high = subtree_bounds(unit.path)
        outside = row.assignments.exclude(unit__path__gte=low, unit__path__lt=high).select_related("unit").first()
        if outside is not None:
            raise ValidationError(
                {
                    "unit": _("The plan has an assignment for “%(unit)s”, outside the new scope.")
                    % {"unit": outside.unit.name}
                }
            )
    changed = apply_changes(row, changes)
    row.full_clean()
    save_changed(row, changed)
    copy_into(plan, row)
    return plan


def _check_assignable_version(version: TemplateVersion) -> None:
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError({"template_version": _("Only a published template version can be assigned.")})


def _check_in_plan(plan: InspectionPlan, unit: Unit) -> None:
    low, high = subtree_bounds(plan.unit.path)
    if not (low <= unit.path < high):
        raise ValidationError({"unit": _("The unit “%(unit)s” is outside the plan's scope.") % {"unit": unit.name}})


@transaction.atomic
def assignment_create(
    *,
    actor,
    plan: InspectionPlan,
    unit: Unit,
    template_version: TemplateVersion,
    due_date: dt.date,
    lead=None,
    members=(),
    announced: bool = True,
    is_self: bool = False,
) -> Assignment:
    require(actor, Perm.INSPECTION_PLAN, unit)
    _check_in_plan(plan, unit)
    _check_assignable_version(template_version)
    if not is_self:
        if lead is None:
            raise ValidationError({"lead": _("Choose the lead inspector.")})
        for person in [lead, *members]:
            if not has_perm(person, Perm.INSPECTION_FILL):
                raise ValidationError({"members": _("%(user)s is not an inspector.") % {"user": person.username}})
        if not has_perm(lead, Perm.INSPECTION_REVIEW):
            raise ValidationError(
                {"lead": _("%(user)s cannot lead an inspection (no review permission).") % {"user": lead.username}}
            )
    assignment = Assignment(
        plan=plan,
        unit=unit,
        template_version=template_version,
        due_date=due_date,
        lead=None if is_self else lead,
        announced=announced,
        is_self=is_self,
    )
    assignment.full_clean()
    assignment.save()
    if not is_self:
        audit.bulk_create(
            AssignmentMember,
            [
                AssignmentMember(assignment=assignment, user=m)
                for m in {m.pk: m for m in members if m.pk != lead.pk}.values()
            ],
        )
    return assignment


@transaction.atomic
def campaign_create(
    *,
    actor,
    year: int,
    name: str,
    unit: Unit,
    template_version: TemplateVersion,
    due_date: dt.date,
    unit_kinds: list[str] | None = None,
) -> InspectionPlan:
    """A self-inspection campaign: every active unit in the scope gets a self-inspection assignment."""
    _check_assignable_version(template_version)
    plan = plan_create(actor=actor, year=year, name=name, unit=unit, kind=PlanKind.SELF_CAMPAIGN)
    low, high = subtree_bounds(unit.path)
    units = Unit.objects.filter(path__gte=low, path__lt=high, active=True)
    if unit_kinds:
        units = units.filter(kind__in=unit_kinds)
    rows = [
        Assignment(
            plan=plan, unit=u, template_version=template_version, due_date=due_date, is_self=True, announced=True
        )
        for u in units.only("pk")
    ]
    if not rows:
        raise ValidationError(_("No unit in this scope matches."))
    audit.bulk_create(Assignment, rows, actor=actor)
    return plan
