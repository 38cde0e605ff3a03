"""Shared REST API pieces: the pagination every list uses, service errors as 400 answers, writes through the
services (`ServiceWriteMixin`), ids checked before they reach the database, and one JSON shape for every
error under /api/.

Every error answered under /api/ is a JSON object: `{"detail": "<message>"}`, or for invalid input the
field names mapped to their messages (`{"unit": ["..."]}`, with `detail` for errors not tied to a field),
as DRF answers them; the schema documents it as the `Error` component (core.security). DRF's exceptions go
through `exception_handler`; what happens outside a DRF view (unknown path, body too large, an uncaught
error) through `handler400/403/404/500` (config/urls.py), which keep Django's HTML pages elsewhere.
"""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MAX_ID = 2**63 - 1  # the largest value a BigAutoField (or any id column) can hold


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


class ServiceWriteMixin:
    """A ModelViewSet whose writes go through its app's services: POST calls `create_service`, PUT and PATCH
    `update_service` (the instance under the keyword `service_instance`, and with VersionedUpdateMixin the
    If-Match version as `expected_version`), both with `actor` and the validated data (`service_data`). A
    Django ValidationError from the service is the API's 400; the answer is the row re-read through the
    viewset's scoped queryset, as a GET would show it."""

    create_service = None  # staticmethod(services.<model>_create)
    update_service = None  # staticmethod(services.<model>_update)
    service_instance = ""

    def service_data(self, serializer, *, creating: bool) -> dict:
        return dict(serializer.validated_data)

    def perform_create(self, serializer):
        row = self._call_service(self.create_service, **self.service_data(serializer, creating=True))
        serializer.instance = self.get_queryset().get(pk=row.pk)

    def perform_update(self, serializer):
        kwargs = {self.service_instance: serializer.instance, **self.service_data(serializer, creating=False)}
        if hasattr(self, "expected_version"):  # set by VersionedUpdateMixin.update
            kwargs["expected_version"] = self.expected_version
        row = self._call_service(self.update_service, **kwargs)
        serializer.instance = self.get_queryset().get(pk=row.pk)

    def _call_service(self, service, **kwargs):
        try:
            return service(actor=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc


def IdField(**kwargs) -> serializers.IntegerField:  # noqa: N802  (reads like a field class)
    """An integer naming a row: out of the id range it is a 400 in the answer, never an OverflowError."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def id_or_404(value) -> int:
    """A path id as an int; anything that cannot be an id (text, out of range) is simply not found."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise Http404 from None
    if not 1 <= number <= MAX_ID:
        raise Http404
    return number


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def exception_handler(exc, context):
    """DRF's handler, plus: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413, and every answer is an object."""
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": _("The request body is too large.")}, status=413)
    response = drf_exception_handler(exc, context)
    if response is not None and not isinstance(response.data, dict):
        response.data = {"detail": response.data}
    return response


def _json_or(default, status: int, message):
    def handler(request, exception=None, **kwargs):
        if is_api(request):
            if isinstance(exception, RequestDataTooBig):
                return JsonResponse({"detail": _("The request body is too large.")}, status=413)
            return JsonResponse({"detail": str(message)}, status=status)
        if exception is None:
            return default(request)
        return default(request, exception)

    return handler


handler400 = _json_or(defaults.bad_request, 400, gettext_lazy("Bad request."))
handler403 = _json_or(
    defaults.permission_denied, 403, gettext_lazy("You do not have permission to perform this action.")
)
handler404 = _json_or(defaults.page_not_found, 404, gettext_lazy("Not found."))
handler500 = _json_or(defaults.server_error, 500, gettext_lazy("Server error; it has been logged."))


TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$"


def document_plain_times(result, generator, request, public):
    """drf-spectacular post-processing hook: a time of day is written "07:30:00" (local time, no offset),
    which OpenAPI's `format: time` (RFC 3339, offset required) refuses; the schema says what is sent."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("format") == "time" and node.get("type") == "string":
                node.pop("format")
                node["pattern"] = TIME_PATTERN
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out user name and address: JSON under /api/ (the token endpoint),
    the lockout page elsewhere (AXES_LOCKOUT_CALLABLE)."""
    from django.conf import settings
    from django.shortcuts import render

    status = settings.AXES_HTTP_RESPONSE_CODE
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if is_api(request):
        return JsonResponse(
            {"detail": _("Too many failed logins; try again in %(minutes)s minutes.") % {"minutes": minutes}},
            status=status,
        )
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
