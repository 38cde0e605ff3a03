"""Publishing a period is a background task of scorecards (scorecards.tasks), on the jobs queue."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from scorecards import tasks
from scorecards.models import PublishedPeriod, ScorecardSnapshot
from staff.access import SYSTEM_USERNAME
from tests.factories import Role, grant

TASK_PATH = "scorecards.tasks.publish_scorecard_period"


@pytest.fixture(autouse=True)
def after_the_first_quarter(fixed_clock):
    with time_machine.travel(dt.datetime(2026, 4, 10, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


def test_publishing_a_period_runs_as_a_background_job(cast, tree, run_db_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = tasks.publish_start(actor=cast["admin"], period_key="2026-Q1", note="Quý I")
    task = DBTaskResult.objects.get()
    assert (PublishedPeriod.objects.count(), task.task_path) == (0, TASK_PATH)
    run.refresh_from_db()
    assert run.task_id == str(task.id)

    assert run_db_worker() == 1

    publication = PublishedPeriod.objects.get()
    assert (publication.period, publication.note, publication.published_by) == ("2026-Q1", "Quý I", cast["admin"])
    assert ScorecardSnapshot.objects.filter(publication=publication).count() == 6  # every unit of the cast
    task = DBTaskResult.objects.get()
    assert task.return_value == {"period": "2026-Q1", "publication": publication.pk, "units": 6}


def test_a_retried_publication_job_does_not_publish_twice(cast, tree):
    first = tasks.publish_scorecard_period.call("2026-Q1", actor_id=cast["admin"].pk)
    again = tasks.publish_scorecard_period.call("2026-Q1", actor_id=cast["admin"].pk)
    assert first == again
    assert (PublishedPeriod.objects.count(), ScorecardSnapshot.objects.count()) == (1, 6)


def test_only_a_province_administrator_may_start_it(cast, tree, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True):
        tasks.publish_start(actor=cast["hr"], period_key="2026-Q1")
    assert error.value.messages == ["Bạn không có quyền thực hiện việc này."]
    assert DBTaskResult.objects.count() == 0


def test_without_a_person_the_system_account_publishes(cast, tree, django_capture_on_commit_callbacks):
    tasks.publish_scorecard_period.call("2026-Q1")
    assert PublishedPeriod.objects.get().published_by.username == SYSTEM_USERNAME
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        tasks.publish_start(actor=cast["admin"], period_key="2026-Q1")  # already published: refused before queueing
    assert DBTaskResult.objects.count() == 0


def test_a_service_without_an_actor_is_refused(cast, tree):
    from scorecards import services
    from scorecards.periods import Period

    with pytest.raises(TypeError):
        services.period_publish(actor=None, period=Period(2026, quarter=1))
    with pytest.raises(ValidationError) as error:
        services.period_publish(actor=cast["unit_head"], period=Period(2026, quarter=1))
    assert error.value.messages == ["Bạn không có quyền thực hiện việc này."]
    grant(cast["unit_head"], Role.ADMIN, tree["alpha"])  # an administrator of one department only
    with pytest.raises(ValidationError) as error:
        services.period_publish(actor=cast["unit_head"], period=Period(2026, quarter=1))
    assert error.value.messages == ["Chỉ quản trị viên toàn tỉnh mới được thực hiện việc này."]
    assert PublishedPeriod.objects.count() == 0
