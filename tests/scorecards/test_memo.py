"""Live scorecards are kept until the data behind them changes (core.versions + scorecards.selectors):
a second screen reuses the computation, and any committed write — a service, a bulk update, a raw
QuerySet.update() — shows on the next screen; a transaction's own uncommitted writes are never shared."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import versions
from scorecards import selectors
from scorecards.periods import Period
from training.models import Attendance, TrainingRequirement

Q2 = Period(2026, quarter=2)


def _hours(table, unit):
    return table.score(unit.pk).criterion("hours").value


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "training_attendance" ("session_id") VALUES (%s)', True),
        ('UPDATE "staff_unit" SET "path" = %s', True),
        ('DELETE FROM "inspections_correctiveaction" WHERE id = 1', True),
        ("  insert or replace into scorecards_criterion values (1)", True),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('UPDATE "scorecards_publishrun" SET "progress" = 50', False),
        ('SELECT * FROM "training_attendance"', False),
    ],
)
def test_writes_to_the_data_behind_the_scorecards_are_recognised(sql, watched):
    assert versions.is_watched(sql) is watched


@pytest.mark.django_db(transaction=True)
def test_a_second_request_reuses_the_computation_until_a_committed_write(records, tree):
    with CaptureQueriesContext(connection) as first:
        table = selectors.score_table(period=Q2, with_previous=False)
    assert _hours(table, tree["alpha"]) == 50.0  # An meets the 600' requirement, Bình does not
    with CaptureQueriesContext(connection) as second:
        again = selectors.score_table(period=Q2, with_previous=False)
    assert _hours(again, tree["alpha"]) == 50.0
    assert len(second) < len(first)  # units, model and facts were not read again

    # A plain QuerySet.update (no model signal) that commits: nobody meets 6,000 minutes.
    TrainingRequirement.objects.filter(name="Alpha 600'").update(minutes_per_year=6000)
    assert _hours(selectors.score_table(period=Q2, with_previous=False), tree["alpha"]) == 0.0


@pytest.mark.django_db(transaction=True)
def test_each_caller_gets_its_own_scores(records, tree):
    table = selectors.score_table(period=Q2)
    table.score(tree["alpha"].pk).change = 99.0
    assert selectors.score_table(period=Q2).score(tree["alpha"].pk).change != 99.0


@pytest.mark.django_db(transaction=True)
def test_uncommitted_writes_are_seen_by_their_transaction_and_never_shared(records, tree):
    assert selectors.score_table(period=Q2, with_previous=False).score(tree["alpha1"].pk).total is not None
    attendance_before = selectors.score_table(period=Q2, with_previous=False).score(tree["alpha1"].pk)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        Attendance.objects.update(minutes=0)  # nobody attended anything
        inside = selectors.score_table(period=Q2, with_previous=False).score(tree["alpha1"].pk)
        assert inside.criterion("attendance").value == 0.0
        raise Abandon  # rolled back

    after = selectors.score_table(period=Q2, with_previous=False).score(tree["alpha1"].pk)
    assert (
        after.criterion("attendance").value
        == attendance_before.criterion("attendance").value
        == pytest.approx(200 / 3, abs=0.01)
    )


def test_threads_asking_at_once_wait_for_one_computation():
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return "computed"

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: selectors._memoised(("test-key",), compute), range(4)))
    assert results == ["computed"] * 4
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_another_process_reuses_the_computation_through_the_shared_cache(records, tree):
    first = selectors.score_table(period=Q2, with_previous=False)
    selectors._memo.clear()  # what a second web server process has in memory: nothing
    with CaptureQueriesContext(connection) as other:
        again = selectors.score_table(period=Q2, with_previous=False)
    assert again.score(tree["alpha"].pk).total == first.score(tree["alpha"].pk).total
    facts = [q["sql"] for q in other if "training_enrollment" in q["sql"] or "inspections_" in q["sql"]]
    assert facts == []  # not computed again

    # A committed write renews the token: the shared result is abandoned as well.
    TrainingRequirement.objects.filter(name="Alpha 600'").update(minutes_per_year=6000)
    selectors._memo.clear()
    assert _hours(selectors.score_table(period=Q2, with_previous=False), tree["alpha"]) == 0.0


def test_a_process_waits_for_another_computing_the_same_period():
    from django.core.cache import caches

    cache = caches[versions.CACHE_ALIAS]
    key = ("wait-key", "token", "today")
    name = "congvu:memo:wait-key:token:today"
    cache.add(name + ":lock", 12345, timeout=60)  # another process is computing this period

    def the_other_process_finishes():
        time.sleep(0.2)
        cache.set(name, "from the other process", 60)
        cache.delete(name + ":lock")

    calls = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(the_other_process_finishes)
        value = selectors._shared(key, lambda: calls.append(1) or "computed here")
    assert value == "from the other process"
    assert calls == []


def test_an_unreachable_shared_cache_costs_a_computation_not_the_page(monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

        add = set = delete = get

    monkeypatch.setattr(selectors, "caches", {versions.CACHE_ALIAS: Down()})
    assert selectors._shared(("down-key", "t", "d"), lambda: "computed here") == "computed here"


@pytest.mark.django_db(transaction=True)
def test_the_previous_period_read_for_the_change_is_not_altered_by_a_table(records, tree):
    """The previous period's kept scores are read, not copied, for the change column: setting the change on
    this period's rows must leave them as they are."""
    before = {
        u: (s.total, s.change)
        for u, s in selectors.compute_live(period=Q2.previous(), units=selectors.unit_rows())[2].items()
    }
    table = selectors.score_table(period=Q2)
    assert table.score(tree["alpha"].pk).previous_total == before[tree["alpha"].pk][0]
    after = {
        u: (s.total, s.change)
        for u, s in selectors.compute_live(period=Q2.previous(), units=selectors.unit_rows())[2].items()
    }
    assert after == before
