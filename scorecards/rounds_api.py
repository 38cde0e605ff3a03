"""REST endpoints: indicator values (list, enter, import), assessment rounds (open, publish) and each
unit's self-assessment and appraisal. Reads go through scorecards.rounds_read, writes through the
services; a unit outside the caller's scope is 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import as_drf_error
from core.permissions import Perm
from core.xlsx import ImportRejected
from scorecards import indicators, rounds, rounds_read
from scorecards.filters import IndicatorValueFilterSet
from scorecards.models import AssessmentRound, Indicator, IndicatorValue
from scorecards.periods import Period


# ------------------------------------------------------------------------------ indicator values
class IndicatorValueSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    imported_by = serializers.CharField(source="imported_by.username", read_only=True, default="")

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "period",
            "indicator",
            "indicator_name",
            "value",
            "source",
            "imported_by",
            "imported_at",
            "file_name",
        ]
        read_only_fields = ["imported_at", "file_name"]
        validators = []  # the service replaces the value of the same unit, period and indicator


class IndicatorImportSerializer(serializers.Serializer):
    file = serializers.FileField()


def _object(code=200):
    return {
        code: OpenApiTypes.OBJECT,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="Refused: field or cell errors, nothing written"),
        404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such round or unit, or outside your scope"),
    }


def _rejected(exc: ImportRejected) -> Response:
    return Response(
        {
            "errors": [
                {"sheet": e.sheet, "row": e.row, "column": e.column, "message": str(e.message)} for e in exc.errors
            ]
        },
        status=400,
    )


class IndicatorValueViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Indicator values per unit and period. POST enters (or replaces) one; `import/` takes an .xlsx sheet
    (unit code, period, indicator code, value, source), all or nothing."""

    serializer_class = IndicatorValueSerializer
    lookup_value_regex = r"\d+"
    filterset_class = IndicatorValueFilterSet
    read_perm = (Perm.SCORECARD_VIEW, Perm.INDICATOR_MANAGE)
    write_perm = Perm.INDICATOR_MANAGE
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return rounds_read.indicator_value_list(user=self.request.user)

    def get_serializer_class(self):
        return IndicatorImportSerializer if getattr(self, "action", None) == "import_file" else IndicatorValueSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        unit = rounds_read.unit_for_round(user=self.request.user, pk=data["unit"].pk)
        try:
            period = Period.parse(data["period"])
            serializer.instance = indicators.indicator_value_set(
                actor=self.request.user,
                unit=unit,
                indicator=data["indicator"],
                period=period,
                value=data["value"],
                source=data.get("source", ""),
            )
        except ValueError as exc:
            raise serializers.ValidationError({"period": [str(exc)]}) from None
        except ValidationError as exc:
            raise as_drf_error(exc) from exc

    @extend_schema(request={"multipart/form-data": IndicatorImportSerializer}, responses=_object(201))
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Choose an Excel file (.xlsx).")]})
        try:
            plan = indicators.indicator_import(data=upload.read(), actor=request.user, file_name=upload.name)
        except ImportRejected as exc:
            return _rejected(exc)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response({"created": plan.created, "updated": plan.updated, "rows": plan.total}, status=201)


# ---------------------------------------------------------------------------------- rounds
class RoundSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    publication_period = serializers.CharField(source="publication.period", read_only=True, default=None)

    class Meta:
        model = AssessmentRound
        fields = [
            "id",
            "period",
            "deadline",
            "appraisal_deadline",
            "status",
            "status_label",
            "note",
            "publication_period",
        ]
        read_only_fields = ["status"]


class CriterionEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    self_value = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    explanation = serializers.CharField(required=False, allow_blank=True)
    evidence_link = serializers.URLField(required=False, allow_blank=True)


class EntriesSerializer(serializers.Serializer):
    criteria = CriterionEntrySerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    key = serializers.CharField()
    decision = serializers.ChoiceField(choices=["accepted", "adjusted"])
    value = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class DecisionsSerializer(serializers.Serializer):
    criteria = DecisionSerializer(many=True)


