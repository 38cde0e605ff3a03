"""What the inspections API views share: permissions, If-Match preconditions (412 stale, 428
missing), the ETag, and answers read from a request."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from core.permissions import Perm
from inspections.api import serializers as s
from inspections.services import AnswerInput

FILL_PERMS = (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)
READ_PERMS = (Perm.INSPECTION_VIEW, Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The version the edit is based on, as returned in ETag: "<version>".',
)
CONFLICT = OpenApiResponse(s.ConflictSerializer, description="Same client_uuid, different content.")
STALE = OpenApiResponse(s.ConflictSerializer, description="If-Match names an older version.")
PRECONDITION_REQUIRED = OpenApiResponse(description="If-Match missing.")


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = f'"{version}"'
    return response


def if_match(request) -> int | None:
    """The version named by If-Match; None without the header, -1 when it names none."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', raw)
    return int(match.group(1)) if match else -1


def stale_response(version: int, current: dict) -> Response:
    """412: the record changed since the version the client edited; `current` is its JSON now."""
    body = {"code": "stale", "detail": _("This record changed since you opened it."), "current": current}
    return with_etag(Response(body, status=status.HTTP_412_PRECONDITION_FAILED), version)


def precondition(request, version: int, current) -> Response | None:
    """None when the edit may go on; else 428 (no If-Match) or 412 (an older version; `current()`
    gives the record's JSON)."""
    wanted = if_match(request)
    if wanted is None:
        return Response(
            {
                "code": "precondition_required",
                "detail": _("Send If-Match with the version you edited (from the ETag)."),
            },
            status=status.HTTP_428_PRECONDITION_REQUIRED,
        )
    if wanted != version:
        return stale_response(version, current())
    return None


def error_code(exc: ValidationError) -> str | None:
    """The code of a service's refusal; a ValidationError built from a dict or list carries none."""
    return getattr(exc, "code", None)


def forbidden(detail: str) -> Response:
    return Response({"code": "forbidden", "detail": detail}, status=status.HTTP_403_FORBIDDEN)


def answer_inputs(data) -> list[AnswerInput]:
    return [
        AnswerInput(item=a["item"], value=a.get("value"), note=a.get("note", ""), evidence=a.get("evidence", []))
        for a in data
    ]
