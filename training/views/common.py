"""What the training screens share."""

from __future__ import annotations

from django.http import HttpResponse

from core.permissions import Perm
from core.xlsx import XLSX_CONTENT_TYPE
from training.models import TRAINING_READ

READ_OR_OWN = (*TRAINING_READ, Perm.OWN_RECORD)


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
