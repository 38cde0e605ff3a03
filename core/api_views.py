"""Shared DRF view pieces: write through services, translate ValidationError to 400, list plain rows."""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.response import Response

from core.paging import PagedRows, list_key


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return serializers.ValidationError({"detail": exc.messages})


def kept_list_response(
    view, rows: Callable[[], QuerySet], fields, page_json: Callable[[list], list], *, tuples: bool = False
) -> Response:
    """ListModelMixin.list over plain rows: `rows()` (the scoped rows, filtered here by the view's filter
    backends) read as `fields` (tuples with `tuples=True`), a page turned into JSON by `page_json`. The
    statement, count and pages are kept for the request's scope, filters, day and language until the data
    changes (core.paging.list_key), under the view's class name."""
    paged = PagedRows(
        lambda: view.filter_queryset(rows()),
        fields,
        tuples=tuples,
        key=list_key(view.request, f"api:{type(view).__qualname__}"),
        page_json=page_json,
    )
    page = view.paginate_queryset(paged)
    if page is None:  # a view without pagination: every row
        return Response(paged[:])
    return view.get_paginated_response(list(page))
