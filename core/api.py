"""Shared REST API pieces: the pagination every list uses, and service errors as 400 answers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError (field errors or a message) as DRF's 400 answer."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return serializers.ValidationError({"detail": exc.messages})
