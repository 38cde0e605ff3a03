"""Every write on background jobs. Keyword-only, atomic where it matters, validated."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.permissions import has_perm
from jobs.exports import EXPORTS, ProgressQuerySet, as_data, request_for
from jobs.models import ExportJob, ExportStatus
from jobs.queue import enqueue

logger = logging.getLogger(__name__)

MAX_ACTIVE_EXPORTS = 3


def _filters_from(data) -> dict[str, list[str]]:
    """Keep the screen's filters (a QueryDict or dict), minus paging and empty values."""
    if hasattr(data, "lists"):
        items = data.lists()
    else:
        items = ((k, v if isinstance(v, list) else [v]) for k, v in (data or {}).items())
    cleaned = {}
    for key, values in items:
        if key in ("page", "page_size", "csrfmiddlewaretoken", "kind"):
            continue
        values = [str(v) for v in values if str(v).strip() != ""]
        if values:
            cleaned[key] = values
    return cleaned


def _errors(filterset) -> str:
    return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in filterset.errors.items())


@transaction.atomic
def export_start(*, actor, kind: str, filters=None) -> ExportJob:
    """Record an export with the actor's filters (checked against the actor's scope now) and send
    it to the background. The worker builds it with the same selector and FilterSet, as the actor."""
    export = EXPORTS.get(kind)
    if export is None:
        raise ValidationError(_("Unknown export."))
    if not has_perm(actor, export.perm):
        raise ValidationError(_("You do not have permission to do this."))
    cleaned = _filters_from(filters)
    filterset = export.filterset(as_data(cleaned), export.queryset(actor), request_for(actor))
    if not filterset.is_valid():
        raise ValidationError(_("The filters are not valid: %(errors)s") % {"errors": _errors(filterset)})
    active = ExportJob.objects.filter(owner=actor, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).count()
    if active >= MAX_ACTIVE_EXPORTS:
        raise ValidationError(_("You already have %(n)s exports in progress; wait for one to finish.") % {"n": active})
    job = ExportJob.objects.create(
        owner=actor, kind=kind, filters=cleaned, language=translation.get_language() or settings.LANGUAGE_CODE
    )
    from jobs.tasks import run_export

    enqueue(run_export, job.pk, on_enqueued=lambda task_id: ExportJob.objects.filter(pk=job.pk).update(task_id=task_id))
    return job


def export_run(*, job_id: int) -> dict:
    """Build the file (called by the worker). Safe to run again: a finished export is left alone."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if job.status == ExportStatus.DONE:
        return {"status": job.status, "rows": job.rows_done}
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1, error="", rows_done=0
    )
    try:
        with translation.override(job.language):
            export = EXPORTS[job.kind]
            owner = job.owner
            if not owner.is_active or not has_perm(owner, export.perm):
                raise PermissionError(_("You no longer have permission for this export."))
            filterset = export.filterset(as_data(job.filters), export.queryset(owner), request_for(owner))
            if not filterset.is_valid():  # e.g. a unit that left the owner's scope since the start
                raise ValueError(_("The filters are not valid: %(errors)s") % {"errors": _errors(filterset)})
            qs = filterset.qs
            total = qs.count()
            ExportJob.objects.filter(pk=job.pk).update(rows_total=total)

            def progress(done: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=min(done, total))

            handle = export.write(ProgressQuerySet(qs, progress))
            name = export.filename(timezone.localdate())
            try:
                job.file.save(name, File(handle, name=name), save=False)
            finally:
                handle.close()
        done = ExportJob.objects.get(pk=job.pk).rows_done
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE,
            file=job.file.name,
            filename=name,
            rows_total=max(total, done),
            finished_at=timezone.now(),
        )
        return {"status": ExportStatus.DONE, "rows": done}
    except Exception as exc:
        logger.exception("Export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise


def export_prune(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete finished exports (rows and files) older than EXPORT_RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days if days is not None else settings.EXPORT_RETENTION_DAYS)
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed


# ------------------------------------------------------------------------- scorecard snapshots
def scorecard_publish_start(*, actor, period_key: str, note: str = ""):
    """Check now what can be checked (permission, period ended, not yet published, not already being
    published), record the run (scorecards.PublishRun, which the screen follows) and freeze the scorecards
    of every unit in the background (scorecards.services.period_publish). Returns the run."""
    from scorecards.models import PublishRun
    from scorecards.periods import Period
    from scorecards.services import _require_manage, publish_request

    _require_manage(actor)
    try:
        period = Period.parse(period_key)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        run = publish_request(actor=actor, period=period, note=note)
        from jobs.tasks import publish_scorecard_period

        enqueue(
            publish_scorecard_period,
            period.key,
            getattr(actor, "pk", None),
            run.note,
            run_id=run.pk,
            on_enqueued=lambda task_id: PublishRun.objects.filter(pk=run.pk).update(task_id=task_id),
        )
    return run


def scorecard_publish_run(
    *, period_key: str, actor_id: int | None = None, note: str = "", run_id: int | None = None
) -> dict:
    """The worker's side. Running it again (a retry) finds the publication and leaves it alone."""
    from scorecards.services import publish_execute

    publication = publish_execute(period_key=period_key, actor_id=actor_id, note=note, run_id=run_id)
    return {"period": publication.period, "publication": publication.pk, "units": publication.snapshots.count()}
