"""Training REST API: same selectors, FilterSets and scopes as the screens; writes go through services.

Editable records carry `ETag: "<version>"`; PATCH needs `If-Match` (428 without it, 412 when stale). Attendance
for a session is written in one PUT that follows the offline sync protocol (client_uuid + content hash)."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ServiceWriteMixin, as_drf_error, id_or_404
from core.concurrency import IF_MATCH_PARAMETER, PRECONDITION_REQUIRED_RESPONSE, VersionedUpdateMixin
from core.concurrency import if_match as parse_if_match
from core.permissions import Perm
from staff.filters import PICKER_PERMS, PeoplePickFilterSet
from staff.models import Staff
from training import selectors, services
from training.api.serializers import (
    AttendanceBodySerializer,
    AttendanceRecordSerializer,
    AttendanceWriteSerializer,
    BundleClassSerializer,
    CertificateRevokeSerializer,
    CertificateSerializer,
    ClassSessionSerializer,
    ClassStatusSerializer,
    CloseSerializer,
    CourseSerializer,
    EnrollmentSerializer,
    EnrollmentStatusSerializer,
    HoursRowSerializer,
    NominateSerializer,
    PeopleLookupSerializer,
    RequirementRetireSerializer,
    ScoreSerializer,
    SyncErrorSerializer,
    TrainingClassSerializer,
    TrainingRequirementSerializer,
)
from training.filters import (
    AttendanceRecordFilterSet,
    CertificateFilterSet,
    CourseFilterSet,
    EnrollmentFilterSet,
    HoursFilterSet,
    SessionFilterSet,
    TrainingClassFilterSet,
    year_from,
)
from training.models import READ_OR_OWN, TRAINING_READ, ClassSession

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The version the edit is based on, as returned in ETag: "<version>".',
)


def content_hash(data) -> str:
    payload = {k: v for k, v in dict(data).items() if k != "client_uuid" and not str(k).startswith("_")}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def precondition_required() -> Response:
    return Response(
        {"code": "precondition_required", "detail": _("Send If-Match with the version you edited.")},
        status=status.HTTP_428_PRECONDITION_REQUIRED,
    )


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH_PARAMETER],
        responses={200: CourseSerializer, 412: CourseSerializer, 428: PRECONDITION_REQUIRED_RESPONSE},
    )
)
class CourseViewSet(ServiceWriteMixin, VersionedUpdateMixin, viewsets.ModelViewSet):
    create_service = staticmethod(services.course_create)
    update_service = staticmethod(services.course_update)
    service_instance = "course"
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    read_perm = TRAINING_READ
    write_perm = Perm.TRAINING_MANAGE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.course_list(user=self.request.user)


class TrainingClassViewSet(viewsets.ModelViewSet):
    serializer_class = TrainingClassSerializer
    filterset_class = TrainingClassFilterSet
    read_perm = TRAINING_READ
    write_perm = Perm.TRAINING_MANAGE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.class_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def perform_create(self, serializer):
        try:
            created = services.class_create(actor=self.request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        serializer.instance = self.get_queryset().get(pk=created.pk)

    @extend_schema(
        parameters=[IF_MATCH],
        responses={
            200: TrainingClassSerializer,
            412: TrainingClassSerializer,
            428: OpenApiResponse(description="If-Match missing"),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        version = parse_if_match(request)
        if version is None:
            return precondition_required()
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("code", None)
        data.pop("course", None)
        try:
            services.class_update(actor=request.user, training_class=instance, expected_version=version, **data)
        except services.StaleVersion:
            current = self.get_serializer(self.get_queryset().get(pk=instance.pk)).data
            return Response(
                current, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": f'"{current["version"]}"'}
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        current = self.get_serializer(self.get_queryset().get(pk=instance.pk)).data
        return Response(current, headers={"ETag": f'"{current["version"]}"'})

    @extend_schema(request=ClassStatusSerializer, responses=TrainingClassSerializer)
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request, pk=None):
        instance = self.get_object()
        data = ClassStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.class_set_status(actor=request.user, training_class=instance, **data.validated_data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)

    @extend_schema(
        request=NominateSerializer,
        responses=inline_serializer(
            "Nomination",
            {
                "confirmed": serializers.IntegerField(),
                "waitlisted": serializers.IntegerField(),
                "warnings": serializers.ListField(child=serializers.CharField()),
                "enrollments": EnrollmentSerializer(many=True),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def nominate(self, request, pk=None):
        instance = self.get_object()
        data = NominateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["staff"]
        found = {s.pk: s for s in Staff.objects.filter(pk__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise serializers.ValidationError(
                {"staff": [_("Unknown staff member: %(id)s") % {"id": i} for i in missing]}
            )
        try:
            result = services.enrollment_nominate_many(
                actor=request.user,
                training_class=instance,
                staff_list=[found[i] for i in ids],
                reason=data.validated_data["reason"],
                confirm=data.validated_data["confirm"],
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(
            {
                "confirmed": result.confirmed,
                "waitlisted": result.waitlisted,
                "warnings": result.warnings,
                "enrollments": EnrollmentSerializer(self._reread(request, result.enrollments), many=True).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def _reread(request, enrollments):
        """The enrollments a service returned, read again through the selector (person, class and certificate
        joined), in the same order."""
        found = selectors.enrollment_list(user=request.user).in_bulk([e.pk for e in enrollments])
        return [found[e.pk] for e in enrollments]

    @extend_schema(
        request=CloseSerializer,
        responses=inline_serializer(
            "CloseSummary",
            {
                "completed": serializers.IntegerField(),
                "not_completed": serializers.IntegerField(),
                "no_show": serializers.IntegerField(),
                "certificates": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        instance = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            summary = services.class_close(
                actor=request.user, training_class=instance, scores=data.validated_data["scores"]
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(
            {
                "completed": summary.completed,
                "not_completed": summary.not_completed,
                "no_show": summary.no_show,
                "certificates": [c.number for c in summary.certificates],
            }
        )


class ClassSessionViewSet(viewsets.ModelViewSet):
    serializer_class = ClassSessionSerializer
    filterset_class = SessionFilterSet
    read_perm = READ_OR_OWN
    write_perm = Perm.TRAINING_MANAGE
    action_perms = {"attendance": (Perm.TRAINING_ATTEND, Perm.OWN_RECORD)}
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.session_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        cls = data.pop("training_class")
        if not selectors.class_list(user=self.request.user).filter(pk=cls.pk).exists():
            raise serializers.ValidationError({"training_class": [_("This class is outside your scope.")]})
        try:
            serializer.instance = services.session_create(actor=self.request.user, training_class=cls, **data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc

    def perform_update(self, serializer):
        """PUT (every field) and PATCH (some) follow the same rules; a session stays in its class."""
        data = dict(serializer.validated_data)
        cls = data.pop("training_class", None)
        if cls is not None and cls.pk != serializer.instance.training_class_id:
            raise serializers.ValidationError({"training_class": [_("A session cannot be moved to another class.")]})
        try:
            serializer.instance = services.session_update(actor=self.request.user, session=serializer.instance, **data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc

    @extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                response=inline_serializer("SessionDeleteRefused", {"detail": serializers.CharField()}),
                description="Attendance was recorded for this session, or its class is closed; nothing was deleted.",
            ),
        },
        description="Delete a session on which no attendance has been recorded.",
    )
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        try:
            services.session_delete(actor=request.user, session=instance)
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["PUT"],
        parameters=[IF_MATCH],
        request=AttendanceWriteSerializer,
        responses={
            200: AttendanceBodySerializer,
            400: OpenApiResponse(description="Field errors; nothing written"),
            403: SyncErrorSerializer,
            404: OpenApiResponse(description="Not a session you may mark"),
            409: SyncErrorSerializer,
            412: SyncErrorSerializer,
            428: OpenApiResponse(description="If-Match missing"),
        },
        description=(
            "Write the whole roll call of a session. Carries `client_uuid` (UUID4 made on the device): the same "
            "uuid with the same content answers the first answer again (200, no new row); with different content "
            "409 with the current marks. `If-Match` names the attendance version the device started from; stale → 412."
        ),
    )
    @extend_schema(methods=["GET"], responses=AttendanceBodySerializer)
    @action(detail=True, methods=["get", "put"])
    def attendance(self, request, pk=None):
        pk = id_or_404(pk)
        if request.method == "GET":
            session = selectors.session_for_attendance(user=request.user, pk=pk)
            body = services.session_attendance_current(session)
            return Response(body, headers={"ETag": f'"{body["version"]}"'})
        data = AttendanceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = parse_if_match(request)
        if version is None:
            return precondition_required()
        try:
            result = services.attendance_save(
                actor=request.user,
                session_id=pk,
                marks=data.validated_data["marks"],
                expected_version=version,
                client_uuid=data.validated_data.get("client_uuid"),
                content_hash=content_hash(request.data),
                reason=data.validated_data["reason"],
            )
        except ClassSession.DoesNotExist:
            raise Http404 from None
        except services.SyncError as exc:
            return Response({"code": exc.code, "detail": exc.message, "current": exc.current}, status=exc.status_code)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(result.body, headers={"ETag": f'"{result.body["version"]}"'})


class EnrollmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilterSet
    read_perm = READ_OR_OWN
    write_perm = Perm.TRAINING_MANAGE
    action_perms = {"set_status": (Perm.TRAINING_MANAGE, Perm.OWN_RECORD)}

    def get_queryset(self):
        return selectors.enrollment_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cls = serializer.validated_data["training_class"]
        if not selectors.class_list(user=request.user).filter(pk=cls.pk).exists():
            raise serializers.ValidationError({"training_class": [_("This class is outside your scope.")]})
        try:
            result = services.enrollment_nominate(
                actor=request.user, training_class=cls, staff=serializer.validated_data["staff"]
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        body = dict(self.get_serializer(self.get_queryset().get(pk=result.enrollments[0].pk)).data)
        body["warnings"] = result.warnings
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnrollmentStatusSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request, pk=None):
        instance = self.get_object()
        data = EnrollmentStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.enrollment_set_status(actor=request.user, enrollment=instance, **data.validated_data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)

    @extend_schema(request=ScoreSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        instance = self.get_object()
        data = ScoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.enrollment_set_score(actor=request.user, enrollment=instance, score=data.validated_data["score"])
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """Certificates in scope (and one's own). `status`: valid or revoked. POST `.../revoke/` with a reason
    revokes one (training managers of the class's unit; another unit's certificate is 404)."""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    read_perm = READ_OR_OWN
    action_perms = {"revoke": Perm.TRAINING_MANAGE}

    def get_queryset(self):
        return selectors.certificate_list(user=self.request.user)

    @extend_schema(request=CertificateRevokeSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        instance = self.get_object()
        data = CertificateRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.certificate_revoke(actor=request.user, certificate=instance, reason=data.validated_data["reason"])
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)


class AttendanceRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The attendance register: every mark the user may see, filtered like the register's screen (person,
    unit, class, attendance, session dates; and what the scorecards' attendance rate counts)."""

    serializer_class = AttendanceRecordSerializer
    filterset_class = AttendanceRecordFilterSet
    read_perm = READ_OR_OWN

    def get_queryset(self):
        return selectors.attendance_records(user=self.request.user)


class TrainingHoursViewSet(viewsets.GenericViewSet):
    """Hours ledger: one row per person and year (tiết of completed courses + approved external tiết against the
    matching requirement rule; minutes as detail). Filters: q, unit, category, year, status (met, on_track, at_risk, not_met)."""

    serializer_class = HoursRowSerializer
    filterset_class = HoursFilterSet
    read_perm = READ_OR_OWN
    queryset = Staff.objects.none()

    def list(self, request):
        filters = HoursFilterSet(request.query_params, queryset=Staff.objects.none(), request=request)
        if not filters.is_valid():
            raise serializers.ValidationError(filters.errors)
        rows = selectors.hours_ledger(
            user=request.user, year=year_from(request.query_params), filters=request.query_params, request=request
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(HoursRowSerializer(page, many=True).data)


class TrainingRequirementViewSet(ServiceWriteMixin, viewsets.ModelViewSet):
    """Yearly tiết rules, as on the "Định mức" screen: everyone with training access reads the rules of their
    scope (and the province-wide ones); training managers (HR, administrators) create, edit and retire them, for
    the units they manage (the whole province for a rule without a unit). Nothing is deleted: retiring sets the
    last year the rule applies."""

    create_service = staticmethod(services.requirement_create)
    update_service = staticmethod(services.requirement_update)
    service_instance = "requirement"
    serializer_class = TrainingRequirementSerializer
    read_perm = TRAINING_READ
    write_perm = Perm.TRAINING_MANAGE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.requirement_list(user=self.request.user)

    @extend_schema(request=RequirementRetireSerializer, responses=TrainingRequirementSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        rule = self.get_object()
        data = RequirementRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.requirement_retire(
                actor=request.user, requirement=rule, last_year=data.validated_data["last_year"]
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(TrainingRequirementSerializer(self.get_queryset().get(pk=rule.pk)).data)


class PeopleLookupView(APIView):
    """The people picker's type-ahead: ?q= a name (diacritics optional), a staff code or a unit; at most 20 active
    people in the user's training scope, each with this year's tiết status. The filters of the staff-level
    picker (/api/v1/people/: within, perm, account) apply too."""

    read_perm = TRAINING_READ

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name (diacritics optional), staff code or unit"),
            OpenApiParameter("within", int, description="only people of this unit (id) and its sub-units"),
            OpenApiParameter("perm", str, enum=list(PICKER_PERMS), description="whose account holds it"),
            OpenApiParameter("account", bool, description="with (true) or without (false) a user account"),
        ],
        responses=inline_serializer("PeopleLookupPage", {"results": PeopleLookupSerializer(many=True)}),
    )
    def get(self, request):
        filters = PeoplePickFilterSet(request.query_params, queryset=Staff.objects.none())
        if not filters.is_valid():
            raise serializers.ValidationError(filters.errors)
        rows = selectors.people_lookup(user=request.user, filters=request.query_params, year=timezone.localdate().year)
        return Response({"results": PeopleLookupSerializer(rows, many=True).data})


class MyClassesView(APIView):
    """Bundle for a trainer's tablet: classes open or in progress where the user may take attendance, with the
    roster, sessions and marks needed to work offline."""

    read_perm = (Perm.TRAINING_ATTEND, Perm.OWN_RECORD)

    @extend_schema(responses=inline_serializer("MyClassesBundle", {"classes": BundleClassSerializer(many=True)}))
    def get(self, request):
        classes = selectors.my_classes_bundle(user=request.user)
        return Response({"classes": BundleClassSerializer(classes, many=True).data})
