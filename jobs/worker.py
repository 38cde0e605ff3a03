"""What the background worker runs for jobs: build an export's file, delete old exports."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.permissions import has_perm
from jobs.exports import ProgressQuerySet, as_data, filter_errors, request_for
from jobs.models import ExportJob, ExportStatus
from jobs.registry import get_export

logger = logging.getLogger(__name__)


def export_run(*, job_id: int) -> dict:
    """Build the file, with the export's own selector and FilterSet, as its owner. Safe to run again: a
    finished export is left alone."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if job.status == ExportStatus.DONE:
        return {"status": job.status, "rows": job.rows_done}
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1, error="", rows_done=0
    )
    try:
        with translation.override(job.language):
            export = get_export(job.kind)
            if export is None:
                raise LookupError(_("Unknown export."))
            owner = job.owner
            if not owner.is_active or not has_perm(owner, export.perm):
                raise PermissionError(_("You no longer have permission for this export."))
            filterset = export.filterset(as_data(job.filters), export.queryset(owner), request_for(owner))
            if not filterset.is_valid():  # e.g. a unit that left the owner's scope since the start
                raise ValueError(_("The filters are not valid: %(errors)s") % {"errors": filter_errors(filterset)})
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
