"""Plotting helpers every app shares: matplotlib `Figure` on the Agg canvas (never pyplot, which keeps
global state and is not thread-safe), PNG and SVG output, and a cache keyed by the data shown."""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING

from django.core.cache import cache

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
PALETTE = {
    "blue": "#1f4e79",
    "blue2": "#2d6aa3",
    "grey": "#98a2b3",
    "ok": "#1e7b34",
    "warn": "#9a6700",
    "bad": "#b42318",
    "light": "#c9d6e8",
}
CACHE_SECONDS = 24 * 3600


def new_figure(width: float = 7.0, height: float = 3.6, dpi: int = 100, layout: str | None = None) -> Figure:
    """No layout engine by default: "constrained" costs about 40 % of the render time of a small chart;
    callers set margins with `fig.subplots_adjust`."""
    # matplotlib and numpy (about 55 MB) are imported with the first chart, not with every process
    # (a worker that only imports Excel files or serves lists never needs them).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def render(fig: Figure, fmt: str) -> bytes:
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "congvu", "svg.fonttype": "none"}):
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def data_key(namespace: str, data) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return f"chart:{namespace}:{digest}"


def cached_chart(namespace: str, data, fmt: str, build) -> bytes:
    """`build(data) -> Figure`, rendered once per distinct (data, format): when the data change, the
    key changes, so a stale image is never served."""
    key = data_key(namespace, {"data": data, "fmt": fmt})
    content = cache.get(key)
    if content is None:
        content = render(build(data), fmt)
        cache.set(key, content, CACHE_SECONDS)
    return content
