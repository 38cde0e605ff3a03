"""core.paging.PagedRows: its pages, read from the statement it compiles once, are the rows the ORM gives
for the same slice (values and values_list, joins, annotations, booleans, dates and datetimes through the
ORM's converters), and its count agrees with the ORM's."""

import datetime as dt

import pytest
from django.db.models import F, Q, Value
from django.db.models.functions import Concat

from core.paging import PagedRows, forget_kept_counts
from staff.models import Staff
from tests.factories import make_staff


@pytest.fixture
def many(tree, people):
    for i in range(7):
        make_staff(tree["beta"], f"Người Thứ {i}", code=f"M{i:03d}")
    Staff.objects.filter(staff_code="M003").update(date_of_birth=dt.date(1990, 2, 3))
    return Staff.objects.select_related("unit").order_by("staff_code")


SLICES = [slice(0, 3), slice(3, 6), slice(6, 9), slice(9, 12), slice(2, 2), slice(0, 50)]


@pytest.mark.parametrize("tuples", [False, True])
def test_pages_are_the_orms_rows(many, tuples):
    fields = ("pk", "staff_code", "full_name", "date_of_birth", "unit_id", "unit__name", "unit__active", "created_at")
    paged = PagedRows(many, fields, tuples=tuples)
    orm = many.values_list(*fields) if tuples else many.values(*fields)
    for page in SLICES:
        assert paged[page] == list(orm[page]), page
    assert paged[0:50][3] != paged[0:50][4]
    rows = paged[0:50]
    first = rows[0] if tuples else tuple(rows[0][f] for f in fields)
    assert type(first[6]) is bool and first[7].tzinfo is not None  # converters applied (SQLite: 0/1, text)
    assert paged[1] == orm[1]  # a single row goes through the ORM


def test_values_list_with_an_annotation_keeps_the_asked_order(many):
    annotated = many.annotate(label=Concat(F("staff_code"), Value(" / "), F("full_name")))
    fields = ("pk", "label", "staff_code")
    paged = PagedRows(annotated, fields, tuples=True)
    assert paged[0:4] == list(annotated.values_list(*fields)[0:4])
    assert paged[0:1][0][1].startswith(paged[0:1][0][2])
    as_dicts = PagedRows(annotated, fields)
    assert as_dicts[0:4] == list(annotated.values(*fields)[0:4])
    assert as_dicts[0:1][0]["label"].startswith(as_dicts[0:1][0]["staff_code"])


def test_count_agrees_and_a_filter_matching_nothing_gives_an_empty_list(many):
    forget_kept_counts()
    assert PagedRows(many, ("pk",)).count() == many.count() == 11
    beta = many.filter(Q(unit__code__startswith="BETA") | Q(staff_code__startswith="M"))
    assert len(PagedRows(beta, ("pk",))) == beta.count()
    nothing = many.filter(pk__in=[])
    assert PagedRows(nothing, ("pk", "full_name")).count() == 0
    assert PagedRows(nothing, ("pk", "full_name"))[0:50] == []


def test_the_api_pages_walk_every_row_once(client, cast, many):
    client.force_login(cast["admin"])
    seen, url = [], "/api/v1/staff/?page_size=4"
    while url:
        body = client.get(url).json()
        seen += [row["staff_code"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 11  # no row twice, none left out
    assert set(seen) == set(Staff.objects.values_list("staff_code", flat=True))
