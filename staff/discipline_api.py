"""REST endpoints for discipline decisions: list, read, record one, import a sheet (all or nothing).
Rows come from `DisciplineDecision.objects.visible_to(user)`: another unit's decision is 404."""

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
from staff import discipline, selectors
from staff.filters import DisciplineFilterSet
from staff.models import DisciplineDecision, Staff


class DisciplineSerializer(serializers.ModelSerializer):
    staff = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())
    staff_code = serializers.CharField(source="staff.staff_code", read_only=True)
    full_name = serializers.CharField(source="staff.full_name", read_only=True)
    form_label = serializers.CharField(source="get_form_display", read_only=True)

    class Meta:
        model = DisciplineDecision
        fields = [
            "id",
            "staff",
            "staff_code",
            "full_name",
            "form",
            "form_label",
            "decision_number",
            "decision_date",
            "issuing_body",
            "effective_from",
            "effective_until",
            "legal_basis",
            "reason",
            "finding_id",
        ]
        validators = []

    def validate_staff(self, value):
        request = self.context["request"]
        if not Staff.objects.visible_to(request.user, Perm.DISCIPLINE_MANAGE).filter(pk=value.pk).exists():
            raise serializers.ValidationError(_("No such person in your scope."))
        return value


class DisciplineImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class DisciplineViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = DisciplineSerializer
    lookup_value_regex = r"\d+"
    filterset_class = DisciplineFilterSet
    read_perm = (Perm.DISCIPLINE_VIEW, Perm.OWN_RECORD)
    write_perm = Perm.DISCIPLINE_MANAGE
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.discipline_list(user=self.request.user)

    def get_serializer_class(self):
        return DisciplineImportSerializer if getattr(self, "action", None) == "import_file" else DisciplineSerializer

    def perform_create(self, serializer):
        try:
            serializer.instance = discipline.discipline_create(actor=self.request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise as_drf_error(exc) from exc

    @extend_schema(
        request={"multipart/form-data": DisciplineImportSerializer},
        responses={
            201: OpenApiTypes.OBJECT,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="The file is refused: every bad cell"),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Choose an Excel file (.xlsx).")]})
        try:
            plan = discipline.discipline_import(data=upload.read(), actor=request.user)
        except ImportRejected as exc:
            return Response(
                {
                    "errors": [
                        {"sheet": e.sheet, "row": e.row, "column": e.column, "message": str(e.message)}
                        for e in exc.errors
                    ]
                },
                status=400,
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response({"created": plan.total}, status=201)
