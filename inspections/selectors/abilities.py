"""What a user may do to one record, beyond the permission itself: fill, review, plan, update or
verify an action (the team rules). The system actor (staff.access.system_actor(): commands, seeding,
jobs) acts for any team; a superuser who signs in does not."""

from __future__ import annotations

from django.conf import settings

from core.permissions import Perm, has_perm
from inspections.models import Assignment, CorrectiveAction, Inspection
from staff.access import SYSTEM_USERNAME, unit_scope_q
from staff.models import Unit


def is_system(user) -> bool:
    return user.is_superuser and user.username == SYSTEM_USERNAME and not user.has_usable_password()


def can_fill(*, user, assignment: Assignment) -> bool:
    if is_system(user):
        return True
    if assignment.is_self:
        return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_SELF), pk=assignment.unit_id).exists()
    if not has_perm(user, Perm.INSPECTION_FILL):
        return False
    return assignment.lead_id == user.pk or assignment.memberships.filter(user_id=user.pk).exists()


def can_review(*, user, assignment: Assignment) -> bool:
    if is_system(user):
        return True
    if not has_perm(user, Perm.INSPECTION_REVIEW):
        return False
    if assignment.is_self:
        return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_REVIEW), pk=assignment.unit_id).exists()
    return assignment.lead_id == user.pk


def filled(*, user, inspection: Inspection) -> bool:
    """The user started or submitted this checklist."""
    return user.pk is not None and user.pk in (inspection.created_by_id, inspection.submitted_by_id)


def can_approve(*, user, inspection: Inspection) -> bool:
    """The reviewer of a submitted checklist: for a team inspection the lead of the team, or, when the
    lead filled it, another team member who may review; for a self-inspection whoever reviews the
    unit. Nobody approves a checklist they filled, unless an administrator allows it."""
    if is_system(user):
        return True
    if not has_perm(user, Perm.INSPECTION_REVIEW):
        return False
    if filled(user=user, inspection=inspection) and not settings.INSPECTION_SELF_APPROVAL:
        return False
    assignment = inspection.assignment
    if assignment.is_self:
        return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_REVIEW), pk=assignment.unit_id).exists()
    if assignment.lead_id == user.pk:
        return True
    lead_filled = assignment.lead_id is not None and assignment.lead_id in (
        inspection.created_by_id,
        inspection.submitted_by_id,
    )
    return lead_filled and assignment.memberships.filter(user_id=user.pk).exists()


def can_update_action(*, user, action: CorrectiveAction) -> bool:
    return Unit.objects.filter(unit_scope_q(user, Perm.ACTION_UPDATE), pk=action.unit_id).exists()


def can_verify_action(*, user, action: CorrectiveAction) -> bool:
    """The inspection team (lead or members with INSPECTION_FILL/REVIEW) verifies."""
    if is_system(user):
        return True
    assignment = action.finding.inspection.assignment
    if not has_perm(user, (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW)):
        return False
    if assignment.is_self:
        return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_REVIEW), pk=assignment.unit_id).exists()
    return assignment.lead_id == user.pk or assignment.memberships.filter(user_id=user.pk).exists()


def can_plan(*, user, unit: Unit) -> bool:
    return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_PLAN), pk=unit.pk).exists()
