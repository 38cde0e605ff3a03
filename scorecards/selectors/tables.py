"""The province's scorecards for a period. The whole province is computed at once with a constant number
of queries (units, model, one GROUP BY per fact source, publication, snapshots), then merged in Python by
`scorecards.engine`. Callers keep what the user may see (`scorecards.selectors.scorecard`).

Live results are kept in Django's cache with the data-version token (core.versions) they were computed
under: reused while the data is unchanged, and recomputed after a committed write at most once every
SCORECARD_LIVE_MAX_AGE seconds. A province computation takes seconds; with writes arriving all day,
recomputing it after each one would keep the server busy with nothing else.

Screens (`for_display`) go further when the cache is shared with the worker
(SCORECARD_REFRESH_IN_BACKGROUND): after a write, the province's kept computation of a period is shown,
labelled with the time it was made, while the worker recomputes it (`refresh_live_scorecards`), so that no
request waits for a province computation. Publishing, self-assessments and the Excel export compute
(`computed_now`): they never read a kept computation older than the records."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from core import versions
from inspections.models import Inspection, InspectionStatus, TemplateKind
from inspections.selectors import unit_inspection_facts
from scorecards import defaults, engine, kinds
from scorecards.engine import CriterionResult, UnitRow, UnitScore
from scorecards.models import PublishedPeriod, ScorecardModel, ScorecardSnapshot
from scorecards.periods import MONTH, QUARTER, Period
from staff.access import subtree_bounds
from staff.models import Unit
from training.selectors import unit_capability_facts

TREND_LENGTH = {"year": 3, QUARTER: 4, MONTH: 6}
CACHE_TIMEOUT = 6 * 3600  # seconds; a new data-version token abandons a result sooner
# A province computation (`refresh`) is kept longer: the next morning's first screen shows it, labelled,
# while the worker computes the day's (about 4 MB a period at province scale).
KEEP_OVERNIGHT = 30 * 3600


REFRESH_LOCK = 300  # seconds: one background refresh of a period queued at a time (expires if lost)


@dataclass
class Freshness:
    """How current what a screen was served is: `computed_at` is None when every figure was computed from
    the records as they are now, else the time of the oldest kept computation served (the records changed
    after it, and a newer computation is being made)."""

    computed_at: float | None = None
    stale_reads: int = 0

    def note(self, computed_at: float) -> None:
        self.stale_reads += 1
        self.computed_at = computed_at if self.computed_at is None else min(self.computed_at, computed_at)

    @property
    def as_of(self) -> dt.datetime | None:
        if self.computed_at is None:
            return None
        return timezone.localtime(dt.datetime.fromtimestamp(self.computed_at, tz=dt.UTC))


_display: ContextVar[Freshness | None] = ContextVar("scorecards_display", default=None)
_refreshing: ContextVar[bool] = ContextVar("scorecards_refreshing", default=False)


@contextmanager
def for_display() -> Iterator[Freshness]:
    """Inside: a screen's reads, which may be served the province's kept computation of a period while the
    worker makes a newer one (see the module's docstring). The Freshness says what was served."""
    current = _display.get()
    if current is not None:
        yield current
        return
    freshness = Freshness()
    reset = _display.set(freshness)
    try:
        yield freshness
    finally:
        _display.reset(reset)


@contextmanager
def computed_now() -> Iterator[Freshness]:
    """Inside: whatever is not current is computed, whatever its age: never a kept computation older than
    the records (the worker's refresh, publishing, a unit's self-assessment, the Excel export). The
    Freshness yielded stays empty."""
    reset = _refreshing.set(True)
    try:
        yield Freshness()
    finally:
        _refreshing.reset(reset)


def refresh_flag(period_key: str) -> str:
    return f"scorecards:refresh-queued:{period_key}"


def _background(period_key: str) -> bool:
    """Whether a screen may be served a kept computation of the period while the worker recomputes it: with
    SCORECARD_REFRESH_IN_BACKGROUND, unless a refresh queued more than SCORECARD_STALE_LIMIT seconds ago has
    still not run (the worker is taken to be down, and the request computes)."""
    if not settings.SCORECARD_REFRESH_IN_BACKGROUND:
        return False
    due = cache.get(refresh_flag(period_key))
    return due is None or time.time() - due < settings.SCORECARD_STALE_LIMIT


def _queue_refresh(period_key: str, not_before: float) -> None:
    """Queue the worker's refresh of a period, once (until it has run), to run no earlier than
    `not_before` (the previous computation + SCORECARD_LIVE_MAX_AGE: a period is recomputed at most that
    often while writes keep coming). The flag holds when it is due."""
    due = max(time.time(), not_before)
    if not cache.add(refresh_flag(period_key), due, REFRESH_LOCK + int(due - time.time())):
        return  # already queued

    def send() -> None:
        task = refresh_live_scorecards.using(queue_name=settings.JOBS_QUEUE)
        if due > time.time() and task.get_backend().supports_defer:
            task = task.using(run_after=dt.datetime.fromtimestamp(due, tz=dt.UTC))
        task.enqueue(period_key)

    transaction.on_commit(send)


@task()
def refresh_live_scorecards(period_key: str) -> dict:
    """The worker's side: recompute the province's live scorecards of a period (and the figures the change
    and the trend read) under the data version now, so that screens show the records as they are."""
    started = time.monotonic()
    try:
        period = Period.parse(period_key)
        with computed_now():
            units = unit_rows()
            compute_live(period=period, units=units)
            period_summary(period=period, units=units)
    finally:
        cache.delete(refresh_flag(period_key))
    return {"period": period_key, "seconds": round(time.monotonic() - started, 3)}


def cached(name: str, compute: Callable[[], object], refresh: str | None = None):
    """`compute()`, kept in the default cache per day (hours held "so far" depend on it) with the data-version
    token it was computed under. Served again while the token is unchanged, or while it is younger than
    SCORECARD_LIVE_MAX_AGE seconds; older and stale, one request recomputes it while the others are served
    the kept result. A screen (`for_display`) is served the kept result of a province computation
    (`refresh`: its period's key; the day before's on a day's first read) and the worker recomputes it
    (`_background`). Inside a transaction that
    wrote watched data it has not committed, the result is private to that transaction: computed, not
    cached; so is a result computed from a kept one that was stale."""
    token = versions.memo_key(connection)
    if token is None:
        return compute()
    today = timezone.localdate()
    key = f"scorecards:{name}:{today.isoformat()}"
    display = _display.get()
    kept = cache.get(key)
    if kept is None and refresh is not None and display is not None and _background(refresh):
        # The day's first screen: yesterday's computation (stale whatever its token) while the worker computes.
        yesterday = cache.get(f"scorecards:{name}:{(today - dt.timedelta(days=1)).isoformat()}")
        kept = None if yesterday is None else (None, *yesterday[1:])
    locked = False
    if kept is not None:
        kept_token, computed_at, value = kept
        if kept_token == token:
            return value
        if _refreshing.get():
            pass  # computed_now(): compute
        elif refresh is not None and display is not None and _background(refresh):
            display.note(computed_at)
            _queue_refresh(refresh, not_before=computed_at + settings.SCORECARD_LIVE_MAX_AGE)
            return value
        elif time.time() - computed_at < settings.SCORECARD_LIVE_MAX_AGE:
            if display is not None:
                display.note(computed_at)
            return value
        elif not cache.add(f"{key}:computing", True, settings.SCORECARD_LIVE_MAX_AGE or 60):
            if display is not None:
                display.note(computed_at)
            return value  # another request is computing it
        else:
            locked = True
    stale_before = display.stale_reads if display is not None else 0
    try:
        started = time.time()
        value = compute()
        if display is None or display.stale_reads == stale_before:
            cache.set(key, (token, started, value), KEEP_OVERNIGHT if refresh is not None else CACHE_TIMEOUT)
    finally:
        if locked:
            cache.delete(f"{key}:computing")
    return value


# ------------------------------------------------------------------------------------ inputs
def unit_rows() -> dict[int, UnitRow]:
    """Every unit (inactive ones too: their facts still roll up into their parents)."""

    def fetch():
        rows = Unit.objects.order_by("path").values_list("id", "code", "name", "kind", "path", "parent_id", "active")
        return {r[0]: UnitRow(*r) for r in rows}

    return cached("units", fetch)


def scorecard_model_for_year(*, year: int) -> ScorecardModel | None:
    """The model of `year`, else the latest earlier one, else the earliest one (two queries)."""
    qs = ScorecardModel.objects.prefetch_related("criteria")
    return qs.filter(year__lte=year).order_by("-year").first() or qs.order_by("year").first()


def period_facts(period: Period, within: str | None = None) -> tuple[dict, dict]:
    """The two fact sources of the contract, for the period (constant queries each). The inspection facts
    gain how many inspections each mean is over (`<kind>_count`, `<kind>_self_count`: one more query), so
    a checklist score can say which records it comes from. `within` (a unit path): that subtree only."""
    inspection = unit_inspection_facts(start=period.start, end=period.end, within=within)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    in_subtree = Q()
    if within is not None:
        low, high = subtree_bounds(within)
        in_subtree = Q(unit__path__gte=low, unit__path__lt=high)
    rows = (
        Inspection.objects.filter(
            in_subtree,
            status=InspectionStatus.APPROVED,
            inspected_on__gte=period.start,
            inspected_on__lte=period.end,
            kind__in=[TemplateKind.SERVICE_CULTURE, TemplateKind.DISCIPLINE],
            total_percent__isnull=False,
        )
        .values("unit_id", "kind", "is_self")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        prefix = "service_culture" if row["kind"] == TemplateKind.SERVICE_CULTURE else "discipline"
        counts[row["unit_id"]][f"{prefix}_self_count" if row["is_self"] else f"{prefix}_count"] = row["n"]
    names = ("service_culture_count", "service_culture_self_count", "discipline_count", "discipline_self_count")
    inspection = {
        unit_id: SimpleNamespace(**asdict(facts), **{n: counts.get(unit_id, {}).get(n, 0) for n in names})
        for unit_id, facts in inspection.items()
    }
    return unit_capability_facts(start=period.start, end=period.end, within=within), inspection


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
    # Live figures (see period_summary) already read for other periods (the previous one), for the trend.
    summaries: dict[str, dict[int, Figures]] = field(default_factory=dict)

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


Figures = tuple[float | None, float | None, float | None]  # total, capability, service culture


def compute_live(
    *, period: Period, units: dict[int, UnitRow]
) -> tuple[ScorecardModel | None, engine.ModelSpec, dict[int, UnitScore]]:
    """Every unit's scorecard for `period` from the records as they are now; `units` is `unit_rows()`.
    Each call returns its own objects (read back from the cache), so a caller may set the change since
    the previous period on them."""

    def compute():
        model = scorecard_model_for_year(year=period.year)
        spec = model.spec() if model is not None else defaults.spec(period.year)
        capability, inspection = period_facts(period)
        extra = kinds.extra_facts(period=period, spec=spec, capability=capability)
        scores = engine.compute(
            model=spec, units=units.values(), capability=capability, inspection=inspection, extra=extra
        )
        kinds.apply_appraisals(spec=spec, period=period, scores=scores)
        return model, spec, scores

    return cached(f"live:{period.key}", compute, refresh=period.key)


def period_summary(*, period: Period, units: dict[int, UnitRow]) -> dict[int, Figures]:
    """Every unit's live total and pillars for `period`: what the change since the previous period and the
    trend read, kept apart from the full scorecards so that reading it back from the cache stays small."""

    def compute():
        live = compute_live(period=period, units=units)[2]
        return {unit_id: (s.total, s.capability, s.service_culture) for unit_id, s in live.items()}

    return cached(f"summary:{period.key}", compute, refresh=period.key)


def score_table(*, period: Period, frozen: bool = True, with_previous: bool = True) -> ScoreTable:
    """The province's scorecards for `period`, with the change since the previous period.
    Queries: units 1, model 2, facts (constant per source), publication 1, snapshots 1, and for the
    previous period either 2 (published) or the same again (live); never per unit."""
    units = unit_rows()
    model, spec, live = compute_live(period=period, units=units)
    table = ScoreTable(period=period, model=model, spec=spec, units=units, live=live)
    if frozen:
        table.publication = PublishedPeriod.objects.filter(period=period.key).first()
        if table.publication is not None:
            for row in ScorecardSnapshot.objects.filter(publication=table.publication).values(*SNAPSHOT_FIELDS):
                if row["unit_id"] in units:
                    table.frozen[row["unit_id"]] = _unit_score_from_snapshot(units[row["unit_id"]], row)
    if with_previous:
        engine.set_changes(
            table.shown, previous_totals(period=period.previous(), units=units, summaries=table.summaries)
        )
    return table


def published_totals(publication: PublishedPeriod) -> dict[int, float | None]:
    return cached(
        f"published-totals:{publication.pk}",
        lambda: dict(ScorecardSnapshot.objects.filter(publication=publication).values_list("unit_id", "total")),
    )


def set_subtree_changes(table: ScoreTable, unit_id: int) -> None:
    """The change since the previous period of unit `unit_id` and the units below it (what its page shows),
    the previous period computed over that subtree only when it is not published (`table` read without
    `with_previous`)."""
    unit = table.units.get(unit_id)
    if unit is None:
        return
    previous = table.period.previous()
    subtree = {uid: s for uid, s in table.shown.items() if s.unit.path.startswith(unit.path)}
    publication = PublishedPeriod.objects.filter(period=previous.key).first()
    if publication is not None:
        totals = published_totals(publication)
    else:
        figures = subtree_figures(period=previous, unit_id=unit_id, units=table.units)
        table.summaries[previous.key] = figures
        totals = {uid: f[0] for uid, f in figures.items()}
    engine.set_changes(subtree, totals)


def previous_totals(
    *, period: Period, units: dict[int, UnitRow], summaries: dict | None = None
) -> dict[int, float | None]:
    publication = PublishedPeriod.objects.filter(period=period.key).first()
    if publication is not None:
        return published_totals(publication)
    summary = period_summary(period=period, units=units)
    if summaries is not None:
        summaries[period.key] = summary
    return {unit_id: figures[0] for unit_id, figures in summary.items()}


def subtree_figures(*, period: Period, unit_id: int, units: dict[int, UnitRow]) -> dict[int, Figures]:
    """The live total and pillars of unit `unit_id` and every unit below it for `period`, computed over that
    subtree only, the same way as `compute_live` (facts, indicators and other kinds, appraisals): what one
    unit's page shows of a period other than its own (the change since the previous period of the unit
    and its sub-units, the trend's line) without computing the rest of the province."""
    unit = units.get(unit_id)
    if unit is None:
        return {}
    if all(u.path.startswith(unit.path) for u in units.values()):
        return period_summary(period=period, units=units)  # the subtree is the province

    def compute():
        model = scorecard_model_for_year(year=period.year)
        spec = model.spec() if model is not None else defaults.spec(period.year)
        capability, inspection = period_facts(period, within=unit.path)
        extra = kinds.extra_facts(period=period, spec=spec, capability=capability)
        subtree = [u for u in units.values() if u.path.startswith(unit.path)]
        scores = engine.compute(model=spec, units=subtree, capability=capability, inspection=inspection, extra=extra)
        kinds.apply_appraisals(spec=spec, period=period, scores=scores)
        return {uid: (s.total, s.capability, s.service_culture) for uid, s in scores.items()}

    return cached(f"subtree:{period.key}:{unit_id}", compute)


def unit_line(*, period: Period, unit_id: int, units: dict[int, UnitRow]) -> Figures:
    """One unit's live total and pillars for `period`, computed over its subtree only (the trend draws one
    unit's line: the rest of the province is not needed)."""
    return subtree_figures(period=period, unit_id=unit_id, units=units).get(unit_id, (None, None, None))


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
        if table is not None and p.key == table.period.key:
            s = table.live.get(unit_id)
            figures = (s.total, s.capability, s.service_culture) if s else (None, None, None)
        elif table is not None and p.key in table.summaries:
            figures = table.summaries[p.key].get(unit_id, (None, None, None))
        else:
            units = units or unit_rows()
            figures = unit_line(period=p, unit_id=unit_id, units=units)
        total, capability, service_culture = figures
        out.append(
            {
                "period": p,
                "total": _round(total),
                "capability": _round(capability),
                "service_culture": _round(service_culture),
                "published": False,
            }
        )
    return out


def _round(value):
    return None if value is None else round(value, 2)
