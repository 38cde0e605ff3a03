"""Every figure opens exactly its records, on the demo province (seed_demo), for a published quarter and the
live year: for every criterion of the demo model (whatever their number and kinds) of every unit, the list
the figure links to holds exactly `numerator` records and the denominator's list exactly `denominator`; a
checklist score, an indicator or a checklist-items score lists its `records` (the inspections, the values
averaged); attendance counts marks (one person at one session), so its lists hold exactly the marks
attended and the marks counted; a self-assessed score opens the unit's own assessment.

Speed (2 cores, both databases): each distinct list (its API list and parameters but the unit) is read
ONCE for the province through the list's own selector and FilterSet, with the province as the unit, and
its records are counted per unit here (by the record's unit, or for people by the unit the person
belonged to during the period, as the member filter attributes them) and added up over each subtree.
The unit filter itself is then checked over HTTP: the scorecard API of a few units of each kind and the
API lists its URLs name, whose `count` must equal the figures."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import resolve

from inspections import selectors as inspection_selectors
from scorecards import engine, links, rounds_read, selectors
from scorecards.filters import IndicatorValueFilterSet
from scorecards.models import AssessmentRound, ScorecardModel
from scorecards.periods import Period
from staff import selectors as staff_selectors
from staff.access import ancestor_paths
from staff.models import Unit, UnitKind
from training import selectors as training_selectors
from training.selectors.capability import attributed_people

pytestmark = pytest.mark.django_db

PERIODS = (Period(2026, quarter=3), Period(2026))  # published (seed_demo publishes ended quarters), live

# The lists each measure links to: "numerator" / "denominator" (a count to check), "page" (one record's page).
PARTS = {
    "records": ("numerator", "denominator"),
    "score": ("numerator",),
    "indicator": ("numerator",),
    "points": ("numerator",),
    "assessed": ("numerator",),
}
UNIT_KEYS = ("unit", "member_unit")


@pytest.fixture(autouse=True)
def fixed_clock():  # overrides the package's: the demo province is seeded as of 20/10/2026
    with time_machine.travel(dt.datetime(2026, 10, 20, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


def _readers(user):
    """API list url name → the list's records for query parameters, as (unit id, staff id | None) pairs, read
    as the API list reads them (its selector and FilterSet)."""
    request = SimpleNamespace(user=user)

    def hours(params):
        rows = training_selectors.hours_ledger(user=user, year=int(params["year"]), filters=params, request=request)
        return [(None, r.staff.pk) for r in rows]

    def people(selector, staff_field):
        return lambda params: [
            (None, pk)
            for pk in selector(user=user, filters=params, request=request).values_list(staff_field, flat=True)
        ]

    def units(selector):
        return lambda params: [
            (pk, None) for pk in selector(user=user, filters=params, request=request).values_list("unit_id", flat=True)
        ]

    def indicator_values(params):
        qs = IndicatorValueFilterSet(params, queryset=rounds_read.indicator_value_list(user=user), request=request).qs
        return [(pk, None) for pk in qs.values_list("unit_id", flat=True)]

    return {
        "training-hours-list": hours,
        "enrollment-list": people(training_selectors.enrollment_list, "staff_id"),
        "attendance-record-list": people(training_selectors.attendance_records, "enrollment__staff_id"),
        "staff-list": people(staff_selectors.staff_list, "pk"),
        "inspection-list": units(inspection_selectors.inspection_list),
        "corrective-action-list": units(inspection_selectors.action_list),
        "assignment-list": units(inspection_selectors.assignment_list),
        "indicator-value-list": indicator_values,
    }


class Walk:
    """Counts of each distinct list per unit subtree, each list read once for the province."""

    def __init__(self, user, root: Unit, units: list[Unit]):
        self.readers = _readers(user)
        self.root = root
        self.path_id = {u.path: u.pk for u in units}
        self.unit_path = {u.pk: u.path for u in units}
        self.lists: dict[tuple, dict[int, int]] = {}
        self.members: dict[tuple, dict[int, int]] = {}

    def _member_units(self, start: str, end: str) -> dict[int, int]:
        key = (start, end)
        if key not in self.members:
            rows = attributed_people(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))
            self.members[key] = {pk: unit for pk, unit, *_rest in rows}
        return self.members[key]

    def count(self, api_url: str, unit: Unit) -> int:
        parts = urlsplit(api_url)
        name = resolve(parts.path).url_name
        params = dict(parse_qsl(parts.query))
        unit_key = next(k for k in UNIT_KEYS if k in params)
        assert params[unit_key] == str(unit.pk), api_url
        province = {**params, unit_key: str(self.root.pk)}
        key = (name, tuple(sorted(province.items())))
        if key not in self.lists:
            member = (
                self._member_units(params["member_start"], params["member_end"]) if unit_key == "member_unit" else {}
            )
            own = Counter()
            for unit_id, staff_id in self.readers[name](province):
                own[unit_id if staff_id is None else member[staff_id]] += 1
            subtree: dict[int, int] = defaultdict(int)
            for unit_id, n in own.items():
                for path in ancestor_paths(self.unit_path[unit_id]):
                    if path in self.path_id:
                        subtree[self.path_id[path]] += n
            self.lists[key] = subtree
        return self.lists[key].get(unit.pk, 0)


def _expected(c, part: str):
    if c.measure in ("score", "indicator", "points"):
        return c.records or 0
    return int(getattr(c, part) or 0)


def test_every_criterion_of_every_unit_opens_exactly_its_records(api):
    call_command("seed_demo", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    units = list(Unit.objects.filter(active=True).order_by("path"))
    assert len(units) > 300
    walk = Walk(admin, units[0], units)
    assert units[0].parent_id is None and all(u.path.startswith(units[0].path) for u in units)
    model = ScorecardModel.objects.get(year=2026)
    formulas = [c.spec_formula() for c in model.criteria.all()]
    measures = {engine.formula_measure(f) for f in formulas}
    # The demo model has every kind: the engine's own and the province's CCHC ones.
    assert {"records", "score", "indicator", "assessed", "points"} <= measures
    assert "attendance_rate" in formulas
    rounds = set(AssessmentRound.objects.values_list("period", flat=True))
    checked, expected, mismatches = 0, 0, []
    for period in PERIODS:
        table = selectors.score_table(period=period)
        assert (table.publication is not None) is (period.quarter == 3)
        for unit in units:
            score = table.score(unit.pk)
            assert sorted(c.formula for c in score.criteria) == sorted(formulas)
            found = links.criterion_links(unit=unit, period=period, formulas=[c.formula for c in score.criteria])
            for c in score.criteria:
                parts = PARTS[c.measure]
                if c.measure == "assessed" and period.key not in rounds:
                    parts = ()
                expected += len(parts)
                lk = found[c.formula]
                for part in ("numerator", "denominator"):
                    link = lk[part]
                    assert (link is not None) is (part in parts), (period.key, unit.code, c.key, part)
                    if link is None:
                        continue
                    checked += 1
                    if c.measure == "assessed":  # the unit's own self-assessment in the period's round
                        match = resolve(urlsplit(link["api_url"]).path)
                        assert match.kwargs["unit_pk"] == str(unit.pk)
                        continue
                    got = walk.count(link["api_url"], unit)
                    if got != _expected(c, part):
                        mismatches.append((period.key, unit.code, c.key, part, _expected(c, part), got))
    assert sorted(Counter((m[0], m[2], m[3]) for m in mismatches).items()) == [], mismatches[:20]
    # Nothing left out: every list each criterion's kind names, for every unit and period.
    assert checked == expected
    assert expected >= len(formulas) * len(units) * len(PERIODS)

    # Over HTTP: the scorecard API's figures and list URLs, and the lists' own `count`, for the province, the
    # demo unit head's unit and one unit of each kind.
    unithead = get_user_model().objects.get(username="unithead")
    sample = [(admin, units[0]), (unithead, selectors.home_unit(user=unithead))]
    for kind in UnitKind.values:
        first = next((u for u in units[1:] if u.kind == kind), None)
        if first is not None:
            sample.append((admin, first))
    seen = Counter()
    for user, unit in sample:
        client = api(user)
        for period in PERIODS:
            body = client.get(f"/api/v1/scorecards/{unit.pk}/", {"period": period.key}).json()
            assert len(body["criteria"]) == len(formulas)
            for c in body["criteria"]:
                if c["numerator_url"]:
                    response = client.get(c["numerator_url"])
                    assert response.status_code == 200, (unit.code, c["key"])
                    if c["measure"] != "assessed":
                        want = c["records"] if c["measure"] in ("score", "indicator", "points") else c["numerator"]
                        assert response.json()["count"] == (want or 0), (period.key, unit.code, c["key"])
                    seen[c["measure"]] += 1
                if c["denominator_url"]:
                    got = client.get(c["denominator_url"]).json()["count"]
                    assert got == (c["denominator"] or 0), (period.key, unit.code, c["key"])
    assert {"records", "score", "indicator"} <= set(seen)
