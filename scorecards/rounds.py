"""Self-assessment, then appraisal (the province's PAR method, QĐ 876/QĐ-BNV style).

1. The assessing body (SCORECARD_APPRAISE on the whole province) opens a round for a period, with a
   deadline for the units.
2. Each unit head (or a delegate holding SCORECARD_ASSESS on the unit) reviews the computed and
   imported values, gives the self-assessed criteria a score with an explanation and evidence, and
   submits before the deadline. Submitting freezes the unit's self score per criterion.
3. The appraiser accepts or adjusts every criterion; an adjustment needs a reason.
4. The round is published: the existing publishing service freezes every unit's scorecard, in which an
   appraised unit's criteria carry the appraised values (scorecards.kinds).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import Perm
from scorecards import engine, kinds, services
from scorecards.models import (
    AssessmentRound,
    AssessmentStatus,
    CriterionAssessment,
    CriterionKind,
    Decision,
    PublishedPeriod,
    RoundStatus,
    UnitAssessment,
)
from scorecards.periods import Period
from scorecards.selectors.tables import computed_now, score_table
from staff.access import require, system_actor, unit_in_scope
from staff.models import Unit

EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls"}


def require_province_appraiser(actor) -> None:
    require(actor, Perm.SCORECARD_APPRAISE)
    roots = Unit.objects.filter(parent__isnull=True, active=True).only("pk", "path")
    if not all(unit_in_scope(actor, Perm.SCORECARD_APPRAISE, root) for root in roots):
        raise ValidationError(_("Only the assessing body of the whole province can do this."))


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------------- the round
@transaction.atomic
def round_open(*, actor, period: Period, deadline: dt.date, appraisal_deadline=None, note: str = "", today=None):
    require_province_appraiser(actor)
    today = today or timezone.localdate()
    errors = {}
    if AssessmentRound.objects.filter(period=period.key).exists():
        errors["period"] = _("A round for %(period)s is already open.") % {"period": period.label}
    elif PublishedPeriod.objects.filter(period=period.key).exists():
        errors["period"] = _("%(period)s is already published.") % {"period": period.label}
    if deadline < today:
        errors["deadline"] = _("The deadline %(date)s has already passed.") % {"date": _fmt(deadline)}
    if appraisal_deadline and appraisal_deadline < deadline:
        errors["appraisal_deadline"] = _("The appraisal deadline comes before the self-assessment deadline.")
    if errors:
        raise ValidationError(errors)
    round_ = AssessmentRound(
        period=period.key,
        deadline=deadline,
        appraisal_deadline=appraisal_deadline,
        note=(note or "").strip()[:255],
        opened_by=actor,
    )
    round_.full_clean()
    round_._history_user = actor
    round_.save()
    return round_


def _live_unit_score(*, period: Period, unit_id: int):

    with computed_now():  # what the unit submits: the records as they are now
        table = score_table(period=period, frozen=False, with_previous=False)
    return table, table.live.get(unit_id)


def _assessment_for(*, round_: AssessmentRound, unit: Unit) -> UnitAssessment:
    assessment, _created = UnitAssessment.objects.select_for_update().get_or_create(round=round_, unit=unit)
    return assessment


def _check_open(*, actor, round_: AssessmentRound, unit: Unit, today=None) -> None:
    require(actor, Perm.SCORECARD_ASSESS, unit)
    today = today or timezone.localdate()
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("The round for %(period)s is closed.") % {"period": Period.parse(round_.period).label})
    if today > round_.deadline:
        raise ValidationError(
            _("The deadline for self-assessment was %(date)s; it can no longer be changed or submitted.")
            % {"date": _fmt(round_.deadline)}
        )


def _check_evidence(upload) -> None:
    if upload is None:
        return
    if Path(upload.name).suffix.lower() not in EVIDENCE_SUFFIXES:
        raise ValidationError(
            {
                "evidence_file": _("“%(name)s”: evidence must be a PDF, an image, a Word or an Excel file.")
                % {"name": upload.name}
            }
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "evidence_file": _("“%(name)s” is larger than %(mb)s MB.")
                % {"name": upload.name, "mb": settings.UPLOAD_MAX_BYTES // 1048576}
            }
        )


def _parse_score(raw, where: str) -> float | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = float(str(raw).replace(",", "."))
    except ValueError:
        raise ValidationError(_("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": raw}) from None
    if not 0 <= value <= 100:
        raise ValidationError(_("%(where)s: the score must be between 0 and 100.") % {"where": where})
    return value


@transaction.atomic
def assessment_save(*, actor, round_: AssessmentRound, unit: Unit, entries: list[dict], today=None) -> UnitAssessment:
    """Save the unit's draft: for each criterion key, an explanation and evidence, and a score for the
    self-assessed ones. `entries`: dicts with key, self_value, explanation, evidence_link, evidence_file."""
    _check_open(actor=actor, round_=round_, unit=unit, today=today)
    assessment = _assessment_for(round_=round_, unit=unit)
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("This self-assessment was already submitted."))
    period = Period.parse(round_.period)
    _table, score = _live_unit_score(period=period, unit_id=unit.pk)
    criteria = {c.key: c for c in (score.criteria if score else [])}
    rows = {r.key: r for r in assessment.criteria.all()}
    for entry in entries:
        key = entry.get("key")
        result = criteria.get(key)
        if result is None:
            raise ValidationError(_("Unknown criterion “%(key)s”.") % {"key": key})
        kind = kinds.kind_of(result.formula)
        row = rows.get(key) or CriterionAssessment(assessment=assessment, key=key)
        row.label, row.kind = result.label_vi[:255], kind
        if kind == CriterionKind.SELF_ASSESSED:
            row.self_value = _parse_score(entry.get("self_value"), result.label)
        row.explanation = (entry.get("explanation") or "").strip()
        link = (entry.get("evidence_link") or "").strip()
        if link:
            row.evidence_link = link
        upload = entry.get("evidence_file")
        _check_evidence(upload)
        if upload is not None:
            row.evidence_file = upload
        row.full_clean()
        row.save()
    assessment._history_user = actor
    assessment.save()
    return assessment


@transaction.atomic
def assessment_submit(*, actor, round_: AssessmentRound, unit: Unit, today=None) -> UnitAssessment:
    """Submit the unit's self-assessment: every self-assessed criterion needs a score and evidence;
    the computed and imported values are frozen as the unit's self score. Submitting again changes
    nothing (idempotent)."""
    require(actor, Perm.SCORECARD_ASSESS, unit)
    existing = UnitAssessment.objects.filter(round=round_, unit=unit).first()
    if existing is not None and existing.status != AssessmentStatus.DRAFT:
        return existing
    _check_open(actor=actor, round_=round_, unit=unit, today=today)
    assessment = _assessment_for(round_=round_, unit=unit)
    period = Period.parse(round_.period)
    table, score = _live_unit_score(period=period, unit_id=unit.pk)
    if score is None:
        raise ValidationError(_("This unit has no scorecard for %(period)s.") % {"period": period.label})
    rows = {r.key: r for r in assessment.criteria.all()}
    missing = []
    for result in score.criteria:
        kind = kinds.kind_of(result.formula)
        row = rows.get(result.key) or CriterionAssessment(assessment=assessment, key=result.key)
        row.label, row.kind = result.label_vi[:255], kind
        if kind == CriterionKind.SELF_ASSESSED:
            if row.self_value is None or not (row.evidence_link or row.evidence_file):
                missing.append(result.label)
        else:
            row.self_value = None if result.value is None else round(result.value, 2)
        rows[result.key] = row
    if missing:
        raise ValidationError(
            _("Give a score and evidence (a file or a link) for: %(criteria)s.") % {"criteria": "; ".join(missing)}
        )
    for row in rows.values():
        row.save()
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at, assessment.submitted_by = timezone.now(), actor
    assessment.self_total = _total(
        table.spec, score, {k: r.self_value for k, r in rows.items() if r.kind == CriterionKind.SELF_ASSESSED}
    )
    assessment._history_user = actor
    assessment.save()
    return assessment


def _total(spec: engine.ModelSpec, score, values: dict) -> float | None:
    """The total the unit's criteria give with `values` (by key) in place of the live ones."""
    criteria = []
    for c in score.criteria:
        copy = engine.CriterionResult(
            key=c.key,
            pillar=c.pillar,
            formula=c.formula,
            label_vi=c.label_vi,
            label_en=c.label_en,
            weight=c.weight,
            target=c.target,
            direction=c.direction,
            value=values.get(c.key, c.value),
        )
        criteria.append(copy)
    total = engine.score_criteria(spec, score.unit, criteria, score.headcount).total
    return None if total is None else round(total, 2)


