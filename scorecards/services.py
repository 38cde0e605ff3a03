"""Every write on scorecards: the model for a year (as data) and publishing a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit
from core.permissions import Perm
from scorecards import defaults, selectors
from scorecards.models import (
    ACTIVE_PUBLISH,
    Criterion,
    Direction,
    Formula,
    Indicator,
    Pillar,
    PublishedPeriod,
    PublishRun,
    PublishStatus,
    ScorecardModel,
    ScorecardSnapshot,
)
from scorecards.periods import Period
from staff.access import require, system_actor, unit_in_scope
from staff.models import Unit


def require_province(actor) -> None:
    """Scorecard models and publications are province-wide: the actor needs SCORECARD_MANAGE on every
    top-level unit (staff.access.require, then each top unit in its scope)."""
    require(actor, Perm.SCORECARD_MANAGE)
    roots = Unit.objects.filter(parent__isnull=True, active=True).only("pk", "path")
    if not all(unit_in_scope(actor, Perm.SCORECARD_MANAGE, root) for root in roots):
        raise ValidationError(_("Only an administrator of the whole province can do this."))


# -------------------------------------------------------------------------------- the model
@transaction.atomic
def scorecard_model_create(*, actor, year: int, copy_from: ScorecardModel | None = None) -> ScorecardModel:
    """A model for `year`, copied from `copy_from` (or the built-in defaults)."""
    require_province(actor)
    if ScorecardModel.objects.filter(year=year).exists():
        raise ValidationError(_("A scorecard model for %(year)s already exists.") % {"year": year})
    if copy_from is not None:
        model = ScorecardModel.objects.create(
            year=year,
            name=copy_from.name,
            excellent_min=copy_from.excellent_min,
            good_min=copy_from.good_min,
            satisfactory_min=copy_from.satisfactory_min,
            legal_basis=copy_from.legal_basis,
            updated_by=actor,
        )
        rows = [
            {
                f: getattr(c, f)
                for f in (
                    "key",
                    "pillar",
                    "formula",
                    "weight",
                    "target",
                    "label_vi",
                    "label_en",
                    "direction",
                    "order",
                    "indicator",
                    "checklist_items",
                )
            }
            for c in copy_from.criteria.all()
        ]
    else:
        model = ScorecardModel.objects.create(
            year=year, name=defaults.NAME_VI, legal_basis=defaults.LEGAL_BASIS, updated_by=actor
        )
        rows = defaults.criterion_rows()
    audit.bulk_create(Criterion, [Criterion(scorecard_model=model, **row) for row in rows], actor=actor)
    return model


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field, []).append(_("“%(value)s” is not a number.") % {"value": value})
        return None


@transaction.atomic
def scorecard_model_update(
    *,
    actor,
    model: ScorecardModel,
    name: str,
    excellent_min,
    good_min,
    satisfactory_min,
    legal_basis: str = "",
    criteria: list[dict],
) -> ScorecardModel:
    """Replace the model's bands and criteria. Published snapshots keep the figures they froze."""
    require_province(actor)
    errors: dict[str, list[str]] = {}
    bands = {
        f: _decimal(v, f, errors)
        for f, v in (("excellent_min", excellent_min), ("good_min", good_min), ("satisfactory_min", satisfactory_min))
    }
    if not errors and not (100 >= bands["excellent_min"] > bands["good_min"] > bands["satisfactory_min"] >= 0):
        errors.setdefault("excellent_min", []).append(
            _("Bands must be ordered: 100 ≥ excellent > good > satisfactory ≥ 0.")
        )
    rows: list[Criterion] = []
    seen: set[str] = set()
    for index, raw in enumerate(criteria, 1):
        where = _("criterion %(n)s") % {"n": index}
        key = (raw.get("key") or "").strip()
        if not key:
            errors.setdefault("criteria", []).append(_("%(where)s: the key is missing.") % {"where": where})
            continue
        if key in seen:
            errors.setdefault("criteria", []).append(
                _("%(where)s: the key “%(key)s” is used twice.") % {"where": where, "key": key}
            )
        seen.add(key)
        weight = _decimal(raw.get("weight"), "criteria", errors)
        target = _decimal(raw.get("target"), "criteria", errors)
        if weight is not None and weight < 0:
            errors.setdefault("criteria", []).append(_("%(where)s: the weight cannot be negative.") % {"where": where})
        if target is not None and not 0 < target <= 100:
            errors.setdefault("criteria", []).append(
                _("%(where)s: the target must be above 0 and at most 100.") % {"where": where}
            )
        if raw.get("formula") not in Formula.values:
            errors.setdefault("criteria", []).append(_("%(where)s: unknown formula.") % {"where": where})
        if raw.get("pillar") not in Pillar.values:
            errors.setdefault("criteria", []).append(_("%(where)s: unknown pillar.") % {"where": where})
        if (raw.get("direction") or Direction.HIGHER) not in Direction.values:
            errors.setdefault("criteria", []).append(_("%(where)s: unknown direction.") % {"where": where})
        if not (raw.get("label_vi") or "").strip():
            errors.setdefault("criteria", []).append(
                _("%(where)s: the Vietnamese label is missing.") % {"where": where}
            )
        indicator = _indicator(raw.get("indicator"))
        if raw.get("formula") == Formula.INDICATOR and indicator is None:
            errors.setdefault("criteria", []).append(_("%(where)s: choose the indicator.") % {"where": where})
        if raw.get("formula") == Formula.CHECKLIST_ITEMS and not (raw.get("checklist_items") or "").strip():
            errors.setdefault("criteria", []).append(_("%(where)s: give the checklist item codes.") % {"where": where})
        rows.append(
            Criterion(
                scorecard_model=model,
                indicator=indicator,
                checklist_items=(raw.get("checklist_items") or "").strip()[:255],
                key=key,
                pillar=raw.get("pillar"),
                formula=raw.get("formula"),
                direction=raw.get("direction") or Direction.HIGHER,
                weight=weight,
                target=target,
                label_vi=(raw.get("label_vi") or "").strip(),
                label_en=(raw.get("label_en") or "").strip(),
                order=raw.get("order") or index,
            )
        )
    if not rows and "criteria" not in errors:
        errors["criteria"] = [_("A scorecard model needs at least one criterion.")]
    elif not errors and sum(r.weight for r in rows) <= 0:
        errors["criteria"] = [_("The weights must add up to more than 0.")]
    if errors:
        raise ValidationError(errors)
    model.name = name.strip() or model.name
    model.legal_basis = legal_basis.strip()
    model.excellent_min, model.good_min, model.satisfactory_min = (
        bands["excellent_min"],
        bands["good_min"],
        bands["satisfactory_min"],
    )
    model.updated_by = actor
    model.full_clean()
    model.save()
    _replace_criteria(actor=actor, model=model, rows=rows)
    return model


