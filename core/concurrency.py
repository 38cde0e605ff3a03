"""Optimistic versions: every edit names the version it was based on, so no edit silently
overwrites another (no lost update).

A versioned record has an integer `version` column, bumped by each edit. The API sends it as
`ETag: "<version>"` and wants it back in `If-Match` (428 without it, 412 with the current record when
it is stale); HTML forms carry it in a hidden `version` field (a stale form is shown again with what
changed). Services lock the row (`select_for_update`), compare, apply only the fields that changed and
save those (`update_fields`), so two editors of different fields both keep their change.

Used by staff (units, people), training (courses, classes, sessions, attendance) and inspections
(plans, templates, inspections, corrective actions)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The version the edit is based on, as returned in ETag: "<version>".',
)
PRECONDITION_REQUIRED_RESPONSE = OpenApiResponse(description="If-Match missing.")


def bump_version(obj) -> None:
    obj.version = (obj.version or 0) + 1


class StaleVersion(Exception):
    """The record changed since the version the editor started from; `obj` is the record now."""

    def __init__(self, obj):
        super().__init__("stale")
        self.obj = obj


def check_version(obj, expected: int | None) -> None:
    """Raise StaleVersion when `expected` (None: not checked) is not the locked row's version."""
    if expected is not None and int(expected) != obj.version:
        raise StaleVersion(obj)


def apply_changes(obj, changes: dict) -> list[str]:
    """Set the values that differ from the row's; return the names of the fields changed."""
    changed = []
    for key, value in changes.items():
        field = obj._meta.get_field(key)
        attname = getattr(field, "attname", key)
        current = getattr(obj, attname)
        new = value.pk if (attname != key and hasattr(value, "pk")) else value
        if current != new:
            setattr(obj, key, value)
            changed.append(key)
    return changed


def save_changed(obj, changed) -> None:
    """Save only `changed` (plus version and updated_at) after a version bump; nothing when empty."""
    if not changed:
        return
    bump_version(obj)
    fields = {obj._meta.get_field(name).name for name in changed} | {"version"}
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.add("updated_at")
    obj.save(update_fields=sorted(fields))


def copy_into(target, source) -> None:
    """Give the caller's instance the saved row's values (the service worked on a locked copy)."""
    if target is source:
        return
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache.clear()


# ------------------------------------------------------------------------------------------ API
def if_match(request) -> int | None:
    """The version named by If-Match; None without the header, -1 when it names none."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,18})"?\s*', raw)
    return int(match.group(1)) if match else -1


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = f'"{version}"'
    return response


def precondition_required() -> Response:
    return Response(
        {"code": "precondition_required", "detail": _("Send If-Match with the version you edited (from the ETag).")},
        status=status.HTTP_428_PRECONDITION_REQUIRED,
    )


def stale_response(current: dict) -> Response:
    """412 with the record as it is now (its JSON, version included) and its ETag."""
    return with_etag(Response(current, status=status.HTTP_412_PRECONDITION_FAILED), current["version"])


class VersionedUpdateMixin:
    """For a ModelViewSet whose serializer has a read-only `version`: GET carries the ETag; PATCH
    and PUT need If-Match and hand `expected_version` to `perform_update` (as `self.expected_version`);
    a StaleVersion from the service becomes 412 with the current record."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        return with_etag(response, response.data["version"])

    def update(self, request, *args, **kwargs):  # DRF's partial_update (PATCH) comes here too
        version = if_match(request)
        if version is None:
            return precondition_required()
        self.expected_version = version
        instance = self.get_object()
        try:
            response = super().update(request, *args, **kwargs)
        except StaleVersion:
            return stale_response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)
        return with_etag(response, response.data["version"])


# ---------------------------------------------------------------------------------------- forms
class VersionFormMixin:
    """A ModelForm with a hidden `version`: the version shown to the editor. After a StaleVersion
    call `show_stale(obj)`: the form is refused with the fields changed meanwhile and their values
    now, and the version moves on so that saving again (after reading) is accepted."""

    def add_version_field(self):
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def show_stale(self, current) -> None:
        """Refuse the form: list each field whose value now differs from what was submitted."""
        submitted = getattr(self, "cleaned_data", {})
        changed = []
        for name, field in self.fields.items():
            if name == "version" or name not in submitted or not hasattr(current, name):
                continue
            now, mine = getattr(current, name), submitted[name]
            if (now.pk if hasattr(now, "pk") else now) != (mine.pk if hasattr(mine, "pk") else mine):
                shown = now.strftime("%d/%m/%Y") if hasattr(now, "strftime") else now
                changed.append(f"{field.label}: {shown if shown not in (None, '') else '—'}")
        message = str(STALE_MESSAGE)
        if changed:
            message = f"{message} {_('Values now')}: " + "; ".join(changed)
        self.add_error(None, message)
        data = self.data.copy()
        data["version"] = current.version
        self.data = data


STALE_MESSAGE = gettext_lazy(
    "Someone else saved this record while you were editing it; nothing was saved. Check the current "
    "values below and save again."
)
