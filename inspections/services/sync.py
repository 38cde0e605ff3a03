"""The offline sync of an inspection made on a tablet (helpers/sync.md): exactly once, idempotent."""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from inspections.models import Assignment, Inspection
from inspections.selectors import can_fill
from inspections.services.filling import AnswerInput, canonical_hash, inspection_save


def inspection_sync_body(inspection: Inspection) -> dict:
    """The body answered to a sync POST, stored so that a replay answers exactly the same."""
    return {
        "id": inspection.pk,
        "client_uuid": str(inspection.client_uuid) if inspection.client_uuid else None,
        "assignment": inspection.assignment_id,
        "status": inspection.status,
        "version": inspection.version,
        "content_hash": inspection.content_hash,
        "inspected_on": inspection.inspected_on.isoformat(),
        "total_percent": str(inspection.total_percent) if inspection.total_percent is not None else None,
        "band": inspection.band,
        "critical_failed": inspection.critical_failed,
        "answered": inspection.answered,
    }


@dataclass
class SyncResult:
    inspection: Inspection
    body: dict
    created: bool
    conflict: bool = False


class SyncForbidden(Exception):
    """The uuid belongs to another user's record or to an assignment the user no longer holds."""


def inspection_sync(
    *,
    actor,
    client_uuid,
    payload: dict,
    assignment: Assignment,
    answers: list[AnswerInput],
    inspected_on=None,
    summary: str | None = None,
    submit: bool = False,
) -> SyncResult:
    """Offline-safe creation (see sync.md): same uuid + same content → the first answer again; same
    uuid + other content → conflict; concurrent replays → one row (unique constraint + re-read)."""
    client_uuid = uuid_module.UUID(str(client_uuid))
    content_hash = canonical_hash(payload)
    # One read for both questions (this uuid already sent? this assignment already filled?): with two
    # reads a concurrent replay could commit between them and be taken for another device's record.
    found = {
        row.client_uuid == client_uuid: row
        for row in Inspection.objects.filter(Q(client_uuid=client_uuid) | Q(assignment=assignment))[:2]
    }
    if True in found:
        return _replay(actor, found[True], content_hash)
    if not can_fill(user=actor, assignment=assignment):
        raise SyncForbidden(_("This assignment is not yours to fill."))
    if False in found:
        return SyncResult(found[False], inspection_sync_body(found[False]), created=False, conflict=True)
    try:
        with transaction.atomic():
            # One sync per assignment at a time: lock the assignment row (a lock on the inspection row
            # locks nothing while none exists), then re-read: a concurrent replay may have committed.
            Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
            already = Inspection.objects.filter(assignment=assignment).first()
            if already is not None:
                raise _AlreadyFilled(already)
            inspection = inspection_save(
                actor=actor,
                assignment=assignment,
                answers=answers,
                inspected_on=inspected_on,
                summary=summary,
                submit=submit,
                client_uuid=client_uuid,
                content_hash=content_hash,
            )
            if inspection.client_uuid != client_uuid:
                # The assignment already had an inspection made by another device: that is a conflict.
                raise _AlreadyFilled(inspection)
            body = inspection_sync_body(inspection)
            inspection.sync_response = body
            inspection.save(update_fields=["sync_response"])
            return SyncResult(inspection, body, created=True)
    except _AlreadyFilled as exc:
        current = Inspection.objects.get(pk=exc.inspection.pk)
        if current.client_uuid == client_uuid:
            return _replay(actor, current, content_hash)
        return SyncResult(current, inspection_sync_body(current), created=False, conflict=True)
    except IntegrityError:
        existing = Inspection.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            existing = Inspection.objects.filter(assignment=assignment).first()
            if existing is None:
                raise
            return SyncResult(existing, inspection_sync_body(existing), created=False, conflict=True)
        return _replay(actor, existing, content_hash)


class _AlreadyFilled(Exception):
    def __init__(self, inspection):
        super().__init__()
        self.inspection = inspection


def _replay(actor, existing: Inspection, content_hash: str) -> SyncResult:
    if existing.created_by_id not in (None, actor.pk) and not can_fill(user=actor, assignment=existing.assignment):
        raise SyncForbidden(_("This record belongs to someone else."))
    if existing.content_hash == content_hash:
        return SyncResult(existing, existing.sync_response or inspection_sync_body(existing), created=False)
    return SyncResult(existing, inspection_sync_body(existing), created=False, conflict=True)
