"""Shared DRF view pieces: write through services, translate ValidationError to 400."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return serializers.ValidationError({"detail": exc.messages})
