"""Every read for scorecards. The whole province is computed at once with a constant number of
queries (units, model, one GROUP BY per fact source, publication, snapshots), then merged in Python
by `scorecards.engine`; callers then keep what the user may see."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone

from core import versions
from core.permissions import Perm
from scorecards import defaults, engine
from scorecards.engine import CriterionResult, UnitRow, UnitScore
from scorecards.models import PublishedPeriod, PublishRun, ScorecardModel, ScorecardSnapshot
from scorecards.periods import MONTH, QUARTER, Period
from staff.access import unit_scope_q
from staff.models import Unit

TREND_LENGTH = {"year": 3, QUARTER: 4, MONTH: 6}

# Live scorecards are kept until the data behind them changes (core.versions): the province for a year
# takes about a second to compute and is asked for by every scorecard screen, chart and export. Keyed by the
# data-version token and today's date (sessions held "so far" depend on it). Two levels: this process
# (`_memo`, no cost to read) and every process of the site (the `versions` cache, files or Redis, which
# the token already lives in), so that the web server's processes, the worker and the management
# commands compute a period once between two changes, not once each.
MEMO_SIZE = 16
SHARED_TIMEOUT = 6 * 3600  # seconds a computed period stays in the shared cache (a new token abandons it sooner)
SHARED_WAIT = 30.0  # seconds a process waits for another one computing the same period before computing itself
_memo: OrderedDict[tuple, object] = OrderedDict()
_memo_lock = threading.Lock()
_computing: dict[tuple, threading.Lock] = {}  # one computation per key at a time in this process

logger = logging.getLogger(__name__)


def _memoised(key: tuple, compute: Callable[[], object]):
    token = versions.memo_key(connection)
    if token is None:  # this transaction wrote data it has not committed: compute, share nothing
        return compute()
    key = (*key, token, timezone.localdate())
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
        computing = _computing.setdefault(key, threading.Lock())
    # Threads asking for the same key while it is computed wait for that computation instead of each
    # running their own (ten people opening the table after a change would otherwise cost ten).
    with computing:
        with _memo_lock:
            if key in _memo:
                return _memo[key]
        value = _shared(key, compute)
        with _memo_lock:
            _memo[key] = value
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
            _computing.pop(key, None)
    return value


def _shared(key: tuple, compute: Callable[[], object]):
    """The value of `key` from the cache every process shares, computed here if no process has it. While
    another process computes it (it holds the key's lock), wait for its result, at most SHARED_WAIT
    seconds. The cache being unreachable never fails the request: the value is then computed here."""
    cache = caches[versions.CACHE_ALIAS]
    name = "congvu:memo:" + ":".join(str(part) for part in key)
    lock = name + ":lock"
    try:
        value = cache.get(name)
        if value is not None:
            return value
        owner = cache.add(lock, os.getpid(), timeout=int(SHARED_WAIT * 2))
        deadline = time.monotonic() + SHARED_WAIT
        while not owner and time.monotonic() < deadline:
            time.sleep(0.05)
            value = cache.get(name)
            if value is not None:
                return value
            owner = cache.add(lock, os.getpid(), timeout=int(SHARED_WAIT * 2))  # the other one gave up
    except Exception:  # noqa: BLE001 - a cache outage costs a computation, not the page
        logger.warning("shared scorecard cache unavailable; computing %s here", key[:2], exc_info=True)
        return compute()
    try:
        value = compute()
        try:
            cache.set(name, value, SHARED_TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("could not share the scorecards of %s", key[:2], exc_info=True)
    finally:
        if owner:
            with contextlib.suppress(Exception):
                cache.delete(lock)
    return value


def forget_memo() -> None:
    """Forget every kept result, in this process and in the shared cache (a new data-version token)."""
    with _memo_lock:
        _memo.clear()
    versions.renew()


# ------------------------------------------------------------------------------------ inputs
def unit_rows() -> dict[int, UnitRow]:
    """Every unit (inactive ones too: their facts still roll up into their parents)."""

    def fetch():
        rows = Unit.objects.order_by("path").values_list("id", "code", "name", "kind", "path", "parent_id", "active")
        return {r[0]: UnitRow(*r) for r in rows}

    return dict(_memoised(("units",), fetch))


def scorecard_model_for_year(*, year: int) -> ScorecardModel | None:
    """The model of `year`, else the latest earlier one, else the earliest one (two queries)."""
    qs = ScorecardModel.objects.prefetch_related("criteria")
    return qs.filter(year__lte=year).order_by("-year").first() or qs.order_by("year").first()


def scorecard_model_list():
    return ScorecardModel.objects.prefetch_related("criteria").order_by("-year")


def scorecard_model_get(*, year: int) -> ScorecardModel:
    model = ScorecardModel.objects.prefetch_related("criteria").filter(year=year).first()
    if model is None:
        raise Http404
    return model


def period_facts(period: Period) -> tuple[dict, dict]:
    """The two fact sources of the contract, for the period (constant queries each)."""
    from inspections.selectors import unit_inspection_facts
    from training.selectors import unit_capability_facts

    return (
        unit_capability_facts(start=period.start, end=period.end),
        unit_inspection_facts(start=period.start, end=period.end),
    )


def publication_list():
    return PublishedPeriod.objects.select_related("published_by", "scorecard_model").order_by("-start")


def publication_get(*, user, period: str) -> PublishedPeriod:
    publication = (
        PublishedPeriod.objects.visible_to(user)
        .select_related("published_by", "scorecard_model")
        .filter(period=period)
        .first()
    )
    if publication is None:
        raise Http404
    return publication


def publication_snapshots(*, user, publication: PublishedPeriod):
    """The frozen scorecards of the units the user may see, best first (one query per page)."""
    return (
        ScorecardSnapshot.objects.visible_to(user)
        .filter(publication=publication)
        .select_related("unit")
        .order_by(F("total").desc(nulls_last=True), "unit__path")
    )


def publish_run_list(*, user, limit: int = 10):
    return PublishRun.objects.visible_to(user).select_related("requested_by", "publication")[:limit]


def publish_run_get(*, user, pk: int) -> PublishRun:
    run = (
        PublishRun.objects.visible_to(user)
        .select_related("publication")
        .annotate(snapshot_count=Count("publication__snapshots"))
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404
    if run.publication is not None:
        run.publication.snapshot_count = run.snapshot_count
    return run


# ------------------------------------------------------------------------------------ output
@dataclass
class ScoreTable:
    """All scorecards of the province for one period. `shown` holds the published (frozen) figures
    when the period is published, else the live ones; `live` always holds today's computation."""

    period: Period
    model: ScorecardModel | None
    spec: engine.ModelSpec
    units: dict[int, UnitRow]
    live: dict[int, UnitScore]
    publication: PublishedPeriod | None = None
    frozen: dict[int, UnitScore] = field(default_factory=dict)
    # Live results already computed for other periods (the previous one), reused by the trend.
    computed: dict[str, dict[int, UnitScore]] = field(default_factory=dict)

    @property
    def shown(self) -> dict[int, UnitScore]:
        return self.frozen if self.publication is not None else self.live

    def score(self, unit_id: int) -> UnitScore:
        try:
            return self.shown[unit_id]
        except KeyError:
            raise Http404 from None

    def children(self, unit_id: int) -> list[UnitScore]:
        kids = [s for s in self.shown.values() if s.unit.parent_id == unit_id]
        return sorted(kids, key=_by_score)

    def peers(self, unit_id: int) -> list[UnitScore]:
        kind = self.score(unit_id).unit.kind
        return sorted((s for s in self.shown.values() if s.unit.kind == kind and s.total is not None), key=_by_score)

    def rows(self, unit_ids=None, kind: str | None = None) -> list[UnitScore]:
        rows = [
            s
            for s in self.shown.values()
            if (unit_ids is None or s.unit_id in unit_ids) and (not kind or s.unit.kind == kind)
        ]
        return sorted(rows, key=_by_score)

    def differences(self, unit_id: int) -> list[dict]:
        """Published figure vs what the records give today (empty when unpublished or unchanged)."""
        if self.publication is None or unit_id not in self.frozen or unit_id not in self.live:
            return []
        return score_differences(self.frozen[unit_id], self.live[unit_id])


def _by_score(s: UnitScore):
    return (s.total is None, -(round(s.total, 2) if s.total is not None else 0), s.unit.path)


def score_differences(published: UnitScore, live: UnitScore) -> list[dict]:
    from django.utils.translation import gettext as _

    out = []

    def compare(label, before, now):
        b = None if before is None else round(before, 2)
        n = None if now is None else round(now, 2)
        if b != n:
            out.append(
                {
                    "label": label,
                    "published": b,
                    "now": n,
                    "change": None if b is None or n is None else round(n - b, 2),
                }
            )

    compare(_("Total score"), published.total, live.total)
    compare(_("Capability"), published.capability, live.capability)
    compare(_("Service culture and discipline"), published.service_culture, live.service_culture)
    live_by_key = {c.key: c for c in live.criteria}
    for c in published.criteria:
        now = live_by_key.get(c.key)
        compare(c.label, c.value, now.value if now else None)
    return out


def _unit_score_from_snapshot(unit: UnitRow, row: dict) -> UnitScore:
    criteria = [CriterionResult(**c) for c in row["criteria"]]
    return UnitScore(
        unit=unit,
        headcount=row["headcount"],
        criteria=criteria,
        total=row["total"],
        capability=row["capability"],
        service_culture=row["service_culture"],
        band=row["band"],
        rank=row["rank"],
        rank_of=row["rank_of"],
    )


SNAPSHOT_FIELDS = (
    "unit_id",
    "headcount",
    "total",
    "capability",
    "service_culture",
    "band",
    "rank",
    "rank_of",
    "criteria",
)


def compute_live(
    *, period: Period, units: dict[int, UnitRow], shared: bool = False
) -> tuple[ScorecardModel | None, engine.ModelSpec, dict[int, UnitScore]]:
    """Every unit's scorecard for `period` from the records as they are now; `units` is `unit_rows()`.
    Kept until the data changes (`_memoised`); each caller gets its own copy of the unit scores (the
    change since the previous period is set on them afterwards), except with `shared=True`: the kept
    scores themselves, for a caller that only reads them."""

    def compute():
        model = scorecard_model_for_year(year=period.year)
        spec = model.spec() if model is not None else defaults.spec(period.year)
        capability, inspection = period_facts(period)
        scores = engine.compute(model=spec, units=units.values(), capability=capability, inspection=inspection)
        return model, spec, scores

    model, spec, scores = _memoised(("live", period.key), compute)
    if shared:
        return model, spec, scores
    return model, spec, {unit_id: _copy(s) for unit_id, s in scores.items()}


def _copy(score: UnitScore) -> UnitScore:
    """A shallow copy (criteria shared, read only): copy.copy took 10 µs per unit, this 1."""
    clone = UnitScore.__new__(UnitScore)
    clone.__dict__.update(score.__dict__)
    return clone


def score_table(*, period: Period, frozen: bool = True, with_previous: bool = True) -> ScoreTable:
    """The province's scorecards for `period`, with the change since the previous period.
    Queries: units 1, model 2, facts (constant per source), publication 1, snapshots 1, and for the
    previous period either 2 (published) or the same again (live); never per unit."""
    units = unit_rows()
    model, spec, live = compute_live(period=period, units=units)
    table = ScoreTable(period=period, model=model, spec=spec, units=units, live=live, computed={period.key: live})
    if frozen:
        table.publication = PublishedPeriod.objects.filter(period=period.key).first()
        if table.publication is not None:
            for row in ScorecardSnapshot.objects.filter(publication=table.publication).values(*SNAPSHOT_FIELDS):
                if row["unit_id"] in units:
                    table.frozen[row["unit_id"]] = _unit_score_from_snapshot(units[row["unit_id"]], row)
    if with_previous:
        engine.set_changes(table.shown, previous_totals(period=period.previous(), units=units, computed=table.computed))
    return table


def previous_totals(
    *, period: Period, units: dict[int, UnitRow], computed: dict | None = None
) -> dict[int, float | None]:
    publication = PublishedPeriod.objects.filter(period=period.key).first()
    if publication is not None:
        # Kept like a live computation (snapshots are watched data): 1,500 rows a table request otherwise.
        return _memoised(
            ("published-totals", publication.pk),
            lambda: dict(ScorecardSnapshot.objects.filter(publication=publication).values_list("unit_id", "total")),
        )
    # Read only (the totals here, a unit's figures in unit_trend): the kept scores, not 1,500 copies a request.
    _model, _spec, live = compute_live(period=period, units=units, shared=True)
    if computed is not None:
        computed[period.key] = live
    return {unit_id: s.total for unit_id, s in live.items()}


def unit_trend(*, unit_id: int, period: Period, table: ScoreTable | None = None) -> list[dict]:
    """Total and pillars of one unit over the recent periods of the same kind, oldest first: from the
    snapshot where published, else live. Constant queries (one per unpublished period)."""
    periods = period.recent(TREND_LENGTH[period.kind])
    keys = [p.key for p in periods]
    snapshots = {
        row["publication__period"]: row
        for row in ScorecardSnapshot.objects.filter(publication__period__in=keys, unit_id=unit_id).values(
            "publication__period", "total", "capability", "service_culture", "band"
        )
    }
    published = set(PublishedPeriod.objects.filter(period__in=keys).values_list("period", flat=True))
    units = table.units if table is not None else None
    out = []
    for p in periods:
        if p.key in published:
            row = snapshots.get(p.key) or {}
            out.append(
                {
                    "period": p,
                    "total": row.get("total"),
                    "capability": row.get("capability"),
                    "service_culture": row.get("service_culture"),
                    "published": True,
                }
            )
            continue
        if table is not None and p.key in table.computed:
            s = table.computed[p.key].get(unit_id)
        else:
            units = units or unit_rows()
            s = compute_live(period=p, units=units, shared=True)[2].get(unit_id)
        out.append(
            {
                "period": p,
                "total": _round(s.total if s else None),
                "capability": _round(s.capability if s else None),
                "service_culture": _round(s.service_culture if s else None),
                "published": False,
            }
        )
    return out


def _round(value):
    return None if value is None else round(value, 2)


# ------------------------------------------------------------------------------------- scope
def visible_unit_ids(*, user) -> set[int]:
    return set(Unit.objects.filter(unit_scope_q(user, Perm.SCORECARD_VIEW)).values_list("id", flat=True))


def home_unit(*, user) -> Unit | None:
    """The highest unit the user may see a scorecard of (the province for an administrator)."""
    return Unit.objects.filter(unit_scope_q(user, Perm.SCORECARD_VIEW), active=True).order_by("depth", "path").first()


def unit_get(*, user, pk: int) -> Unit:
    unit = Unit.objects.filter(unit_scope_q(user, Perm.SCORECARD_VIEW), active=True, pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def latest_snapshot(*, user, unit: Unit) -> ScorecardSnapshot | None:
    return (
        ScorecardSnapshot.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("publication")
        .order_by("-publication__end")
        .first()
    )


# ------------------------------------------------------------------------------------ history
def criteria_history(*, model: ScorecardModel, limit: int = 50) -> list:
    """The change history of a model's criteria (created, changed, removed), newest first, each entry
    titled with the criterion's key. The model's own fields have the audit section."""
    from audit.selectors import history_entries
    from scorecards.models import Criterion

    return history_entries(
        Criterion.history.filter(scorecard_model_id=model.pk), limit=limit, title=lambda row: row.key
    )
