"""API: the document kinds, and a document as a Word file: `/api/v1/documents/<kind>/<id>/` for a
record, `/api/v1/documents/<kind>/?unit=<code>&period=<period>` for a report. Same scope as the screens
(another unit's record: 404)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import has_perm
from documents.generate import PERMS, document_build, document_docx
from documents.kinds import KINDS, get_kind
from documents.views import docx_response
from scorecards.periods import Period

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentKindSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    app = serializers.CharField()
    record = serializers.CharField()
    placeholders = serializers.DictField(child=serializers.CharField(), source="all_placeholders")


def _kind(request, code: str, *, report: bool):
    kind = get_kind(code)
    if kind is None or kind.is_report != report or not has_perm(request.user, PERMS[kind.code]):
        raise Http404
    return kind


class DocumentKindListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_kinds_list",
        responses={200: DocumentKindSerializer(many=True), 404: OpenApiResponse(description="No document for you")},
    )
    def get(self, request):
        kinds = [k for k in KINDS.values() if has_perm(request.user, PERMS[k.code])]
        if not kinds:
            raise Http404
        return Response(DocumentKindSerializer(kinds, many=True).data)


class RecordDocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_record_retrieve",
        responses={
            (200, DOCX): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Unknown kind, or a record outside your scope"),
        },
    )
    def get(self, request, kind, pk):
        kind = _kind(request, kind, report=False)
        document = document_build(kind=kind, user=request.user, record_id=pk, base_url=request.build_absolute_uri("/"))
        return docx_response(document_docx(document), document.filename)


class ReportDocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_report_retrieve",
        parameters=[
            OpenApiParameter("unit", str, required=True, description="Unit code (the report covers its subtree)."),
            OpenApiParameter("period", str, required=True, description="2026, 2026-Q1 or 2026-03."),
        ],
        responses={
            (200, DOCX): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="Missing unit or malformed period"),
            404: OpenApiResponse(description="Unknown kind, or a unit outside your scope"),
        },
    )
    def get(self, request, kind):
        kind = _kind(request, kind, report=True)
        code, period = request.query_params.get("unit", ""), request.query_params.get("period", "")
        try:
            period = Period.parse(period).key
        except ValueError as exc:
            raise ValidationError({"period": [str(exc)]}) from None
        if not code:
            raise ValidationError({"unit": ["Required."]})
        document = document_build(
            kind=kind, user=request.user, code=code, period=period, base_url=request.build_absolute_uri("/")
        )
        return docx_response(document_docx(document), document.filename)
