"""Every write a person makes on background jobs: starting an export. Keyword-only, atomic, validated.
The worker's side is jobs.worker."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jobs import tasks
from jobs.exports import as_data, filter_errors, request_for
from jobs.models import ExportJob, ExportStatus
from jobs.queue import enqueue
from jobs.registry import get_export
from jobs.worker import export_prune, export_run
from staff.access import require

__all__ = ["MAX_ACTIVE_EXPORTS", "export_prune", "export_run", "export_start"]

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


@transaction.atomic
def export_start(*, actor, kind: str, filters=None) -> ExportJob:
    """Record an export with the actor's filters (checked against the actor's scope now) and send
    it to the background. The worker builds it with the same selector and FilterSet, as the actor."""
    export = get_export(kind)
    if export is None:
        raise ValidationError(_("Unknown export."))
    require(actor, export.perm)
    cleaned = _filters_from(filters)
    filterset = export.filterset(as_data(cleaned), export.queryset(actor), request_for(actor))
    if not filterset.is_valid():
        raise ValidationError(_("The filters are not valid: %(errors)s") % {"errors": filter_errors(filterset)})
    active = ExportJob.objects.filter(owner=actor, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).count()
    if active >= MAX_ACTIVE_EXPORTS:
        raise ValidationError(_("You already have %(n)s exports in progress; wait for one to finish.") % {"n": active})
    job = ExportJob.objects.create(
        owner=actor, kind=kind, filters=cleaned, language=translation.get_language() or settings.LANGUAGE_CODE
    )
    enqueue(
        tasks.run_export,
        job.pk,
        on_enqueued=lambda task_id: ExportJob.objects.filter(pk=job.pk).update(task_id=task_id),
    )
    return job
