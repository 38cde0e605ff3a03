"""What the training screens share: Excel responses."""

from __future__ import annotations

from django.http import HttpResponse

from core.xlsx import XLSX_CONTENT_TYPE


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
