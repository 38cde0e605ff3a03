"""The classes API keeps its list statement per user scope (core.paging.list_key): whoever asked before, each
user gets exactly the classes of their own scope, and a new class shows at the next request. These tests commit
(transaction=True): inside a test transaction nothing is kept."""

import pytest
from django.test import Client

from core.paging import forget_kept_statements
from tests.training.conftest import make_class

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/classes/"


def _codes(user) -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_each_user_gets_the_classes_of_their_scope_whoever_asked_before(course, tree, cast):
    make_class(course, tree["alpha"], code="L-ALPHA")
    make_class(course, tree["beta"], code="L-BETA")
    users = [cast["hr"], cast["outsider_hr"], cast["admin"]]
    expected = {}
    for user in users:
        forget_kept_statements()
        expected[user.pk] = _codes(user)
    assert expected[cast["hr"].pk] == ["L-ALPHA"]
    assert expected[cast["outsider_hr"].pk] == ["L-BETA"]
    assert sorted(expected[cast["admin"].pk]) == ["L-ALPHA", "L-BETA"]
    forget_kept_statements()
    for user in users + users[::-1] + users:
        assert _codes(user) == expected[user.pk], user.username
    make_class(course, tree["alpha1"], code="L-ALPHA-1")
    assert sorted(_codes(cast["hr"])) == ["L-ALPHA", "L-ALPHA-1"]
    assert _codes(cast["outsider_hr"]) == ["L-BETA"]
