"""Filling an inspection: answers checked against the pinned version, scored on the server, saved."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.permissions import Perm
from inspections import relevance, scoring
from inspections.models import (
    Answer,
    AnswerType,
    Assignment,
    Evidence,
    EvidenceBlob,
    Inspection,
    InspectionStatus,
    Item,
    TemplateVersion,
)
from inspections.selectors import can_fill
from staff.access import require

CLIENT_ONLY_FIELDS = frozenset({"client_saved_at", "device", "outbox_id", "local_id"})


def canonical_hash(payload: dict) -> str:
    body = {k: v for k, v in payload.items() if k not in CLIENT_ONLY_FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class AnswerInput:
    item: str  # item code
    value: object = ""
    note: str = ""
    evidence: list | None = None  # sha256 of uploaded images


def _parse_answers(version: TemplateVersion, answers: list[AnswerInput], items: dict[str, Item]):
    """Check every answer against the pinned version; collect every error."""
    errors: list[str] = []
    cleaned: dict[str, tuple[Item, str, str, list[str]]] = {}
    for a in answers:
        code = str(a.item).strip()
        item = items.get(code)
        if item is None:
            errors.append(
                _("Item %(code)s is not in version %(number)s of this template.")
                % {"code": code, "number": version.number}
            )
            continue
        if code in cleaned:
            errors.append(_("Item %(code)s is answered twice.") % {"code": code})
            continue
        try:
            value = scoring.normalise(item.answer_type, a.value, item.choices)
        except scoring.AnswerError as exc:
            errors.append(
                _("Item %(code)s (%(type)s): %(error)s")
                % {"code": code, "type": item.get_answer_type_display(), "error": exc}
            )
            continue
        shas = [str(s).strip().lower() for s in (a.evidence or [])]
        note = (a.note or "").strip()
        if len(note) > 4000:
            errors.append(_("Item %(code)s: the note is longer than 4,000 characters.") % {"code": code})
        cleaned[code] = (item, value, note, list(dict.fromkeys(shas)))
    errors.extend(_constraint_errors(cleaned))
    return cleaned, errors


def _constraint_errors(cleaned) -> list[str]:
    """Answers that do not meet their item's XLSForm `constraint` (". >= 0 and . <= 100"): the
    item's constraint message, else the condition itself. "na" is not checked."""
    values = {code: entry[1] for code, entry in cleaned.items()}
    errors = []
    for code, (item, value, _note, _shas) in cleaned.items():
        if not item.constraint or value == scoring.NA:
            continue
        if not relevance.constraint_met(item.constraint, value, values):
            message = item.constraint_message or _("the answer must meet the condition %(expr)s") % {
                "expr": item.constraint
            }
            errors.append(
                _("Item %(code)s: “%(value)s” is refused: %(message)s")
                % {"code": code, "value": value, "message": message}
            )
    return errors


def _drop_not_relevant(items: dict[str, Item], cleaned) -> set[str]:
    """Evaluate every item's XLSForm `relevant` against the answers (in item order) and drop the
    answers of items that are not relevant: such an item is not required, and is left out of the
    score and the maximum (like N/A). An answer sent to it is dropped, not refused, because a tablet
    that filled it before the answer it depends on changed must still be able to save. Returns the
    codes of the items that are not relevant."""
    values = {code: entry[1] for code, entry in cleaned.items()}
    shown = relevance.relevant_items(items.values(), values)
    skipped = {code for code, ok in shown.items() if not ok}
    for code in skipped:
        cleaned.pop(code, None)
    return skipped


