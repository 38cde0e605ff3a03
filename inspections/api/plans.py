"""Inspection plans: list, create, edit (If-Match), coverage, self-inspection campaigns."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ServiceWriteMixin, as_drf_error
from core.concurrency import IF_MATCH_PARAMETER, PRECONDITION_REQUIRED_RESPONSE, VersionedUpdateMixin
from core.permissions import Perm
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.api.common import READ_PERMS
from inspections.filters import PlanFilterSet

VERSIONED = extend_schema(
    parameters=[IF_MATCH_PARAMETER],
    responses={
        200: s.InspectionPlanSerializer,
        412: s.InspectionPlanSerializer,
        428: PRECONDITION_REQUIRED_RESPONSE,
    },
)


@extend_schema_view(update=VERSIONED, partial_update=VERSIONED)
class InspectionPlanViewSet(
    ServiceWriteMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    create_service = staticmethod(services.plan_create)
    update_service = staticmethod(services.plan_update)
    service_instance = "plan"
    serializer_class = s.InspectionPlanSerializer
    filterset_class = PlanFilterSet
    read_perm = READ_PERMS
    write_perm = Perm.INSPECTION_PLAN
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    @extend_schema(responses=s.CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        return Response(s.CoverageSerializer(selectors.plan_coverage(plan=self.get_object())).data)

    @extend_schema(request=s.CampaignSerializer, responses=s.InspectionPlanSerializer)
    @action(detail=False, methods=["post"])
    def campaign(self, request):
        """A self-inspection campaign: every unit in the scope gets a self-inspection assignment."""
        ser = s.CampaignSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            plan = services.campaign_create(actor=request.user, **ser.validated_data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(s.InspectionPlanSerializer(plan).data, status=status.HTTP_201_CREATED)
