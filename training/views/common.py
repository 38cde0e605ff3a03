"""What the training screens share: Excel responses, who may open a class."""

from __future__ import annotations

from django.http import HttpResponse

from core.permissions import Perm, has_perm
from core.xlsx import XLSX_CONTENT_TYPE
from staff.access import unit_in_scope


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def can_open_class(user, cls) -> bool:
    """The check class_set_status makes (training management on the organising unit), asked before offering it:
    a trainer of the class may take attendance but not open it."""
    return has_perm(user, Perm.TRAINING_MANAGE) and unit_in_scope(user, Perm.TRAINING_MANAGE, cls.unit)
