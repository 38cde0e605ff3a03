"""Review of a submitted inspection (approve, return) and amendments of a locked one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import Perm
from inspections.models import Amendment, Answer, Inspection, InspectionStatus
from inspections.selectors import can_approve, can_review, filled
from inspections.services.actions import findings_sync
from inspections.services.filling import (
    AnswerInput,
    _apply_answers,
    _drop_not_relevant,
    _missing_for_submit,
    _parse_answers,
    _rescore,
    _score_all,
    _version_items,
)
from staff.access import require


def _review_refusal(actor, inspection: Inspection) -> str:
    may_review = can_review(user=actor, assignment=inspection.assignment)
    if may_review and filled(user=actor, inspection=inspection) and not settings.INSPECTION_SELF_APPROVAL:
        return _("You filled this checklist; another member of the team reviews it.")
    return _("Only the lead inspector can approve or return this inspection.")


@transaction.atomic
def inspection_approve(*, actor, inspection: Inspection, comment: str = "") -> Inspection:
    inspection = Inspection.objects.select_for_update().select_related("assignment").get(pk=inspection.pk)
    require(actor, Perm.INSPECTION_REVIEW)
    if not can_approve(user=actor, inspection=inspection):
        raise ValidationError(_review_refusal(actor, inspection))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted inspection can be approved."))
    inspection.status = InspectionStatus.APPROVED
    inspection.approved_at = inspection.reviewed_at = timezone.now()
    inspection.approved_by = inspection.reviewed_by = actor
    inspection.review_comment = comment.strip()
    inspection.version += 1
    inspection.save()
    findings_sync(inspection=inspection)
    return inspection


@transaction.atomic
def inspection_return(*, actor, inspection: Inspection, comment: str) -> Inspection:
    inspection = Inspection.objects.select_for_update().select_related("assignment").get(pk=inspection.pk)
    require(actor, Perm.INSPECTION_REVIEW)
    if not can_approve(user=actor, inspection=inspection):
        raise ValidationError(_review_refusal(actor, inspection))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted inspection can be returned."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    inspection.status = InspectionStatus.RETURNED
    inspection.reviewed_at = timezone.now()
    inspection.reviewed_by = actor
    inspection.review_comment = comment.strip()
    inspection.version += 1
    inspection.save()
    return inspection


def inspection_snapshot(inspection: Inspection) -> dict:
    answers = {}
    for a in Answer.objects.filter(inspection=inspection).select_related("item").prefetch_related("evidence__blob"):
        answers[a.item.code] = {
            "value": a.value,
            "note": a.note,
            "score": str(a.score) if a.score is not None else None,
            "max": str(a.max_score) if a.max_score is not None else None,
            "failed": a.failed,
            "evidence": [e.blob.sha256 for e in a.evidence.all()],
        }
    return {
        "status": inspection.status,
        "inspected_on": inspection.inspected_on.isoformat(),
        "summary": inspection.summary,
        "total_percent": str(inspection.total_percent) if inspection.total_percent is not None else None,
        "band": inspection.band,
        "critical_failed": inspection.critical_failed,
        "answers": answers,
    }


@transaction.atomic
def inspection_amend(
    *,
    actor,
    inspection: Inspection,
    reason: str,
    answers: list[AnswerInput],
    summary: str | None = None,
    base_version: int | None = None,
) -> Amendment:
    """Change a locked inspection: only the listed answers change; the full before and after are kept."""
    inspection = (
        Inspection.objects.select_for_update()
        .select_related("assignment", "template_version__template")
        .get(pk=inspection.pk)
    )
    require(actor, Perm.INSPECTION_REVIEW)
    if not can_review(user=actor, assignment=inspection.assignment):
        raise ValidationError(_("Only the lead inspector can amend this inspection."))
    if inspection.status != InspectionStatus.APPROVED:
        raise ValidationError(_("Only an approved (locked) inspection is amended; edit it instead."))
    if base_version is not None and base_version != inspection.version:
        raise ValidationError(_("This inspection changed since you opened it."), code="stale")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("An amendment needs a reason.")})
    items = _version_items(inspection.template_version)
    cleaned, errors = _parse_answers(inspection.template_version, answers, items)
    if errors:
        raise ValidationError({"answers": errors})
    before = inspection_snapshot(inspection)
    for code, entry in before["answers"].items():
        if code not in cleaned and code in items:
            cleaned[code] = (items[code], entry["value"], entry["note"], entry["evidence"])
    skipped = _drop_not_relevant(items, cleaned)
    scores = _score_all(items, cleaned)
    missing = _missing_for_submit(items, cleaned, scores, skipped)
    if missing:
        raise ValidationError({"missing": missing})
    _apply_answers(
        actor=actor, inspection=inspection, items=items, cleaned=cleaned, scores=scores, replace=False, skipped=skipped
    )
    if summary is not None:
        inspection.summary = summary
    _rescore(inspection)
    inspection.version += 1
    inspection.save()
    after = inspection_snapshot(inspection)
    if after == before:
        raise ValidationError(_("The amendment changes nothing."))
    number = (inspection.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        inspection=inspection, number=number, reason=reason.strip(), actor=actor, before=before, after=after
    )
    findings_sync(inspection=inspection)
    return amendment
