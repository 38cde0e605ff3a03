"""Every figure opens exactly its records: on the demo province (seed_demo), for a published quarter and
the live year, every criterion of every unit's scorecard (API) gives `numerator_url` / `denominator_url`
whose list `count` equals `numerator` / `denominator` (a checklist score: `records`, the inspections it
is the mean of; attendance, which counts minutes: its enrollments are listed, and there are some exactly
when there are planned minutes)."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from scorecards.periods import Period
from staff.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():  # overrides the package's: the demo province is seeded as of 20/10/2026
    with time_machine.travel(dt.datetime(2026, 10, 20, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


def _count(client, url: str) -> int:
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}&page_size=1")
    assert response.status_code == 200, (url, response.status_code)
    return response.json()["count"]


def test_every_criterion_of_every_unit_opens_exactly_its_records(api):
    call_command("seed_demo", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    client = api(admin)
    units = list(Unit.objects.filter(active=True).order_by("path").values_list("pk", flat=True))
    assert len(units) > 300
    checked = {"numerator": 0, "denominator": 0, "records": 0}
    mismatches = []
    for period in (Period(2026, quarter=3), Period(2026)):
        for pk in units:
            body = client.get(f"/api/v1/scorecards/{pk}/", {"period": period.key}).json()
            assert body["published"] is (period.quarter == 3)
            assert len(body["criteria"]) == 8
            for c in body["criteria"]:
                where = (period.key, pk, c["key"])
                if c["measure"] == "score":
                    assert c["denominator_url"] is None
                    got = _count(client, c["numerator_url"])
                    if got != (c["records"] or 0):
                        mismatches.append((*where, "records", c["records"], got))
                    checked["records"] += 1
                    continue
                for part in ("numerator", "denominator"):
                    url = c[f"{part}_url"]
                    if url is None:
                        assert c["measure"] == "minutes" and part == "numerator", where
                        continue
                    got = _count(client, url)
                    if c["measure"] == "minutes":
                        if (got > 0) != bool(c["denominator"]):
                            mismatches.append((*where, part, c[part], got))
                    elif got != (c[part] or 0):
                        mismatches.append((*where, part, c[part], got))
                    checked[part] += 1
    assert mismatches == []
    # Nothing left out: every unit × criterion × period was checked.
    assert checked["records"] == 2 * 2 * len(units)
    assert checked["denominator"] == 6 * 2 * len(units)
    assert checked["numerator"] == 5 * 2 * len(units)
