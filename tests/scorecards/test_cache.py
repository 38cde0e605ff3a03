"""Live scorecards are kept in Django's cache until the data behind them changes (core.versions):
a second screen reuses the computation, and any committed write — a service, a bulk update, a raw
QuerySet.update() — shows on the next screen; a transaction's own uncommitted writes are never shared."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import versions
from scorecards import selectors
from scorecards.periods import Period
from training.models import Attendance, AttendanceStatus, TrainingRequirement

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
    assert _hours(table, tree["alpha"]) == 50.0  # An meets the 12-tiết requirement, Bình does not
    with CaptureQueriesContext(connection) as second:
        again = selectors.score_table(period=Q2, with_previous=False)
    assert _hours(again, tree["alpha"]) == 50.0
    assert len(second) < len(first)  # units, model and facts were not read again

    # A plain QuerySet.update (no model signal) that commits: nobody meets 6,000 minutes.
    TrainingRequirement.objects.filter(name="Alpha 600'").update(periods_per_year=134)
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
        Attendance.objects.update(status=AttendanceStatus.UNEXCUSED)  # nobody attended anything
        inside = selectors.score_table(period=Q2, with_previous=False).score(tree["alpha1"].pk)
        assert inside.criterion("attendance").value == 0.0
        raise Abandon  # rolled back

    after = selectors.score_table(period=Q2, with_previous=False).score(tree["alpha1"].pk)
    assert (
        after.criterion("attendance").value
        == attendance_before.criterion("attendance").value
        == pytest.approx(200 / 3, abs=0.01)
    )


@pytest.mark.django_db(transaction=True)
def test_the_computation_is_kept_in_the_cache_under_the_data_version(records, tree):
    first = selectors.score_table(period=Q2, with_previous=False)
    token, _computed_at, _value = cache.get(f"scorecards:live:{Q2.key}:2026-07-15")
    assert token == versions.current()
    cache.clear()  # a cold cache: computed again, the same figures
    with CaptureQueriesContext(connection) as cold:
        again = selectors.score_table(period=Q2, with_previous=False)
    assert again.score(tree["alpha"].pk).total == first.score(tree["alpha"].pk).total
    assert [q["sql"] for q in cold if "training_enrollment" in q["sql"]]  # the facts were read again


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


@pytest.mark.django_db(transaction=True)
def test_after_a_write_the_kept_figures_serve_until_they_are_older_than_the_age_limit(records, tree, settings):
    settings.SCORECARD_LIVE_MAX_AGE = 60
    clock = [1_000_000.0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("scorecards.selectors.tables.time.time", lambda: clock[0])
        assert _hours(selectors.score_table(period=Q2, with_previous=False), tree["alpha"]) == 50.0
        TrainingRequirement.objects.filter(name="Alpha 600'").update(periods_per_year=134)
        clock[0] += 30  # younger than the limit: the kept figures
        assert _hours(selectors.score_table(period=Q2, with_previous=False), tree["alpha"]) == 50.0
        cache.set(f"scorecards:live:{Q2.key}:2026-07-15:computing", True)
        clock[0] += 31  # older, but another request is computing it: the kept figures meanwhile
        assert _hours(selectors.score_table(period=Q2, with_previous=False), tree["alpha"]) == 50.0
        cache.delete(f"scorecards:live:{Q2.key}:2026-07-15:computing")
        assert _hours(selectors.score_table(period=Q2, with_previous=False), tree["alpha"]) == 0.0  # recomputed
        with CaptureQueriesContext(connection) as again:
            assert _hours(selectors.score_table(period=Q2, with_previous=False), tree["alpha"]) == 0.0
        assert not [q for q in again if "training_enrollment" in q["sql"]]  # kept under the new token