CRITERION_FIELDS = (
    "pillar",
    "formula",
    "direction",
    "weight",
    "target",
    "label_vi",
    "label_en",
    "order",
    "indicator",
    "checklist_items",
)


def _indicator(value) -> Indicator | None:
    """An indicator given as itself, its id or its code (criteria of kind "indicator")."""
    if value in (None, ""):
        return None
    if isinstance(value, Indicator):
        return value
    text = str(value).strip()
    qs = Indicator.objects.all()
    return (qs.filter(pk=int(text)) if text.isdigit() else qs.filter(code=text)).first()


def _replace_criteria(*, actor, model: ScorecardModel, rows: list[Criterion]) -> None:
    """Make the model's criteria those of `rows`, matched by key, so the history shows each criterion's
    change (weight 20 → 25), its creation or its removal, not the whole set deleted and created again."""
    existing = {c.key: c for c in Criterion.objects.filter(scorecard_model=model)}
    keep = {r.key for r in rows}
    removed = [c.pk for key, c in existing.items() if key not in keep]
    if removed:
        Criterion.objects.filter(pk__in=removed).delete()  # per-object signals: history records each removal
    changed, created = [], []
    for row in rows:
        current = existing.get(row.key)
        if current is None:
            created.append(row)
            continue
        if any(getattr(current, f) != getattr(row, f) for f in CRITERION_FIELDS):
            for f in CRITERION_FIELDS:
                setattr(current, f, getattr(row, f))
            changed.append(current)
    audit.bulk_update(Criterion, changed, list(CRITERION_FIELDS), actor=actor)
    audit.bulk_create(Criterion, created, actor=actor)


