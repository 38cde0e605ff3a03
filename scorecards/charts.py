"""The three scorecard charts. Each has a data function (plain rows, also shown as the table beside
the chart and cached by) and a figure function (matplotlib Figure on Agg, never pyplot)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.charts import PALETTE, cached_chart, new_figure
from scorecards.engine import UnitScore

CHARTS = ("criteria", "trend", "peers")
FORMATS = ("png", "svg")
PEERS_SHOWN = 30


# ------------------------------------------------------------------------------------- data
def criteria_data(score: UnitScore) -> dict:
    return {
        "title": _("Criteria against targets (%)"),
        "lang": get_language(),
        "columns": [_("Criterion"), _("Value"), _("Target")],
        "rows": [[c.label, None if c.value is None else round(c.value, 2), round(c.target, 2)] for c in score.criteria],
    }


def trend_data(trend: list[dict]) -> dict:
    return {
        "title": _("Trend over periods"),
        "lang": get_language(),
        "columns": [_("Period"), _("Total"), _("Capability"), _("Service culture and discipline"), _("Published")],
        "rows": [[t["period"].key, t["total"], t["capability"], t["service_culture"], t["published"]] for t in trend],
    }


def peers_data(peers: list[UnitScore], unit_id: int, visible: set[int]) -> dict:
    """Units of the same kind by score. Units outside the viewer's scope keep their bar but not their
    name. Long lists keep the top, the bottom and the unit itself."""
    rows = []
    for s in peers:
        name = s.unit.name if s.unit_id in visible else _("Other unit")
        rows.append([s.rank, name, round(s.total, 2), s.unit_id == unit_id])
    if len(rows) > PEERS_SHOWN:
        keep = set(range(10)) | set(range(len(rows) - 10, len(rows)))
        keep |= {i for i, r in enumerate(rows) if r[3]}
        rows = [r for i, r in enumerate(rows) if i in keep]
    return {
        "title": _("Position among units of the same kind"),
        "lang": get_language(),
        "columns": [_("Ranking"), _("Unit"), _("Total"), _("This unit")],
        "rows": rows,
        "count": len(peers),
    }


# ----------------------------------------------------------------------------------- figures
def _criteria_figure(data: dict):
    rows = data["rows"]
    fig = new_figure(7.5, 0.45 * len(rows) + 1.2)
    ax = fig.add_subplot()
    labels = [_short(r[0]) for r in rows][::-1]
    values = [r[1] or 0 for r in rows][::-1]
    targets = [r[2] for r in rows][::-1]
    y = range(len(rows))
    colors = [PALETTE["blue"] if r[1] is not None else PALETTE["light"] for r in rows][::-1]
    ax.barh(list(y), values, color=colors, height=0.6, label=data["columns"][1])
    ax.scatter(targets, list(y), marker="|", s=300, color=PALETTE["bad"], zorder=3, label=data["columns"][2])
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_title(data["title"], fontsize=10)
    ax.legend(loc="lower right", fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    fig.subplots_adjust(left=0.42, right=0.97, top=1 - 0.45 / fig.get_figheight(), bottom=0.45 / fig.get_figheight())
    return fig


def _trend_figure(data: dict):
    fig = new_figure(7.0, 3.2)
    ax = fig.add_subplot()
    x = [r[0] for r in data["rows"]]
    for index, color in ((1, PALETTE["blue"]), (2, PALETTE["ok"]), (3, PALETTE["warn"])):
        ys = [r[index] for r in data["rows"]]
        ax.plot(
            x,
            [v if v is not None else float("nan") for v in ys],
            marker="o",
            color=color,
            label=data["columns"][index],
            linewidth=2 if index == 1 else 1,
        )
    ax.set_ylim(0, 105)
    ax.set_title(data["title"], fontsize=10)
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3)
    fig.subplots_adjust(left=0.08, right=0.97, top=0.9, bottom=0.12)
    return fig


def _peers_figure(data: dict):
    rows = data["rows"]
    fig = new_figure(7.5, max(2.4, 0.3 * len(rows) + 1.0))
    ax = fig.add_subplot()
    labels = [f"{r[0]}. {_short(r[1], 40)}" for r in rows][::-1]
    values = [r[2] for r in rows][::-1]
    colors = [PALETTE["bad"] if r[3] else PALETTE["blue2"] for r in rows][::-1]
    ax.barh(range(len(rows)), values, color=colors, height=0.6)
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.set_xlim(0, 105)
    ax.set_title(data["title"], fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.subplots_adjust(left=0.45, right=0.97, top=1 - 0.4 / fig.get_figheight(), bottom=0.4 / fig.get_figheight())
    return fig


FIGURES = {"criteria": _criteria_figure, "trend": _trend_figure, "peers": _peers_figure}


def _short(text: str, length: int = 45) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def chart_bytes(name: str, data: dict, fmt: str) -> bytes:
    """The image, from the cache when the same data was drawn before."""
    return cached_chart(f"scorecards:{name}", data, fmt, FIGURES[name])
