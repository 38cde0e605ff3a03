"""The inspections and findings APIs keep their list statement per user scope (core.paging.list_key): whoever
asked before, each user gets exactly the inspections and findings of their own scope (units and inspection
team). These tests commit (transaction=True): inside a test transaction nothing is kept."""

import datetime as dt

import pytest
from django.test import Client

from core.paging import forget_kept_statements
from inspections import services
from tests.inspections.conftest import fill

pytestmark = pytest.mark.django_db(transaction=True)

FAILED_ONE = [
    services.AnswerInput("I1", "no", note="Không đeo thẻ"),
    *[services.AnswerInput(c, v) for c, v in (("I2", "yes"), ("I3", "4"), ("I4", "100"), ("I5", "12"))],
]


def _units(user, url) -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return sorted(str(row["unit"]) for row in response.json()["results"])


@pytest.mark.parametrize("url", ["/api/v1/inspections/", "/api/v1/findings/"])
def test_each_user_gets_their_own_inspections_and_findings_whoever_asked_before(
    url, assignment, self_assignment, team, cast, tree
):
    fill(assignment, FAILED_ONE, on=dt.date(2026, 5, 4))
    fill(self_assignment, FAILED_ONE, on=dt.date(2026, 5, 5))
    users = [team["lead"], team["stranger"], cast["unit_head"], cast["admin"]]
    expected = {}
    for user in users:
        forget_kept_statements()
        expected[user.pk] = _units(user, url)
    assert expected[team["lead"].pk] == [str(tree["gamma_office"].pk)]
    assert expected[team["stranger"].pk] == []
    assert expected[cast["unit_head"].pk] == [str(tree["alpha"].pk)]
    assert expected[cast["admin"].pk] == sorted([str(tree["alpha"].pk), str(tree["gamma_office"].pk)])
    forget_kept_statements()
    for user in users + users[::-1] + users:
        assert _units(user, url) == expected[user.pk], user.username


def test_a_findings_page_read_again_reads_nothing_until_an_action_changes(assignment, team):
    """The page's rows and its findings' actions are kept until the data changes (core.paging): the same page
    again reads neither, and a committed change to an action shows at the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inspections.models import Finding

    fill(assignment, FAILED_ONE, on=dt.date(2026, 5, 4))
    finding = Finding.objects.get()
    action = services.action_create(
        actor=None, finding=finding, description="Đeo thẻ công chức", due_date=dt.date(2026, 6, 30)
    )
    forget_kept_statements()
    client = Client()
    client.force_login(team["lead"])
    first = client.get("/api/v1/findings/").json()
    assert [a["status"] for a in first["results"][0]["actions"]] == ["open"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/findings/").json()
    assert again == first
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "inspections_finding" not in read and "inspections_correctiveaction" not in read
    services.action_update_progress(actor=None, action=action, status="in_progress", note="Đã nhắc nhở")
    after = client.get("/api/v1/findings/").json()
    assert [a["status"] for a in after["results"][0]["actions"]] == ["in_progress"]
    assert after["results"][0]["actions"][0]["version"] == first["results"][0]["actions"][0]["version"] + 1