@transaction.atomic
def assessment_appraise(*, actor, assessment: UnitAssessment, decisions: list[dict]) -> UnitAssessment:
    """Accept or adjust every criterion of a submitted self-assessment. `decisions`: dicts with key,
    decision (accepted | adjusted), value (for adjusted) and reason (required for adjusted)."""
    require(actor, Perm.SCORECARD_APPRAISE, assessment.unit)
    round_ = assessment.round
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("The round is published; its appraisals can no longer change."))
    if assessment.status == AssessmentStatus.DRAFT:
        raise ValidationError(_("The unit has not submitted its self-assessment yet."))
    rows = {r.key: r for r in assessment.criteria.all()}
    given = {d.get("key"): d for d in decisions}
    errors = []
    for key, row in rows.items():
        d = given.get(key)
        if d is None or d.get("decision") not in Decision.values:
            errors.append(_("%(criterion)s: accept or adjust it.") % {"criterion": row.label})
            continue
        if d["decision"] == Decision.ACCEPTED:
            row.decision, row.appraised_value, row.reason = (
                Decision.ACCEPTED,
                row.self_value,
                (d.get("reason") or "").strip(),
            )
            continue
        reason = (d.get("reason") or "").strip()
        if not reason:
            errors.append(_("%(criterion)s: an adjustment needs a reason.") % {"criterion": row.label})
            continue
        try:
            value = _parse_score(d.get("value"), row.label)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if value is None:
            errors.append(_("%(criterion)s: give the appraised score.") % {"criterion": row.label})
            continue
        row.decision, row.appraised_value, row.reason = Decision.ADJUSTED, value, reason
    unknown = set(given) - set(rows)
    if unknown:
        errors.append(_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(sorted(str(k) for k in unknown))})
    if errors:
        raise ValidationError(errors)
    for row in rows.values():
        row.save()
    period = Period.parse(round_.period)
    table, score = _live_unit_score(period=period, unit_id=assessment.unit_id)
    if score is not None:
        changed = {
            k: r.appraised_value
            for k, r in rows.items()
            if r.decision == Decision.ADJUSTED or r.kind == CriterionKind.SELF_ASSESSED
        }
        assessment.appraised_total = _total(table.spec, score, changed)
    assessment.status = AssessmentStatus.APPRAISED
    assessment.appraised_at, assessment.appraised_by = timezone.now(), actor
    assessment._history_user = actor
    assessment.save()
    return assessment


@transaction.atomic
def round_publish(*, actor, round_: AssessmentRound, note: str = "", today=None) -> PublishedPeriod:
    """Publish the round: every submitted self-assessment must be appraised; the period's scorecards are
    then frozen by the publishing service (scorecards.services.period_publish)."""

    require_province_appraiser(actor)
    if round_.status == RoundStatus.PUBLISHED and round_.publication_id:
        return round_.publication
    waiting = round_.assessments.filter(status=AssessmentStatus.SUBMITTED).count()
    if waiting:
        raise ValidationError(_("%(n)s submitted self-assessments are not appraised yet.") % {"n": waiting})
    # The publishing service asks for the scorecard manager's permission; the appraiser publishes a
    # round on the system's behalf and is recorded as the publisher.
    publication = services.period_publish(
        actor=system_actor(), period=Period.parse(round_.period), note=note or _("Assessment round"), today=today
    )
    publication.published_by = actor
    publication._history_user = actor
    publication.save(update_fields=["published_by"])
    round_.status, round_.publication = RoundStatus.PUBLISHED, publication
    round_._history_user = actor
    round_.save()
    return publication
