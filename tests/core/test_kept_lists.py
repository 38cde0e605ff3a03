"""core.paging.list_key: an API list's statement is kept per user scope, filters, day and data version. Each user
still gets exactly the rows of their own scope, whoever asked before them; a committed write, a new grant or a
changed superuser flag shows at the next request; a transaction's own writes are never kept; a bad filter is
answered 400 every time. These tests commit (transaction=True): inside a test transaction nothing is kept."""

from unittest import mock

import pytest
from django.db import transaction
from django.test import Client

from core.paging import forget_kept_statements
from core.permissions import Role
from staff import selectors as staff_selectors
from tests.factories import grant, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_API = "/api/v1/staff/"


def _get(user, url):
    client = Client()
    client.force_login(user)  # the user is read again on every request, as in production
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def _codes(body) -> set[str]:
    return {row["staff_code"] for row in body["results"]}


def _fresh(user, url):
    forget_kept_statements()
    return _get(user, url)


def test_each_user_gets_their_own_scope_whoever_asked_before(cast):
    users = [cast["hr"], cast["outsider_hr"], cast["admin"], cast["member"]]
    expected = {user.pk: _fresh(user, STAFF_API) for user in users}
    assert _codes(expected[cast["hr"].pk]) == {"A001", "A002"}
    assert _codes(expected[cast["outsider_hr"].pk]) == {"B001"}
    assert _codes(expected[cast["admin"].pk]) == {"A001", "A002", "B001", "G001"}
    forget_kept_statements()
    for user in users + users[::-1] + users:  # each asks after each of the others, warm and cold
        assert _get(user, STAFF_API) == expected[user.pk], user.username


def test_the_list_is_built_once_until_the_data_changes(cast, tree):
    forget_kept_statements()
    with mock.patch.object(staff_selectors, "staff_list", wraps=staff_selectors.staff_list) as built:
        first = _get(cast["hr"], STAFF_API)
        assert _get(cast["hr"], STAFF_API) == first
        assert _get(cast["hr"], STAFF_API + "?page_size=1&page=2")["results"] == first["results"][1:2]
        assert built.call_count == 1  # the other pages and requests ran the kept statement
        make_staff(tree["alpha1"], "Phạm Văn Em", code="A003")  # committed: a new data version
        after = _get(cast["hr"], STAFF_API)
        assert built.call_count == 2
    assert after["count"] == 3 and _codes(after) == {"A001", "A002", "A003"}


def test_filters_and_search_are_part_of_the_key(cast):
    forget_kept_statements()
    everyone = _get(cast["admin"], STAFF_API)
    beta = _get(cast["admin"], STAFF_API + "?unit=" + str(everyone["results"][0]["unit"]))
    assert beta["count"] < everyone["count"]
    assert _get(cast["admin"], STAFF_API)["count"] == everyone["count"]
    assert _get(cast["admin"], STAFF_API + "?q=Cường") == _fresh(cast["admin"], STAFF_API + "?q=Cường")
    assert _codes(_get(cast["admin"], STAFF_API + "?q=Cường")) == {"B001"}


def test_a_new_grant_widens_the_list_at_once(cast, tree):
    forget_kept_statements()
    assert _codes(_get(cast["outsider_hr"], STAFF_API)) == {"B001"}
    grant(cast["outsider_hr"], Role.HR, tree["gamma"])
    assert _codes(_get(cast["outsider_hr"], STAFF_API)) == {"B001", "G001"}


def test_a_superuser_flag_outside_the_watched_tables_changes_the_list_at_once(cast):
    forget_kept_statements()
    hr = cast["outsider_hr"]
    assert _codes(_get(hr, STAFF_API)) == {"B001"}
    hr.is_superuser = True
    hr.save(update_fields=["is_superuser"])  # auth_user: no new data version
    assert _codes(_get(hr, STAFF_API)) == {"A001", "A002", "B001", "G001"}
    hr.is_superuser = False
    hr.save(update_fields=["is_superuser"])
    assert _codes(_get(hr, STAFF_API)) == {"B001"}


def test_a_bad_filter_is_answered_400_every_time(cast):
    forget_kept_statements()
    client = Client()
    client.force_login(cast["admin"])
    for _ in range(2):
        response = client.get(STAFF_API + "?unit=not-a-number")
        assert response.status_code == 400
        assert "unit" in response.json()


def test_a_transactions_own_writes_are_listed_and_not_kept(cast, tree):
    forget_kept_statements()
    client = Client()
    client.force_login(cast["hr"])
    assert client.get(STAFF_API).json()["count"] == 2
    with transaction.atomic():
        make_staff(tree["alpha1"], "Phạm Văn Em", code="A003")
        assert client.get(STAFF_API).json()["count"] == 3
        transaction.set_rollback(True)
    assert client.get(STAFF_API).json()["count"] == 2


def test_pages_beyond_the_row_budget_are_read_again_and_still_right(cast, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import paging

    monkeypatch.setattr(paging, "KEPT_PAGE_ROWS", 2)  # pages of one row: the last two read are kept
    forget_kept_statements()
    url = STAFF_API + "?page_size=1&page={}"
    codes = [_codes(_get(cast["admin"], url.format(n))) for n in (1, 2, 3)]
    assert len(set().union(*codes)) == 3  # three different people, one a page

    def again(n):
        with CaptureQueriesContext(connection) as queries:
            body = _get(cast["admin"], url.format(n))
        return _codes(body), any('FROM "staff_staff"' in q["sql"] for q in queries.captured_queries)

    assert again(3) == (codes[2], False)  # kept
    assert again(1) == (codes[0], True)  # pushed out by pages 2 and 3: read again
