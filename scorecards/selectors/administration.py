"""Reads for the administration of scorecards: models, publications, publishing runs, history."""

from __future__ import annotations

from django.db.models import Count, F
from django.http import Http404

from audit.selectors import history_entries
from scorecards.models import Criterion, PublishedPeriod, PublishRun, ScorecardModel, ScorecardSnapshot


def scorecard_model_list():
    return ScorecardModel.objects.prefetch_related("criteria").order_by("-year")


def scorecard_model_get(*, year: int) -> ScorecardModel:
    model = ScorecardModel.objects.prefetch_related("criteria").filter(year=year).first()
    if model is None:
        raise Http404
    return model


def publication_list():
    return PublishedPeriod.objects.select_related("published_by", "scorecard_model").order_by("-start")


def publication_get(*, user, period: str) -> PublishedPeriod:
    publication = (
        PublishedPeriod.objects.visible_to(user)
        .select_related("published_by", "scorecard_model")
        .filter(period=period)
        .first()
    )
    if publication is None:
        raise Http404
    return publication


def publication_snapshots(*, user, publication: PublishedPeriod):
    """The frozen scorecards of the units the user may see, best first (one query per page)."""
    return (
        ScorecardSnapshot.objects.visible_to(user)
        .filter(publication=publication)
        .select_related("unit")
        .order_by(F("total").desc(nulls_last=True), "unit__path")
    )


def publish_run_list(*, user, limit: int = 10):
    return PublishRun.objects.visible_to(user).select_related("requested_by", "publication")[:limit]


def publish_run_get(*, user, pk: int) -> PublishRun:
    run = (
        PublishRun.objects.visible_to(user)
        .select_related("publication")
        .annotate(snapshot_count=Count("publication__snapshots"))
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404
    if run.publication is not None:
        run.publication.snapshot_count = run.snapshot_count
    return run


def criteria_history(*, model: ScorecardModel, limit: int = 50) -> list:
    """The change history of a model's criteria (created, changed, removed), newest first, each entry
    titled with the criterion's key. The model's own fields have the audit section."""
    return history_entries(
        Criterion.history.filter(scorecard_model_id=model.pk), limit=limit, title=lambda row: row.key
    )