def _missing_for_submit(items: dict[str, Item], cleaned, scores, skipped=frozenset()) -> list[str]:
    missing = []
    for code, item in items.items():
        if code in skipped:
            continue
        entry = cleaned.get(code)
        answered = entry is not None and (entry[1] != "" or (item.answer_type == AnswerType.PHOTO and entry[3]))
        if item.required and not answered and item.answer_type != AnswerType.NOTE:  # guidance takes no answer
            missing.append(_("%(code)s – %(text)s: no answer.") % {"code": code, "text": item.text_vi})
            continue
        if entry is None:
            continue
        if scores[code].failed:
            if item.note_required_on_failure and not entry[2]:
                missing.append(
                    _("%(code)s – %(text)s: a note is required when the item fails.")
                    % {"code": code, "text": item.text_vi}
                )
            if item.photo_required_on_failure and not entry[3]:
                missing.append(
                    _("%(code)s – %(text)s: a photo is required when the item fails.")
                    % {"code": code, "text": item.text_vi}
                )
    return missing


def _apply_answers(
    *, actor, inspection: Inspection, items: dict[str, Item], cleaned, scores, replace: bool, skipped=frozenset()
) -> None:
    """Upsert answers and their evidence in a fixed number of queries. Stored answers of items that
    are no longer relevant (`skipped`) go; one that already has a finding is kept, emptied."""
    existing = {a.item_id: a for a in Answer.objects.filter(inspection=inspection)}
    skipped_ids = {items[code].pk for code in skipped if code in items}
    if skipped_ids and not replace:
        stale = [a for item_id, a in existing.items() if item_id in skipped_ids]
        if stale:
            Answer.objects.filter(pk__in=[a.pk for a in stale], finding__isnull=True).delete()
            kept = list(Answer.objects.filter(pk__in=[a.pk for a in stale]))
            Evidence.objects.filter(answer__in=[a.pk for a in kept]).delete()
            for a in kept:
                a.value, a.score, a.max_score, a.failed = "", None, None, False
            audit.bulk_update(Answer, kept, ["value", "score", "max_score", "failed"], actor=actor)
            for item_id in skipped_ids:
                existing.pop(item_id, None)
    blobs = {}
    wanted = {sha for entry in cleaned.values() for sha in entry[3]}
    if wanted:
        blobs = {b.sha256: b for b in EvidenceBlob.objects.filter(sha256__in=wanted)}
    unknown = sorted(wanted - set(blobs))
    if unknown:
        raise ValidationError(
            {"answers": [_("Photo %(sha)s has not been uploaded.") % {"sha": s[:12]} for s in unknown]}
        )
    to_create, to_update = [], []
    for _code, (item, value, note, _shas) in cleaned.items():
        sc = scores[item.code]
        answer = existing.get(item.pk)
        if answer is None:
            answer = Answer(inspection=inspection, item=item)
            to_create.append(answer)
        else:
            to_update.append(answer)
        answer.value, answer.note = value, note
        answer.score, answer.max_score, answer.failed = sc.score, sc.max_score, sc.failed
    if replace:
        keep = {entry[0].pk for entry in cleaned.values()}
        gone = [a.pk for item_id, a in existing.items() if item_id not in keep]
        if gone:
            Answer.objects.filter(pk__in=gone, finding__isnull=True).delete()
    audit.bulk_update(Answer, to_update, ["value", "note", "score", "max_score", "failed"], actor=actor)
    audit.bulk_create(Answer, to_create, actor=actor)
    touched = [*to_update, *to_create]
    Evidence.objects.filter(answer__in=[a.pk for a in to_update]).delete()
    by_item = {a.item_id: a for a in touched}
    evidence = [
        Evidence(answer=by_item[item.pk], blob=blobs[sha]) for (item, _v, _n, shas) in cleaned.values() for sha in shas
    ]
    audit.bulk_create(Evidence, evidence, actor=actor)


def _rescore(inspection: Inspection) -> None:
    """Totals from the stored answers (one aggregate query)."""
    agg = Answer.objects.filter(inspection=inspection).aggregate(
        score=Sum("score", filter=Q(max_score__isnull=False)),
        maximum=Sum("max_score"),
        critical=Count("pk", filter=Q(failed=True, item__critical=True)),
        answered=Count("pk", filter=~Q(value="") | Q(evidence__isnull=False), distinct=True),
    )
    inspection.score = agg["score"] or Decimal(0)
    inspection.max_score = agg["maximum"] or Decimal(0)
    inspection.total_percent = scoring.percent(inspection.score, inspection.max_score)
    inspection.band = scoring.band_for(inspection.total_percent)
    inspection.critical_failed = bool(agg["critical"])
    inspection.answered = agg["answered"]


