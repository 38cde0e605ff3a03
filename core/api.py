"""Shared REST API pieces."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def datetime_json(value, tz) -> str | None:
    """What DRF's DateTimeField gives in JSON (ISO 8601 in the current time zone, "Z" for UTC) for an aware
    datetime from the database, `tz` being `timezone.get_current_timezone()` read once per page. The field
    itself reads the current time zone for every value. Only the inspections rows still use it; it goes when
    they are read through their serializers. tests/core/test_api.py compares both."""
    if not value:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
