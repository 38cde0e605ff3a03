"""Corrective actions: the register, create (the inspection team), PATCH with If-Match (a progress
report by the responsible unit, or a correction of the action by the inspection team), verification,
and the progress history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import as_drf_error
from core.concurrency import StaleVersion
from core.permissions import Perm
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.api.common import (
    IF_MATCH_HEADER,
    PRECONDITION_REQUIRED,
    STALE,
    if_match,
    precondition,
    stale_response,
    with_etag,
)
from inspections.api.findings import FINDING_READ
from inspections.filters import CorrectiveActionFilterSet

TEAM_PERMS = (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW)


class CorrectiveActionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet
    read_perm = FINDING_READ
    write_perm = TEAM_PERMS
    # PATCH: a progress report (the responsible unit) or a correction (the team); the service decides which
    action_perms = {"partial_update": (Perm.ACTION_UPDATE, *TEAM_PERMS), "verify": TEAM_PERMS, "progress": FINDING_READ}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.action_list(user=self.request.user)

    def _current(self, pk) -> Response:
        fresh = self.get_queryset().get(pk=pk)
        return with_etag(Response(self.get_serializer(fresh).data), fresh.version)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return with_etag(Response(self.get_serializer(obj).data), obj.version)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        finding = selectors.finding_list(user=self.request.user).filter(pk=data["finding"].pk).first()
        if finding is None:
            raise Http404
        data["finding"] = finding
        try:
            created = services.action_create(actor=self.request.user, **data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        return with_etag(response, response.data["version"])

    @extend_schema(
        request=s.ActionPatchSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={200: s.CorrectiveActionSerializer, 412: STALE, 428: PRECONDITION_REQUIRED},
    )
    def partial_update(self, request, pk=None):
        """The responsible unit reports progress (status, note, photos), or the inspection team corrects
        the action (description, due date, unit, responsible person); only the fields sent are written."""
        obj = self.get_object()
        blocked = precondition(request, obj.version, lambda: self.get_serializer(obj).data)
        if blocked is not None:
            return blocked
        ser = s.ActionPatchSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        try:
            if "status" in data:
                services.action_update_progress(actor=request.user, action=obj, base_version=if_match(request), **data)
            else:
                services.action_update(actor=request.user, action=obj, expected_version=if_match(request), **data)
        except StaleVersion:
            fresh = self.get_queryset().get(pk=obj.pk)
            return stale_response(fresh.version, self.get_serializer(fresh).data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return self._current(obj.pk)

    @extend_schema(request=s.VerifyInputSerializer, responses=s.CorrectiveActionSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """The inspection team verifies a done action (closed) or sends it back."""
        obj = self.get_object()
        ser = s.VerifyInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            services.action_verify(actor=request.user, action=obj, **ser.validated_data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return self._current(obj.pk)

    @extend_schema(responses=s.ProgressSerializer(many=True))
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(s.ProgressSerializer(selectors.action_progress(action=self.get_object()), many=True).data)
