"""Every read on background jobs: a person sees only their own exports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jobs.models import ExportJob


def export_list(*, user) -> QuerySet[ExportJob]:
    return ExportJob.objects.visible_to(user).order_by("-created_at", "-pk")


def export_get(*, user, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.visible_to(user), pk=pk)
