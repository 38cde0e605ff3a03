"""core.sql.NotIndexed: the same rows, written `+column` on SQLite only (keeps its planner off an index)."""

from django.db import connection
from django.db.models import F
from django.db.models.lookups import In

from core.sql import NotIndexed
from staff.models import Unit


def test_same_rows_and_a_unary_plus_on_sqlite_only(tree):
    wanted = [tree["alpha"].pk, tree["gamma"].pk]
    plain = Unit.objects.filter(pk__in=wanted).order_by("pk")
    unindexed = Unit.objects.filter(In(NotIndexed(F("id")), wanted)).order_by("pk")
    assert list(unindexed) == list(plain) == sorted([tree["alpha"], tree["gamma"]], key=lambda u: u.pk)
    sql = str(unindexed.query)
    assert ('+"staff_unit"."id" IN' in sql) == (connection.vendor == "sqlite")
