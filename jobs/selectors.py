"""Every read on background jobs: a person sees only their own exports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jobs.models import ExportJob, ExportStatus


def export_list(*, user, in_progress: bool = False) -> QuerySet[ExportJob]:
    qs = ExportJob.objects.visible_to(user).order_by("-created_at", "-pk")
    if in_progress:
        qs = qs.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    return qs


def export_get(*, user, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.visible_to(user), pk=pk)
