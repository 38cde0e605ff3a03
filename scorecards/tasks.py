"""Publishing a period in the background (django-tasks): the request records the run and returns at
once; a worker freezes the scorecards and the run's page follows it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks import task

from scorecards import services
from scorecards.models import PublishRun
from scorecards.periods import Period


@task()
def publish_scorecard_period(
    period_key: str, actor_id: int | None = None, note: str = "", run_id: int | None = None
) -> dict:
    """The worker's side. Running it again (a retry) finds the publication and leaves it alone."""
    publication = services.publish_execute(period_key=period_key, actor_id=actor_id, note=note, run_id=run_id)
    return {"period": publication.period, "publication": publication.pk, "units": publication.snapshots.count()}


def publish_start(*, actor, period_key: str, note: str = "") -> PublishRun:
    """Check now what can be checked (permission, period ended, not yet published, not already being
    published), record the run and send it to the background queue (settings.JOBS_QUEUE) once the
    transaction commits. Returns the run."""
    services.require_province(actor)
    try:
        period = Period.parse(period_key)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        run = services.publish_request(actor=actor, period=period, note=note)

        def send() -> None:
            result = publish_scorecard_period.using(queue_name=settings.JOBS_QUEUE).enqueue(
                period.key, actor.pk, run.note, run_id=run.pk
            )
            PublishRun.objects.filter(pk=run.pk).update(task_id=str(result.id))

        transaction.on_commit(send)
    return run
