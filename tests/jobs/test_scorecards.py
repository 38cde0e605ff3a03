import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from jobs import services
from scorecards.models import PublishedPeriod, ScorecardSnapshot


def test_publishing_a_period_runs_as_a_background_job(cast, tree, run_db_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.scorecard_publish_start(actor=cast["admin"], period_key="2026-Q1", note="Quý I")
    assert (PublishedPeriod.objects.count(), DBTaskResult.objects.get().task_path) == (
        0,
        "jobs.tasks.publish_scorecard_period",
    )

    assert run_db_worker() == 1

    publication = PublishedPeriod.objects.get()
    assert (publication.period, publication.note, publication.published_by) == ("2026-Q1", "Quý I", cast["admin"])
    assert ScorecardSnapshot.objects.filter(publication=publication).count() == 6  # every unit of the cast
    task = DBTaskResult.objects.get()
    assert task.return_value == {"period": "2026-Q1", "publication": publication.pk, "units": 6}


def test_a_retried_publication_job_does_not_publish_twice(cast, tree):
    first = services.scorecard_publish_run(period_key="2026-Q1", actor_id=cast["admin"].pk)
    again = services.scorecard_publish_run(period_key="2026-Q1", actor_id=cast["admin"].pk)
    assert first == again
    assert (PublishedPeriod.objects.count(), ScorecardSnapshot.objects.count()) == (1, 6)


def test_only_a_province_administrator_may_start_it(cast, tree, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True):
        services.scorecard_publish_start(actor=cast["hr"], period_key="2026-Q1")
    assert error.value.messages == ["Bạn không có quyền thực hiện việc này."]
    assert DBTaskResult.objects.count() == 0


def test_an_already_published_period_is_refused_before_queueing(cast, tree, django_capture_on_commit_callbacks):
    services.scorecard_publish_run(period_key="2026-Q1")
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.scorecard_publish_start(actor=cast["admin"], period_key="2026-Q1")
    assert DBTaskResult.objects.count() == 0
