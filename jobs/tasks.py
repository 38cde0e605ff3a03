"""Background tasks (django-tasks). Each one is a thin call into a service, so the same code runs
in a test, from a command, on the database worker or on an RQ worker."""

from django_tasks import task


@task()
def run_export(job_id: int) -> dict:
    from jobs.services import export_run

    return export_run(job_id=job_id)


@task()
def prune_exports() -> int:
    from jobs.services import export_prune

    return export_prune()


@task()
def publish_scorecard_period(
    period_key: str, actor_id: int | None = None, note: str = "", run_id: int | None = None
) -> dict:
    from jobs.services import scorecard_publish_run

    return scorecard_publish_run(period_key=period_key, actor_id=actor_id, note=note, run_id=run_id)
