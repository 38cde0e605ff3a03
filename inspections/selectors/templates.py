"""Checklist templates and their versions."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from inspections.models import ChecklistTemplate, Item, Section, TemplateVersion, VersionStatus


def template_list(*, user) -> QuerySet[ChecklistTemplate]:
    latest = TemplateVersion.objects.visible_to(user).order_by("-number")
    return (
        ChecklistTemplate.objects.visible_to(user)
        .annotate(
            version_count=Count("versions", distinct=True),
            published_number=Max("versions__number", filter=Q(versions__status=VersionStatus.PUBLISHED)),
            draft_number=Max("versions__number", filter=Q(versions__status=VersionStatus.DRAFT)),
        )
        .prefetch_related(Prefetch("versions", queryset=latest, to_attr="all_versions"))
        .order_by("code")
    )


def template_get(*, user, pk: int) -> ChecklistTemplate:
    return get_object_or_404(ChecklistTemplate.objects.visible_to(user), pk=pk)


def version_get(*, user, pk: int) -> TemplateVersion:
    return get_object_or_404(
        TemplateVersion.objects.visible_to(user).select_related("template", "published_by", "created_by"), pk=pk
    )


def version_structure(*, version: TemplateVersion) -> list[Section]:
    """Sections with their items, in order; two queries."""
    items = Item.objects.order_by("order", "pk")
    return list(version.sections.order_by("order", "pk").prefetch_related(Prefetch("items", queryset=items)))


def version_published(*, code: str) -> TemplateVersion | None:
    return (
        TemplateVersion.objects.filter(template__code=code, status=VersionStatus.PUBLISHED)
        .select_related("template")
        .order_by("-number")
        .first()
    )


def version_list(*, user, with_content: bool = False) -> QuerySet[TemplateVersion]:
    """Versions the user may see, by template code then newest first; `with_content`: each with its
    sections and their items."""
    qs = TemplateVersion.objects.visible_to(user).select_related("template").order_by("template__code", "-number")
    if with_content:
        items = Item.objects.select_related("section").order_by("order", "pk")
        sections = Section.objects.order_by("order", "pk").prefetch_related(Prefetch("items", queryset=items))
        qs = qs.prefetch_related(Prefetch("sections", queryset=sections))
    return qs
