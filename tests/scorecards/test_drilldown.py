"""Every figure opens exactly its records, on the demo province (seed_demo), for a published quarter and the
live year: for every criterion of every unit, the list the figure links to holds exactly `numerator`
records and the denominator's list exactly `denominator` (a checklist score: `records`, the inspections it
is the mean of; attendance counts minutes, so its list holds the enrollments whose minutes are summed:
some exactly when there are planned minutes).

The ~10,000 lists of the walk are counted through the API lists' own querysets (the app selector + the
list's FilterSet with the link's parameters: what DRF's filter backend runs), one count each, to keep the
runtime sane on a shared machine; the scorecard API and the API lists themselves are then requested over
HTTP for the province and the demo unit head's unit, and their `count` compared with the API's figures."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import resolve

from inspections import selectors as inspection_selectors
from scorecards import links, selectors
from scorecards.periods import Period
from staff.models import Unit
from training import selectors as training_selectors

pytestmark = pytest.mark.django_db

PERIODS = (Period(2026, quarter=3), Period(2026))  # published (seed_demo publishes ended quarters), live


@pytest.fixture(autouse=True)
def fixed_clock():  # overrides the package's: the demo province is seeded as of 20/10/2026
    with time_machine.travel(dt.datetime(2026, 10, 20, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


def _lister(user):
    """API list url name → count of the list for given query parameters, as the API list computes it."""
    request = SimpleNamespace(user=user)

    def hours(params):
        return len(
            training_selectors.hours_ledger(user=user, year=int(params["year"]), filters=params, request=request)
        )

    def counting(selector):
        return lambda params: selector(user=user, filters=params, request=request).count()

    return {
        "training-hours-list": hours,
        "enrollment-list": counting(training_selectors.enrollment_list),
        "inspection-list": counting(inspection_selectors.inspection_list),
        "corrective-action-list": counting(inspection_selectors.action_list),
        "assignment-list": counting(inspection_selectors.assignment_list),
    }


def _count(counters, api_url: str) -> int:
    parts = urlsplit(api_url)
    return counters[resolve(parts.path).url_name](dict(parse_qsl(parts.query)))


def _expected(c, part: str):
    if c.measure == "score":
        return c.records or 0
    return int(getattr(c, part) or 0)


def test_every_criterion_of_every_unit_opens_exactly_its_records(api):
    call_command("seed_demo", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    counters = _lister(admin)
    units = list(Unit.objects.filter(active=True).order_by("path"))
    assert len(units) > 300
    checked, mismatches = 0, []
    for period in PERIODS:
        table = selectors.score_table(period=period)
        assert (table.publication is not None) is (period.quarter == 3)
        for unit in units:
            score = table.score(unit.pk)
            found = links.criterion_links(unit=unit, period=period)
            assert len(score.criteria) == 8
            for c in score.criteria:
                lk = found[c.formula]
                for part in ("numerator", "denominator"):
                    link = lk[part]
                    if link is None:
                        assert (c.measure, part) in (("score", "denominator"), ("minutes", "numerator"))
                        continue
                    got = _count(counters, link["api_url"])
                    if c.measure == "minutes":
                        ok = (got > 0) == bool(c.denominator)
                    else:
                        ok = got == _expected(c, part)
                    if not ok:
                        mismatches.append((period.key, unit.code, c.key, part, _expected(c, part), got))
                    checked += 1
    assert mismatches == []
    # Nothing left out: 8 criteria (2 scores with one list, attendance with one, 5 ratios with two) × units × periods.
    assert checked == (2 + 1 + 5 * 2) * len(units) * len(PERIODS)

    # The API: the scorecard's figures and list URLs, and the lists' `count`, over HTTP.
    unithead = get_user_model().objects.get(username="unithead")
    for user in (admin, unithead):
        client = api(user)
        unit = selectors.home_unit(user=user)
        for period in PERIODS:
            body = client.get(f"/api/v1/scorecards/{unit.pk}/", {"period": period.key}).json()
            for c in body["criteria"]:
                if c["numerator_url"]:
                    want = c["records"] if c["measure"] == "score" else c["numerator"]
                    assert client.get(c["numerator_url"]).json()["count"] == (want or 0), (period.key, c["key"])
                if c["denominator_url"] and c["measure"] != "minutes":
                    got = client.get(c["denominator_url"]).json()["count"]
                    assert got == (c["denominator"] or 0), (period.key, c["key"])
