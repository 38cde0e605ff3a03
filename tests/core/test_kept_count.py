"""core.paging.kept_count: a list's count is kept until a committed write changes the data behind it, never
across a change, never from a transaction's own uncommitted writes, never for tables the data version does
not watch."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.paging import kept_count
from staff.models import Staff
from tests.factories import make_staff


def _counts(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_kept_until_a_committed_write(tree, people):
    everyone = Staff.objects.all()
    assert kept_count(everyone) == 4
    with CaptureQueriesContext(connection) as again:
        assert kept_count(everyone) == 4
    assert _counts(again) == 0  # kept
    assert kept_count(Staff.objects.filter(unit=tree["alpha"])) == 1  # another statement, its own count
    make_staff(tree["beta"], "Phạm Văn Em", code="B002")  # commits (autocommit)
    with CaptureQueriesContext(connection) as after:
        assert kept_count(everyone) == 5
    assert _counts(after) == 1


@pytest.mark.django_db(transaction=True)
def test_a_transactions_own_writes_are_counted_and_not_kept(tree, people):
    assert kept_count(Staff.objects.all()) == 4
    with transaction.atomic():
        make_staff(tree["beta"], "Phạm Văn Em", code="B002")
        assert kept_count(Staff.objects.all()) == 5
        transaction.set_rollback(True)
    assert kept_count(Staff.objects.all()) == 4


@pytest.mark.django_db(transaction=True)
def test_tables_outside_the_data_version_are_always_counted(tree, people):
    users = get_user_model().objects.all()
    kept_count(users)
    with CaptureQueriesContext(connection) as again:
        kept_count(users)
    assert _counts(again) == 1
    assert kept_count(Staff.objects.filter(pk__in=[])) == 0


@pytest.mark.django_db(transaction=True)
def test_directory_and_api_show_a_new_person_at_once(client, tree, people, cast):
    client.force_login(cast["hr"])  # Sở Alpha: An and Bình
    assert client.get(reverse("staff:staff-list")).context["page_obj"].paginator.count == 2
    assert client.get("/api/v1/staff/").json()["count"] == 2
    make_staff(tree["alpha1"], "Phạm Văn Em", code="A003")
    assert client.get(reverse("staff:staff-list")).context["page_obj"].paginator.count == 3
    assert client.get("/api/v1/staff/").json()["count"] == 3