def assessment_payload(view: rounds_read.AssessmentView, request) -> dict:
    return {
        "round": view.round.pk,
        "period": view.round.period,
        "deadline": view.round.deadline.isoformat(),
        "unit": view.unit.pk,
        "unit_code": view.unit.code,
        "unit_name": view.unit.name,
        "status": view.status,
        "status_label": str(view.status_label),
        "self_total": view.assessment.self_total if view.assessment else None,
        "appraised_total": view.assessment.appraised_total if view.assessment else None,
        "criteria": [
            {
                "key": r.key,
                "label": r.label,
                "kind": r.kind,
                "weight": r.weight,
                "live_value": r.live_value,
                "self_value": r.self_value,
                "explanation": r.explanation,
                "evidence_link": r.evidence_link,
                "evidence_file": request.build_absolute_uri(r.evidence_file.url) if r.evidence_file else None,
                "decision": r.decision,
                "decision_label": str(r.decision_label),
                "appraised_value": r.appraised_value,
                "difference": r.difference,
                "reason": r.reason,
            }
            for r in view.rows
        ],
    }


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Assessment rounds. POST opens one (the assessing body); `publish/` publishes it. Each unit's
    self-assessment: `units/{unit}/` (GET), `units/{unit}/save/`, `units/{unit}/submit/` (the unit),
    `units/{unit}/appraise/` (the appraiser)."""

    serializer_class = RoundSerializer
    lookup_value_regex = r"\d+"
    read_perm = rounds_read.ROUND_PERMS
    write_perm = Perm.SCORECARD_APPRAISE
    action_perms = {
        "unit_save": Perm.SCORECARD_ASSESS,
        "unit_submit": Perm.SCORECARD_ASSESS,
        "unit_appraise": Perm.SCORECARD_APPRAISE,
        "publish": Perm.SCORECARD_APPRAISE,
        "unit": rounds_read.ROUND_PERMS,
    }

    def get_queryset(self):
        return rounds_read.round_list(user=self.request.user).select_related("publication")

    def get_serializer_class(self):
        return {"unit_save": EntriesSerializer, "unit_appraise": DecisionsSerializer}.get(
            getattr(self, "action", None), RoundSerializer
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = rounds.round_open(
                actor=self.request.user,
                period=Period.parse(data["period"]),
                deadline=data["deadline"],
                appraisal_deadline=data.get("appraisal_deadline"),
                note=data.get("note", ""),
            )
        except ValueError as exc:
            raise serializers.ValidationError({"period": [str(exc)]}) from None
        except ValidationError as exc:
            raise as_drf_error(exc) from exc

    @extend_schema(request=None, responses=_object())
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        round_ = self.get_object()
        try:
            publication = rounds.round_publish(actor=request.user, round_=round_)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        round_.refresh_from_db()
        return Response({**RoundSerializer(round_).data, "publication_period": publication.period})

    def _unit_view(self, request, unit_pk):
        round_ = self.get_object()
        unit = rounds_read.unit_for_round(user=request.user, pk=unit_pk)
        return round_, unit

    @extend_schema(responses=_object())
    @action(detail=True, methods=["get"], url_path=r"units/(?P<unit_pk>\d+)")
    def unit(self, request, pk=None, unit_pk=None):
        round_, unit = self._unit_view(request, unit_pk)
        return Response(
            assessment_payload(rounds_read.assessment_view(user=request.user, round_=round_, unit=unit), request)
        )

    @extend_schema(request=EntriesSerializer, responses=_object())
    @action(detail=True, methods=["post"], url_path=r"units/(?P<unit_pk>\d+)/save")
    def unit_save(self, request, pk=None, unit_pk=None):
        round_, unit = self._unit_view(request, unit_pk)
        body = EntriesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            rounds.assessment_save(
                actor=request.user, round_=round_, unit=unit, entries=body.validated_data["criteria"]
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(
            assessment_payload(rounds_read.assessment_view(user=request.user, round_=round_, unit=unit), request)
        )

    @extend_schema(request=None, responses=_object())
    @action(detail=True, methods=["post"], url_path=r"units/(?P<unit_pk>\d+)/submit")
    def unit_submit(self, request, pk=None, unit_pk=None):
        round_, unit = self._unit_view(request, unit_pk)
        try:
            rounds.assessment_submit(actor=request.user, round_=round_, unit=unit)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(
            assessment_payload(rounds_read.assessment_view(user=request.user, round_=round_, unit=unit), request)
        )

    @extend_schema(request=DecisionsSerializer, responses=_object())
    @action(detail=True, methods=["post"], url_path=r"units/(?P<unit_pk>\d+)/appraise")
    def unit_appraise(self, request, pk=None, unit_pk=None):
        round_, unit = self._unit_view(request, unit_pk)
        body = DecisionsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = round_.assessments.filter(unit=unit).first()
        if assessment is None:
            raise serializers.ValidationError({"detail": [_("The unit has not submitted its self-assessment yet.")]})
        try:
            rounds.assessment_appraise(
                actor=request.user, assessment=assessment, decisions=body.validated_data["criteria"]
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(
            assessment_payload(rounds_read.assessment_view(user=request.user, round_=round_, unit=unit), request)
        )
