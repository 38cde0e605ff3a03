"""Inspections. Creation follows the offline sync protocol (helpers/sync.md): client_uuid + content
hash, a replay answers the first body, other content is 409. Edits, amendments need If-Match (412
stale, 428 missing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import as_drf_error
from core.permissions import Perm
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.api.common import (
    CONFLICT,
    FILL_PERMS,
    IF_MATCH_HEADER,
    PRECONDITION_REQUIRED,
    READ_PERMS,
    STALE,
    answer_inputs,
    error_code,
    forbidden,
    precondition,
    stale_response,
    with_etag,
)
from inspections.filters import InspectionFilterSet


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = InspectionFilterSet
    read_perm = READ_PERMS
    write_perm = FILL_PERMS
    action_perms = {
        "approve": Perm.INSPECTION_REVIEW,
        "return_": Perm.INSPECTION_REVIEW,
        "amend": Perm.INSPECTION_REVIEW,
        "versions": READ_PERMS,
        "compare": READ_PERMS,
    }

    def get_queryset(self):
        if self.action == "list":
            return selectors.inspection_list(user=self.request.user)
        return selectors.inspection_detail_list(user=self.request.user)

    def get_serializer_class(self):
        return s.InspectionSerializer if self.action == "list" else s.InspectionDetailSerializer

    def _current(self, pk) -> Response:
        """The inspection as it is now, with its ETag."""
        fresh = self.get_queryset().get(pk=pk)
        return with_etag(Response(s.InspectionDetailSerializer(fresh).data), fresh.version)

    def _precondition(self, request, inspection) -> Response | None:
        return precondition(request, inspection.version, lambda: s.InspectionDetailSerializer(inspection).data)

    def _stale(self, inspection) -> Response:
        fresh = self.get_queryset().get(pk=inspection.pk)
        return stale_response(fresh.version, s.InspectionDetailSerializer(fresh).data)

    def retrieve(self, request, *args, **kwargs):
        inspection = self.get_object()
        return with_etag(Response(s.InspectionDetailSerializer(inspection).data), inspection.version)

    @extend_schema(
        request=s.InspectionWriteSerializer,
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="Created (first time)."),
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Replay: the same body as the first time."),
            400: OpenApiResponse(description="Field errors; nothing written."),
            403: OpenApiResponse(description="Not yours."),
            409: CONFLICT,
        },
    )
    def create(self, request):
        """Create (and optionally submit) an inspection made on a tablet, in one request."""
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": [_("Send a JSON object.")]})
        ser = s.InspectionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        missing = {k: [_("This field is required.")] for k in ("client_uuid", "assignment") if k not in data}
        if missing:
            raise serializers.ValidationError(missing)
        assignment = selectors.assignment_find(user=request.user, pk=data["assignment"])
        if assignment is None:
            return Response(
                {"code": "not_found", "detail": _("This assignment does not exist or is no longer yours.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        try:
            result = services.inspection_sync(
                actor=request.user,
                client_uuid=data["client_uuid"],
                payload=dict(request.data),
                assignment=assignment,
                answers=answer_inputs(data["answers"]),
                inspected_on=data.get("inspected_on"),
                summary=data.get("summary"),
                submit=data["submit"],
            )
        except services.SyncForbidden as exc:
            return forbidden(str(exc))
        except ValidationError as exc:
            if error_code(exc) == "not_team":
                return forbidden(exc.messages[0])
            raise as_drf_error(exc) from exc
        if result.conflict:
            body = {
                "code": "conflict",
                "current": s.InspectionSerializer(result.inspection).data,
                "detail": _("This inspection was already sent with different content."),
            }
            return with_etag(Response(body, status=status.HTTP_409_CONFLICT), result.inspection.version)
        return with_etag(
            Response(result.body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK),
            result.inspection.version,
        )

    @extend_schema(
        request=s.InspectionWriteSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={
            200: s.InspectionDetailSerializer,
            400: OpenApiResponse(description="Field errors; nothing written."),
            412: STALE,
            428: PRECONDITION_REQUIRED,
        },
    )
    def update(self, request, pk=None):
        """Edit a draft or returned inspection (PUT replaces all answers, PATCH only those sent)."""
        inspection = self.get_object()
        blocked = self._precondition(request, inspection)
        if blocked is not None:
            return blocked
        ser = s.InspectionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            services.inspection_save(
                actor=request.user,
                assignment=inspection.assignment,
                answers=answer_inputs(data["answers"]),
                inspected_on=data.get("inspected_on"),
                summary=data.get("summary"),
                submit=data["submit"],
                base_version=inspection.version,
                replace=request.method == "PUT",
            )
        except ValidationError as exc:
            if error_code(exc) == "stale":
                return self._stale(inspection)
            if error_code(exc) == "not_team":
                return forbidden(exc.messages[0])
            raise as_drf_error(exc) from exc
        return self._current(inspection.pk)

    @extend_schema(
        request=s.InspectionWriteSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={200: s.InspectionDetailSerializer, 412: STALE, 428: PRECONDITION_REQUIRED},
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    def _review(self, request, review):
        inspection = self.get_object()
        ser = s.ReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            review(actor=request.user, inspection=inspection, comment=ser.validated_data["comment"])
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return self._current(inspection.pk)

    @extend_schema(request=s.ReviewSerializer, responses=s.InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The lead approves: the inspection is locked and its failed items become findings."""
        return self._review(request, services.inspection_approve)

    @extend_schema(request=s.ReviewSerializer, responses=s.InspectionDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """The lead returns the inspection with comments."""
        return self._review(request, services.inspection_return)

    @extend_schema(
        request=s.AmendSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={201: s.AmendmentSerializer, 412: STALE, 428: PRECONDITION_REQUIRED},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Change a locked inspection with a reason; the before and after are kept."""
        inspection = self.get_object()
        blocked = self._precondition(request, inspection)
        if blocked is not None:
            return blocked
        ser = s.AmendSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            amendment = services.inspection_amend(
                actor=request.user,
                inspection=inspection,
                reason=data["reason"],
                answers=answer_inputs(data["answers"]),
                summary=data.get("summary"),
                base_version=inspection.version,
            )
        except ValidationError as exc:
            if error_code(exc) == "stale":
                return self._stale(inspection)
            raise as_drf_error(exc) from exc
        return with_etag(
            Response(s.AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED),
            amendment.inspection.version,
        )

    @extend_schema(responses=s.AmendmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Every amendment with the full snapshot before and after."""
        amendments = selectors.inspection_amendments(inspection=self.get_object())
        return Response(s.AmendmentSerializer(amendments, many=True).data)

    @extend_schema(responses=s.CompareSerializer)
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """Self score vs verified score, item by item, for the same unit, template and year."""
        comparison = selectors.inspection_compare(user=request.user, inspection=self.get_object())
        return Response(s.CompareSerializer(comparison or {"self": None, "verified": None, "rows": []}).data)