def _score_all(items: dict[str, Item], cleaned) -> dict:
    return {
        code: scoring.score_item(
            answer_type=item.answer_type,
            weight=item.weight,
            failing_answers=item.failing_answers,
            value=value,
            has_photo=bool(shas),
            choices=item.choices,
        )
        for code, (item, value, _note, shas) in cleaned.items()
    }


def _version_items(version: TemplateVersion) -> dict[str, Item]:
    return {i.code: i for i in Item.objects.filter(version=version).order_by("order")}


def inspection_save(
    *,
    actor,
    assignment: Assignment,
    answers: list[AnswerInput],
    inspected_on: dt.date | None = None,
    summary: str | None = None,
    submit: bool = False,
    client_uuid=None,
    content_hash: str = "",
    base_version: int | None = None,
    replace: bool = True,
) -> Inspection:
    """Create or update the assignment's inspection (draft or returned), score it on the server, and
    submit it if asked. Every bad answer is reported at once; nothing is written on error. Items whose
    `relevant` expression is false are not required and not scored; answers sent to them are dropped
    (see _drop_not_relevant)."""
    with transaction.atomic():
        require(actor, (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF))
        if not can_fill(user=actor, assignment=assignment):
            raise ValidationError(_("This assignment is not yours to fill."), code="not_team")
        inspection = Inspection.objects.select_for_update().filter(assignment=assignment).first()
        if inspection is not None:
            if base_version is not None and inspection.version != base_version:
                raise ValidationError(_("This inspection changed since you opened it."), code="stale")
            if inspection.status == InspectionStatus.APPROVED:
                raise ValidationError(
                    _("This inspection is approved and locked; change it through an amendment."), code="locked"
                )
            if inspection.status == InspectionStatus.SUBMITTED:
                raise ValidationError(
                    _("This inspection is submitted and waits for review; it cannot be edited."), code="submitted"
                )
        version = assignment.template_version
        items = _version_items(version)
        cleaned, errors = _parse_answers(version, answers, items)
        if errors:
            raise ValidationError({"answers": errors}, code="invalid")
        if inspection is not None and not replace:
            # Keep earlier answers that this request does not mention.
            for a in (
                Answer.objects.filter(inspection=inspection).select_related("item").prefetch_related("evidence__blob")
            ):
                if a.item.code not in cleaned:
                    cleaned[a.item.code] = (a.item, a.value, a.note, [e.blob.sha256 for e in a.evidence.all()])
        skipped = _drop_not_relevant(items, cleaned)
        scores = _score_all(items, cleaned)
        if submit:
            missing = _missing_for_submit(items, cleaned, scores, skipped)
            if missing:
                raise ValidationError({"missing": missing}, code="missing")
        now = timezone.now()
        if inspection is None:
            inspection = Inspection(
                assignment=assignment,
                unit_id=assignment.unit_id,
                template_version=version,
                kind=version.template.kind,
                is_self=assignment.is_self,
                inspected_on=inspected_on or timezone.localdate(),
                created_by=actor,
                client_uuid=client_uuid,
                content_hash=content_hash,
            )
            if summary is not None:
                inspection.summary = summary
            inspection.save()
        else:
            inspection.version += 1
            if inspected_on:
                inspection.inspected_on = inspected_on
            if summary is not None:
                inspection.summary = summary
        _apply_answers(
            actor=actor,
            inspection=inspection,
            items=items,
            cleaned=cleaned,
            scores=scores,
            replace=True,
            skipped=skipped,
        )
        _rescore(inspection)
        if submit:
            inspection.status = InspectionStatus.SUBMITTED
            inspection.submitted_at = now
            inspection.submitted_by = actor
        inspection.save()
        return inspection
