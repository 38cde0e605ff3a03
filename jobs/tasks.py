"""Background tasks of jobs (django-tasks). Each one is a thin call into the worker's code, so the same
code runs in a test, from a command, on the database worker or on an RQ worker. Apps declare their own
tasks in their own `tasks` modules."""

from django_tasks import task

from jobs import worker


@task()
def run_export(job_id: int) -> dict:
    return worker.export_run(job_id=job_id)


@task()
def prune_exports() -> int:
    return worker.export_prune()
