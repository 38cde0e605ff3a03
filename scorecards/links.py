"""“The records behind a figure”: each criterion links to the ordinary list screens of training and
inspections with their FilterSet parameters set (unit with its sub-units, the period, a status).
A screen that does not exist (an app not installed) is left out, never a broken link."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.periods import Period

PERIOD, YEAR, NONE = "period", "year", "none"


def _targets(period: Period) -> dict[str, list[tuple[str, str, str, dict]]]:
    """formula → [(url name, label, which period parameters, extra filter parameters)]"""
    if period.end.year < timezone.localdate().year:
        hours = [("training:hours", _("People who did not meet the hours"), YEAR, {"status": "not_met"})]
    else:  # the year is running: show everyone's hours, and those below the pro-rata share
        hours = [
            ("training:hours", _("Hours of every person"), YEAR, {}),
            ("training:hours", _("People at risk"), YEAR, {"status": "at_risk"}),
        ]
    return {
        "hours_met_share": hours,
        "mandatory_completion": [("training:class-list", _("Classes in the period"), PERIOD, {})],
        "attendance_rate": [("training:class-list", _("Classes in the period"), PERIOD, {})],
        "certificate_pass_rate": [("training:certificate-list", _("Certificates issued"), PERIOD, {})],
        "service_culture_score": [
            (
                "inspections:inspection-list",
                _("Inspections by inspectors"),
                PERIOD,
                {"kind": "service_culture", "self": "false", "status": "approved"},
            ),
            (
                "inspections:inspection-list",
                _("Self-inspections"),
                PERIOD,
                {"kind": "service_culture", "self": "true", "status": "approved"},
            ),
            ("inspections:finding-list", _("Failed items"), PERIOD, {"kind": "service_culture"}),
        ],
        "discipline_score": [
            (
                "inspections:inspection-list",
                _("Inspections by inspectors"),
                PERIOD,
                {"kind": "discipline", "self": "false", "status": "approved"},
            ),
            (
                "inspections:inspection-list",
                _("Self-inspections"),
                PERIOD,
                {"kind": "discipline", "self": "true", "status": "approved"},
            ),
            ("inspections:finding-list", _("Failed items"), PERIOD, {"kind": "discipline"}),
        ],
        "actions_on_time": [
            ("inspections:action-list", _("Corrective actions due in the period"), PERIOD, {}),
            ("inspections:action-list", _("Overdue corrective actions"), NONE, {"overdue": "true"}),
        ],
        "self_inspections_on_time": [
            ("inspections:assignment-list", _("Self-inspections due"), PERIOD, {"is_self": "true"})
        ],
    }


def _url(name: str, params: dict) -> str | None:
    try:
        return f"{reverse(name)}?{urlencode(params)}"
    except NoReverseMatch:
        return None


def criterion_links(*, unit, period: Period) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for formula, targets in _targets(period).items():
        items = []
        for name, label, which, extra in targets:
            params = {"unit": unit.pk}
            if which == PERIOD:
                params.update(start=period.start.isoformat(), end=period.end.isoformat())
            elif which == YEAR:
                params["year"] = period.end.year
            url = _url(name, {**params, **extra})
            if url:
                items.append({"label": str(label), "url": url})
        out[formula] = items
    return out
