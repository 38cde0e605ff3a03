"""REST endpoints for units, staff and role assignments: reads through staff.selectors, writes
through staff.services."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets

from core.api import ServiceWriteMixin, as_drf_error
from core.concurrency import IF_MATCH_PARAMETER, PRECONDITION_REQUIRED_RESPONSE, VersionedUpdateMixin
from core.permissions import Perm
from staff import selectors, services
from staff.api.serializers import (
    PersonSuggestionSerializer,
    RoleAssignmentSerializer,
    StaffSerializer,
    UnitSerializer,
)
from staff.filters import PeoplePickFilterSet, RoleAssignmentFilterSet, StaffFilterSet, UnitFilterSet


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH_PARAMETER],
        responses={200: UnitSerializer, 412: UnitSerializer, 428: PRECONDITION_REQUIRED_RESPONSE},
    )
)
class UnitViewSet(ServiceWriteMixin, VersionedUpdateMixin, viewsets.ModelViewSet):
    create_service = staticmethod(services.unit_create)
    update_service = staticmethod(services.unit_update)
    service_instance = "unit"
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    read_perm = Perm.UNIT_VIEW
    write_perm = Perm.UNIT_MANAGE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH_PARAMETER],
        responses={200: StaffSerializer, 412: StaffSerializer, 428: PRECONDITION_REQUIRED_RESPONSE},
    )
)
class StaffViewSet(ServiceWriteMixin, VersionedUpdateMixin, viewsets.ModelViewSet):
    create_service = staticmethod(services.staff_create)
    update_service = staticmethod(services.staff_update)
    service_instance = "staff"
    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet
    read_perm = (Perm.STAFF_VIEW, Perm.OWN_RECORD)
    write_perm = Perm.STAFF_MANAGE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.staff_list(user=self.request.user)

    def service_data(self, serializer, *, creating: bool) -> dict:
        data = dict(serializer.validated_data)
        if not creating:
            data.pop("staff_code", None)  # a staff code is not changed by an edit
            data.setdefault("unit", None)  # None: the unit stays
        return data


class RoleAssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet
    read_perm = Perm.ROLE_MANAGE
    write_perm = Perm.ROLE_MANAGE

    def get_queryset(self):
        return selectors.role_assignment_list(user=self.request.user)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.role_assign(actor=self.request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc

    def perform_destroy(self, instance):
        services.role_revoke(actor=self.request.user, assignment=instance)


class PeoplePickView(generics.ListAPIView):
    """The people picker's type-ahead outside training (inspection teams, responsible persons, roles): active
        people the user may see, found by `q` (a name without diacritics, a staff code or a unit) and narrowed like
        the form that accepts them (`within` a unit, `perm` held by their account, `account`, and `scope`: among the
    people the user may act on with the form's own permission). The form field uses
        the same selector with the same filters, so nobody is suggested that the form would refuse."""

    serializer_class = PersonSuggestionSerializer
    filterset_class = PeoplePickFilterSet
    read_perm = Perm.STAFF_VIEW

    def get_queryset(self):
        # `scope` starts the search from the people the form's permission reaches (the FilterSet checks it)
        return selectors.people_pick(user=self.request.user, filters={"scope": self.request.query_params.get("scope")})
