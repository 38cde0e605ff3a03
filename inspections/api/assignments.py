"""Assignments: list, create, and the offline bundle of the user's open ones."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import as_drf_error
from core.permissions import Perm
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.api.common import FILL_PERMS, READ_PERMS
from inspections.filters import AssignmentFilterSet


class AssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet
    read_perm = READ_PERMS
    write_perm = Perm.INSPECTION_PLAN

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user)

    def perform_create(self, serializer):
        data = {"members": [], **serializer.validated_data}
        try:
            assignment = services.assignment_create(actor=self.request.user, **data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        serializer.instance = self.get_queryset().get(pk=assignment.pk)


class MyAssignmentsView(APIView):
    """Everything a tablet needs offline for the user's open assignments (all of them, unpaged)."""

    read_perm = FILL_PERMS

    @extend_schema(
        responses=inline_serializer(
            "AssignmentBundles",
            {"count": serializers.IntegerField(), "results": s.BundleSerializer(many=True)},
        )
    )
    def get(self, request):
        bundle = selectors.assignment_bundle(user=request.user)
        return Response({"count": len(bundle), "results": s.BundleSerializer(bundle, many=True).data})
