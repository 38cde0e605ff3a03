"""“The records behind a figure”: each criterion links to the ordinary list screens of training and
inspections with their FilterSet parameters set (unit with sub-units, period, status)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from scorecards.periods import Period

# formula → [(url name, label, extra filter parameters)]
TARGETS: dict[str, list[tuple[str, str, dict]]] = {}


def _url(name: str, params: dict) -> str | None:
    try:
        return f"{reverse(name)}?{urlencode(params)}"
    except NoReverseMatch:  # that list screen is not there (yet)
        return None


def criterion_links(*, unit, period: Period) -> dict[str, list[dict]]:
    base = {"unit": unit.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
    out: dict[str, list[dict]] = {}
    for formula, targets in _targets().items():
        items = []
        for name, label, extra in targets:
            url = _url(name, {**base, **extra})
            if url:
                items.append({"label": label, "url": url})
        out[formula] = items
    return out


def _targets() -> dict[str, list[tuple[str, str, dict]]]:
    return TARGETS or {}


__all__ = ["criterion_links", "_"]
