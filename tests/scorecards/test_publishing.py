"""Publishing a period from the screen: the request starts a background job and returns at once; the
run's page follows it (waiting → published, or failed with the reason) and leads to the frozen
scorecards; a second click while it runs does not publish twice. Database back-end (a worker run in
this process, as in tests/jobs) and the immediate back-end."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from scorecards.models import PublishedPeriod, PublishRun, ScorecardModel, ScorecardSnapshot

Q2 = "2026-Q2"


def _publish(client, capture, period=Q2, note="Quý II"):
    with capture(execute=True):
        return client.post(reverse("scorecards:publish"), {"period": period, "note": note})


def _status(client, run):
    response = client.get(reverse("scorecards:publish-run-status", args=[run.pk]))
    assert response.status_code == 200
    return response.json()


def test_the_screen_starts_a_job_and_follows_it_until_the_scorecards_are_frozen(
    login, cast, tree, records, run_db_worker, django_capture_on_commit_callbacks
):
    client = login(cast["admin"])
    response = _publish(client, django_capture_on_commit_callbacks)
    run = PublishRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("scorecards:publish-run", args=[run.pk])
    # Nothing is published inside the request: the job waits for a worker.
    assert PublishedPeriod.objects.count() == 0
    assert DBTaskResult.objects.get().task_path == "scorecards.tasks.publish_scorecard_period"
    page = client.get(response["Location"])
    assert "Đang chờ" in page.content.decode() and page.context["state"]["finished"] is False
    state = _status(client, run)
    assert (state["status"], state["finished"], state["publication_url"]) == ("queued", False, None)

    assert run_db_worker() == 1

    publication = PublishedPeriod.objects.get()
    state = _status(client, run)
    assert (state["status"], state["finished"], state["error"], state["units"]) == ("done", True, "", 6)
    assert state["publication_url"] == reverse("scorecards:publication", args=[Q2])
    assert (publication.note, publication.published_by) == ("Quý II", cast["admin"])
    frozen = client.get(state["publication_url"])
    assert frozen.status_code == 200
    rows = {s.unit.code: s.total for s in frozen.context["snapshots"]}
    assert rows["GAMMA-VP"] == 45.14 and len(rows) == 6
    listing = client.get(reverse("scorecards:model-list")).content.decode()
    assert reverse("scorecards:publish-run", args=[run.pk]) in listing and "Đã công bố" in listing


def test_a_second_click_while_it_runs_leads_to_the_same_run(
    login, cast, tree, records, run_db_worker, django_capture_on_commit_callbacks
):
    client = login(cast["admin"])
    first = _publish(client, django_capture_on_commit_callbacks)
    PublishRun.objects.update(status="running")  # a worker has picked it up
    second = _publish(client, django_capture_on_commit_callbacks, note="again")
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert (PublishRun.objects.count(), DBTaskResult.objects.count()) == (1, 1)
    messages = [str(m) for m in client.get(second["Location"]).context["messages"]]
    assert any("đang được công bố" in m for m in messages)


def test_once_published_the_period_is_refused_on_the_form(
    login, cast, tree, records, run_db_worker, django_capture_on_commit_callbacks
):
    client = login(cast["admin"])
    _publish(client, django_capture_on_commit_callbacks)
    run_db_worker()
    again = _publish(client, django_capture_on_commit_callbacks)
    assert again.status_code == 400
    assert "đã được công bố" in again.content.decode()
    assert (PublishRun.objects.count(), PublishedPeriod.objects.count()) == (1, 1)


def test_a_failed_job_shows_why_and_the_period_can_be_published_again(
    login, cast, tree, records, run_db_worker, django_capture_on_commit_callbacks
):
    client = login(cast["admin"])
    _publish(client, django_capture_on_commit_callbacks)
    ScorecardModel.objects.all().delete()  # removed while the job waited: publishing must fail
    run_db_worker()
    run = PublishRun.objects.get()
    state = _status(client, run)
    assert (state["status"], state["finished"], state["publication_url"]) == ("failed", True, None)
    assert state["error"] == "Chưa có mẫu bảng điểm năm 2026."
    page = client.get(reverse("scorecards:publish-run", args=[run.pk])).content.decode()
    assert "Chưa có mẫu bảng điểm năm 2026." in page
    assert (PublishedPeriod.objects.count(), ScorecardSnapshot.objects.count()) == (0, 0)
    retry = _publish(client, django_capture_on_commit_callbacks)
    assert retry.status_code == 302 and PublishRun.objects.count() == 2


def test_a_run_whose_worker_died_is_given_up_after_two_hours(
    login, cast, tree, records, django_capture_on_commit_callbacks
):
    client = login(cast["admin"])
    _publish(client, django_capture_on_commit_callbacks)
    PublishRun.objects.update(created_at=timezone.now() - dt.timedelta(hours=2, minutes=1))
    _publish(client, django_capture_on_commit_callbacks)
    first, second = PublishRun.objects.order_by("pk")
    assert (first.status, second.status) == ("failed", "queued")
    assert "bỏ" in first.error


def test_with_the_immediate_back_end_the_run_is_done_when_the_page_opens(
    login, cast, tree, records, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    client = login(cast["admin"])
    response = _publish(client, django_capture_on_commit_callbacks)
    page = client.get(response["Location"])
    assert page.context["state"]["status"] == "done"
    assert reverse("scorecards:publication", args=[Q2]) in page.content.decode()
    assert ScorecardSnapshot.objects.count() == 6


@pytest.mark.parametrize("who", ["unit_head", "hr"])
def test_only_a_scorecard_manager_starts_or_follows_publishing(
    login, cast, tree, records, who, django_capture_on_commit_callbacks
):
    admin = login(cast["admin"])
    _publish(admin, django_capture_on_commit_callbacks)
    run = PublishRun.objects.get()
    client = login(cast[who])
    assert _publish(client, django_capture_on_commit_callbacks).status_code == 404
    assert client.get(reverse("scorecards:publish-run", args=[run.pk])).status_code == 404
    assert client.get(reverse("scorecards:publish-run-status", args=[run.pk])).status_code == 404
    assert PublishRun.objects.count() == 1