# ------------------------------------------------------------------------------- publishing
@transaction.atomic
def period_publish(*, actor, period: Period, note: str = "", today=None) -> PublishedPeriod:
    """Freeze the scorecards of every unit for `period`. Once published, a figure never changes:
    later corrections show as a difference against the snapshot."""
    publish_check(actor=actor, period=period, today=today)
    with selectors.computed_now():  # the records as they are, never a kept computation older than them
        table = selectors.score_table(period=period, frozen=False)
    if table.model is None:
        raise ValidationError(_("There is no scorecard model for %(year)s.") % {"year": period.year})
    publication = PublishedPeriod(
        period=period.key,
        start=period.start,
        end=period.end,
        scorecard_model=table.model,
        published_by=actor,
        note=note.strip(),
    )
    publication._history_user = actor  # also when a background job publishes
    publication.save()
    snapshots = []
    for unit_id, score in table.live.items():
        data = score.frozen()
        snapshots.append(
            ScorecardSnapshot(
                publication=publication,
                unit_id=unit_id,
                headcount=data["headcount"],
                total=data["total"],
                capability=data["capability"],
                service_culture=data["service_culture"],
                band=data["band"],
                rank=data["rank"],
                rank_of=data["rank_of"],
                criteria=data["criteria"],
            )
        )
    audit.bulk_create(ScorecardSnapshot, snapshots, actor=actor, batch_size=500)
    return publication


# ------------------------------------------------------------------- publishing in the background
PUBLISH_STALE_AFTER = dt.timedelta(hours=2)


class PublishInProgress(ValidationError):
    """A run for this period is already waiting or running; `run` is that run."""

    def __init__(self, run: PublishRun):
        super().__init__(
            _("%(period)s is already being published (requested at %(at)s).")
            % {
                "period": Period.parse(run.period).label,
                "at": timezone.localtime(run.created_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
        self.run = run


def publish_check(*, actor, period: Period, today=None) -> None:
    """What can be refused before anything is queued: permission, a period not ended, already published."""
    require_province(actor)
    today = today or timezone.localdate()
    if period.end >= today:
        raise ValidationError(
            _("%(period)s has not ended yet; it can be published from %(date)s.")
            % {"period": period.label, "date": period.next().start.strftime("%d/%m/%Y")}
        )
    if PublishedPeriod.objects.filter(period=period.key).exists():
        raise ValidationError(_("%(period)s is already published.") % {"period": period.label})


@transaction.atomic
def publish_request(*, actor, period: Period, note: str = "", today=None) -> PublishRun:
    """Record a request to publish `period` (checked now), for a background job to carry out
    (scorecards.tasks.publish_start queues it). While one run of the period waits or runs, a second
    request raises PublishInProgress with that run; a run left waiting or running for more than
    PUBLISH_STALE_AFTER (its worker died) is marked failed first."""
    publish_check(actor=actor, period=period, today=today)
    now = timezone.now()
    PublishRun.objects.filter(
        period=period.key, status__in=ACTIVE_PUBLISH, created_at__lt=now - PUBLISH_STALE_AFTER
    ).update(
        status=PublishStatus.FAILED, finished_at=now, error=_("No worker finished this run in time; it was given up.")
    )
    active = PublishRun.objects.select_for_update().filter(period=period.key, status__in=ACTIVE_PUBLISH).first()
    if active is not None:
        raise PublishInProgress(active)
    try:
        with transaction.atomic():
            return PublishRun.objects.create(
                period=period.key,
                note=note.strip(),
                requested_by=actor,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
    except IntegrityError:  # a concurrent request created its run between our check and our insert
        raise PublishInProgress(PublishRun.objects.get(period=period.key, status__in=ACTIVE_PUBLISH)) from None


def publish_execute(
    *, period_key: str, actor_id: int | None = None, note: str = "", run_id: int | None = None
) -> PublishedPeriod:
    """The worker's side: publish (or find the publication of a retried job) and keep the run's status.
    The actor is the person who asked (`actor_id`), else the system account."""
    run = PublishRun.objects.filter(pk=run_id).first() if run_id else None
    runs = PublishRun.objects.filter(pk=run_id)
    period = Period.parse(period_key)
    publication = PublishedPeriod.objects.filter(period=period.key).first()
    if publication is None:
        runs.update(
            status=PublishStatus.RUNNING, started_at=timezone.now(), error="", attempts=(run.attempts + 1) if run else 1
        )
        try:
            actor = get_user_model().objects.get(pk=actor_id) if actor_id else system_actor()
            with translation.override(run.language if run else settings.LANGUAGE_CODE):
                publication = period_publish(actor=actor, period=period, note=note)
        except Exception as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            runs.update(
                status=PublishStatus.FAILED, error=message[:2000] or exc.__class__.__name__, finished_at=timezone.now()
            )
            raise
    runs.update(status=PublishStatus.DONE, publication=publication, error="", finished_at=timezone.now())
    return publication
