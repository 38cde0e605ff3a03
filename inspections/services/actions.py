"""Findings (from failed answers) and corrective actions: create, report progress, verify."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.concurrency import apply_changes, check_version, copy_into, save_changed
from core.permissions import Perm
from inspections.models import (
    ActionProgress,
    ActionStatus,
    Answer,
    CorrectiveAction,
    Evidence,
    EvidenceBlob,
    Finding,
    Inspection,
)
from inspections.selectors import can_update_action, can_verify_action
from staff.access import require, subtree_bounds
from staff.models import Staff, Unit


def findings_sync(*, inspection: Inspection) -> None:
    """Each failed answer has a finding; findings whose item no longer fails go if they have no action."""
    failed = list(Answer.objects.filter(inspection=inspection, failed=True).select_related("item"))
    have = {f.answer_id: f for f in Finding.objects.filter(inspection=inspection)}
    new = [
        Finding(
            inspection=inspection,
            answer=a,
            item=a.item,
            unit_id=inspection.unit_id,
            critical=a.item.critical,
            description=a.item.text_vi + (f" — {a.note}" if a.note else ""),
        )
        for a in failed
        if a.pk not in have
    ]
    audit.bulk_create(Finding, new)
    failed_ids = {a.pk for a in failed}
    stale = [f.pk for answer_id, f in have.items() if answer_id not in failed_ids]
    if stale:
        Finding.objects.filter(pk__in=stale, actions__isnull=True).delete()


@transaction.atomic
def action_create(
    *,
    actor,
    finding: Finding,
    description: str,
    due_date: dt.date,
    unit: Unit | None = None,
    responsible_person: Staff | None = None,
) -> CorrectiveAction:
    probe = CorrectiveAction(finding=finding, unit=unit or finding.unit)
    require(actor, (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW))
    if not can_verify_action(user=actor, action=probe):
        raise ValidationError(_("Only the inspection team can add corrective actions."))
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the corrective action.")})
    if due_date is None:
        raise ValidationError({"due_date": _("Give a due date.")})
    if unit is not None:
        low, high = subtree_bounds(finding.unit.path)
        if not (low <= unit.path < high):
            raise ValidationError(
                {"unit": _("The responsible unit must be the inspected unit or one of its sub-units.")}
            )
    action = CorrectiveAction(
        finding=finding,
        unit=unit or finding.unit,
        responsible_person=responsible_person,
        description=description.strip(),
        due_date=due_date,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    return action


ACTION_FIELDS = ("description", "due_date", "unit", "responsible_person")


@transaction.atomic
def action_update(
    *, actor, action: CorrectiveAction, expected_version: int | None = None, **changes
) -> CorrectiveAction:
    """The inspection team corrects an action (what, by when, who): the row is locked, the version
    the editor started from checked (StaleVersion) and only the fields that changed are written."""
    row = CorrectiveAction.objects.select_for_update().select_related("finding__unit").get(pk=action.pk)
    require(actor, (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW))
    if not can_verify_action(user=actor, action=row):
        raise ValidationError(_("Only the inspection team can change this corrective action."))
    check_version(row, expected_version)
    for key in changes:
        if key not in ACTION_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
    if row.status == ActionStatus.VERIFIED:
        raise ValidationError(_("A verified action can no longer be changed."))
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
        if not changes["description"]:
            raise ValidationError({"description": _("Describe the corrective action.")})
    if "due_date" in changes and changes["due_date"] is None:
        raise ValidationError({"due_date": _("Give a due date.")})
    low, high = subtree_bounds(row.finding.unit.path)
    if "unit" in changes:
        changes["unit"] = changes["unit"] or row.finding.unit
        if not (low <= changes["unit"].path < high):
            raise ValidationError(
                {"unit": _("The responsible unit must be the inspected unit or one of its sub-units.")}
            )
    person = changes.get("responsible_person")
    if person is not None and person.pk != row.responsible_person_id:
        if not Staff.objects.filter(pk=person.pk, unit__path__gte=low, unit__path__lt=high).exists():
            raise ValidationError(
                {"responsible_person": _("The responsible person must work in the inspected unit or below.")}
            )
    changed = apply_changes(row, changes)
    row.full_clean()
    save_changed(row, changed)
    copy_into(action, row)
    return action


ALLOWED_PROGRESS = {
    ActionStatus.OPEN: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE},
    ActionStatus.IN_PROGRESS: {ActionStatus.IN_PROGRESS, ActionStatus.DONE},
    ActionStatus.DONE: {ActionStatus.DONE, ActionStatus.IN_PROGRESS},
    ActionStatus.VERIFIED: set(),
}


def _progress(action: CorrectiveAction, *, actor, note: str, status_to: str, shas=()) -> ActionProgress:
    entry = ActionProgress.objects.create(
        action=action, author=actor, note=(note or "").strip(), status_from=action.status, status_to=status_to
    )
    if shas:
        blobs = {b.sha256: b for b in EvidenceBlob.objects.filter(sha256__in=list(shas))}
        unknown = [s for s in shas if s not in blobs]
        if unknown:
            raise ValidationError(
                {"evidence": [_("Photo %(sha)s has not been uploaded.") % {"sha": s[:12]} for s in unknown]}
            )
        audit.bulk_create(Evidence, [Evidence(progress=entry, blob=blobs[s]) for s in dict.fromkeys(shas)])
    return entry


@transaction.atomic
def action_update_progress(
    *, actor, action: CorrectiveAction, status: str, note: str = "", evidence=(), base_version: int | None = None
) -> CorrectiveAction:
    """The responsible unit reports progress (open → in progress → done) with notes and photos. The row
    is locked; `base_version` (the version the reporter saw) is checked: StaleVersion when it moved on."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    require(actor, Perm.ACTION_UPDATE)
    if not can_update_action(user=actor, action=action):
        raise ValidationError(_("Only the responsible unit can report progress on this action."))
    check_version(action, base_version)
    if status not in ALLOWED_PROGRESS.get(action.status, set()) or status == ActionStatus.VERIFIED:
        raise ValidationError(
            {
                "status": _("The status cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": action.get_status_display(),
                    "to": ActionStatus(status).label if status in ActionStatus.values else status,
                }
            }
        )
    if not note.strip() and not evidence and status == action.status:
        raise ValidationError({"note": _("Write a progress note or attach a photo.")})
    _progress(action, actor=actor, note=note, status_to=status, shas=[str(s).lower() for s in evidence])
    if status == ActionStatus.DONE and action.status != ActionStatus.DONE:
        action.completed_on = timezone.localdate()
    if status != ActionStatus.DONE:
        action.completed_on = None
    action.status = status
    save_changed(action, ["status", "completed_on"])
    return action


@transaction.atomic
def action_verify(*, actor, action: CorrectiveAction, accept: bool = True, note: str = "") -> CorrectiveAction:
    """The inspector checks a done action: verified (closed), or back to in progress with a note."""
    action = (
        CorrectiveAction.objects.select_for_update().select_related("finding__inspection__assignment").get(pk=action.pk)
    )
    require(actor, (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW))
    if not can_verify_action(user=actor, action=action):
        raise ValidationError(_("Only the inspection team can verify this action."))
    if action.status != ActionStatus.DONE:
        raise ValidationError(_("Only an action reported done can be verified."))
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say why the action is not accepted.")})
    target = ActionStatus.VERIFIED if accept else ActionStatus.IN_PROGRESS
    _progress(action, actor=actor, note=note, status_to=target)
    action.status = target
    if accept:
        action.verified_at = timezone.now()
        action.verified_by = actor
        changed = ["status", "verified_at", "verified_by"]
    else:
        action.completed_on = None
        changed = ["status", "completed_on"]
    save_changed(action, changed)
    return action
