"""What a user may see of the scorecards: the scope is applied here, once, for the screens, the API,
the Excel export and the charts alike (`visible_units`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language

from core.permissions import Perm
from scorecards import charts
from scorecards.engine import UnitScore
from scorecards.models import ScorecardSnapshot
from scorecards.periods import Period
from scorecards.selectors.tables import (
    ScoreTable,
    cached,
    computed_now,
    for_display,
    score_table,
    set_subtree_changes,
    unit_trend,
)
from staff.access import ancestor_paths
from staff.models import Unit


def visible_units(*, user) -> QuerySet[Unit]:
    """The units whose scorecards the user may see."""
    return Unit.objects.visible_to(user, Perm.SCORECARD_VIEW)


def home_unit(*, user) -> Unit | None:
    """The highest unit the user may see a scorecard of (the province for an administrator)."""
    return visible_units(user=user).filter(active=True).order_by("depth", "path").first()


def unit_get(*, user, pk: int) -> Unit:
    unit = visible_units(user=user).filter(active=True, pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@dataclass
class UnitScorecard:
    """One unit's scorecard as the user may see it: sub-units, ancestors, peers' names and the
    export's subtree are limited to `visible` (the ids of `visible_units`)."""

    unit: Unit
    period: Period
    table: ScoreTable
    score: UnitScore
    visible: frozenset[int]
    trend: list[dict] | None = None
    charts: dict[str, dict] = field(default_factory=dict)
    # None: computed from the records as they are now; else when the live figures shown were computed
    # (records changed since; the worker is recomputing them).
    as_of: dt.datetime | None = None

    @property
    def is_published(self) -> bool:
        return self.table.publication is not None

    @property
    def live(self) -> UnitScore | None:
        return self.table.live.get(self.unit.pk)

    @property
    def differences(self) -> list[dict]:
        return self.table.differences(self.unit.pk)

    @property
    def children(self) -> list[UnitScore]:
        return [s for s in self.table.children(self.unit.pk) if s.unit_id in self.visible]

    @property
    def ancestors(self) -> list:
        """The units above this one that the user may see, from the top (UnitRow)."""
        by_path = {u.path: u for u in self.table.units.values()}
        paths = ancestor_paths(self.unit.path)[:-1]
        return [by_path[p] for p in paths if p in by_path and by_path[p].id in self.visible]

    @property
    def subtree(self) -> list[UnitScore]:
        """This unit and every unit below it that the user may see, in tree order."""
        return sorted(
            (
                s
                for s in self.table.shown.values()
                if s.unit.path.startswith(self.unit.path) and s.unit_id in self.visible
            ),
            key=lambda s: s.unit.path,
        )


def unit_scorecard(
    *, user, pk: int, period: Period, trend: bool = True, previous: bool = True, current: bool = False
) -> UnitScorecard:
    """The scorecard of unit `pk` for `period` (404 outside the user's scope), with its chart data
    (the trend's only when `trend`; the change since the previous period only when `previous`). A screen
    may be shown the province's kept computation while a newer one is made (`as_of` says when it was made);
    `current`: never (documents such as the Excel export)."""
    unit = unit_get(user=user, pk=pk)
    visible = frozenset(visible_units(user=user).values_list("id", flat=True))
    with computed_now() if current else for_display() as freshness:
        # The period's table (the ranks are among all units of the same kind); the previous period only for
        # the units this page shows (the unit and those below it).
        table = score_table(period=period, with_previous=False)
        if previous:
            set_subtree_changes(table, unit.pk)
        score = table.score(unit.pk)
        card = UnitScorecard(unit=unit, period=period, table=table, score=score, visible=visible)
        card.charts["criteria"] = charts.criteria_data(score)
        card.charts["peers"] = charts.peers_data(table.peers(unit.pk), unit.pk, visible)
        if trend:
            card.trend = unit_trend(unit_id=unit.pk, period=period, table=table)
            card.charts["trend"] = charts.trend_data(card.trend)
            # The page's images draw exactly these figures: kept for the chart requests that follow the
            # page, which then neither recompute the scorecard nor show other figures than the page.
            for name, data in card.charts.items():
                cache.set(_chart_data_key(name, unit.pk, period, _scope(name, visible)), data, CHART_DATA_TIMEOUT)
    card.as_of = freshness.as_of
    return card


CHART_DATA_TIMEOUT = 600  # seconds


def _scope(name: str, ids) -> str:
    """The peers chart names only the units in the viewer's scope: its data is kept per scope."""
    if name != "peers":
        return ""
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:32]


def _chart_data_key(name: str, pk: int, period: Period, scope: str) -> str:
    return f"scorecards:chart-data:{name}:{pk}:{period.key}:{get_language()}:{scope}"


def unit_chart(*, user, pk: int, period: Period, name: str, fmt: str) -> bytes:
    """A chart of unit `pk`'s scorecard as an image (404 outside the user's scope). Kept in the cache
    under the data version, the language and, for the peers chart (which names only the units in scope),
    the user's scope; the scorecard is computed only when the image is not there."""
    unit_get(user=user, pk=pk)
    scope = _scope(name, visible_units(user=user).values_list("id", flat=True)) if name == "peers" else ""
    shown = cache.get(_chart_data_key(name, pk, period, scope))
    if shown is not None:  # the figures of the page just shown
        return charts.chart_bytes(name, shown, fmt)

    def draw() -> bytes:
        card = unit_scorecard(user=user, pk=pk, period=period, trend=name == "trend", previous=False)
        return charts.chart_bytes(name, card.charts[name], fmt)

    with for_display():  # an image drawn from a kept computation being refreshed is not kept
        return cached(f"chart:{name}:{fmt}:{pk}:{period.key}:{get_language()}:{scope}", draw)


def province_rows(*, user, period: Period, kind: str = "") -> tuple[ScoreTable, list[UnitScore], dt.datetime | None]:
    """Every unit in the user's scope for `period` (of `kind` when given), best first; and when the live
    figures shown were computed, if the records changed since (None: they are current)."""
    with for_display() as freshness:
        table = score_table(period=period)
    visible = set(visible_units(user=user).values_list("id", flat=True))
    return table, table.rows(visible, kind=kind), freshness.as_of


def latest_snapshot(*, user, unit: Unit) -> ScorecardSnapshot | None:
    return (
        ScorecardSnapshot.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("publication")
        .order_by("-publication__end")
        .first()
    )
