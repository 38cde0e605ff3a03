"""Checklist templates and their versions: list, create, edit content, publish, retire, XLSForm."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api import ServiceWriteMixin, as_drf_error
from core.concurrency import IF_MATCH_PARAMETER, PRECONDITION_REQUIRED_RESPONSE, VersionedUpdateMixin
from core.permissions import Perm
from core.xlsx import XLSX_CONTENT_TYPE, ImportRejected
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.exports import xlsform_export
from inspections.importers import xlsform_import
from inspections.services import ItemSpec, SectionSpec

TEMPLATE_READ = (Perm.TEMPLATE_VIEW, Perm.TEMPLATE_MANAGE)


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH_PARAMETER],
        responses={
            200: s.ChecklistTemplateSerializer,
            412: s.ChecklistTemplateSerializer,
            428: PRECONDITION_REQUIRED_RESPONSE,
        },
    )
)
class ChecklistTemplateViewSet(
    ServiceWriteMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    create_service = staticmethod(services.template_create)
    update_service = staticmethod(services.template_update)
    service_instance = "template"
    serializer_class = s.ChecklistTemplateSerializer
    read_perm = TEMPLATE_READ
    write_perm = Perm.TEMPLATE_MANAGE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.template_list(user=self.request.user)

    @extend_schema(request=None, responses={201: s.TemplateVersionSerializer})
    @action(detail=True, methods=["post"], url_path="new-draft")
    def new_draft(self, request, pk=None):
        """Editing a published template: returns the draft of the next version (made if needed)."""
        try:
            draft = services.version_new_draft(actor=request.user, template=self.get_object())
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(s.TemplateVersionSerializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("XlsFormUpload", {"file": serializers.FileField()})},
        responses=s.TemplateVersionSerializer,
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_xlsform(self, request):
        """Import an XLSForm-shaped workbook: a new template, or the next draft version of an existing one."""
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Choose an .xlsx file.")]})
        try:
            version = xlsform_import(data=upload.read(), actor=request.user)
        except ImportRejected as exc:
            return Response({"errors": [str(e) for e in exc.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.TemplateVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class TemplateVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_perm = TEMPLATE_READ
    write_perm = Perm.TEMPLATE_MANAGE

    def get_queryset(self):
        return selectors.version_list(user=self.request.user, with_content=self.action in ("retrieve", "content"))

    def get_serializer_class(self):
        return s.TemplateVersionDetailSerializer if self.action == "retrieve" else s.TemplateVersionSerializer

    @extend_schema(request=s.VersionContentSerializer, responses=s.TemplateVersionDetailSerializer)
    @action(detail=True, methods=["put"])
    def content(self, request, pk=None):
        """Replace a draft's sections and items. A published version refuses (400)."""
        version = self.get_object()
        ser = s.VersionContentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        sections = [
            SectionSpec(
                code=sec["code"],
                title_vi=sec["title_vi"],
                title_en=sec["title_en"],
                items=[ItemSpec(**item) for item in sec["items"]],
            )
            for sec in data["sections"]
        ]
        try:
            services.version_set_content(
                actor=request.user,
                version=version,
                sections=sections,
                pass_threshold=data.get("pass_threshold"),
                notes=data.get("notes"),
            )
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(s.TemplateVersionDetailSerializer(self.get_queryset().get(pk=version.pk)).data)

    @extend_schema(request=None, responses=s.TemplateVersionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        try:
            version = services.version_publish(actor=request.user, version=self.get_object())
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(s.TemplateVersionSerializer(version).data)

    @extend_schema(request=None, responses=s.TemplateVersionSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        try:
            version = services.version_retire(actor=request.user, version=self.get_object())
        except ValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(s.TemplateVersionSerializer(version).data)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsform(self, request, pk=None):
        version = self.get_object()
        return FileResponse(
            iter([xlsform_export(version=version)]),
            as_attachment=True,
            content_type=XLSX_CONTENT_TYPE,
            filename=f"{version.template.code}-v{version.number}.xlsx",
        )
