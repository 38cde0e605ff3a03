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


NUMBER_HEADER = OpenApiResponse(
    response=OpenApiTypes.BINARY,
    description="The Word file. Header X-Document-Number: the issued number (URL-encoded), or `preview`.",
)


class RecordDocumentView(APIView):
    """GET: the document (a numbered kind not issued yet is an unnumbered preview; a GET takes no number).
    POST: issue it: takes the next number of the register once for the record and kind (a retry returns
    the same number), and returns the numbered Word file."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_record_retrieve",
        responses={
            (200, DOCX): NUMBER_HEADER,
            404: OpenApiResponse(description="Unknown kind, or a record outside your scope"),
        },
    )
    def get(self, request, kind, pk):
        kind = _kind(request, kind, report=False)
        document = document_build(kind=kind, user=request.user, record_id=pk, base_url=request.build_absolute_uri("/"))
        return docx_response(document_docx(document), document.filename, document)

    @extend_schema(
        operation_id="documents_record_issue",
        request=None,
        responses={
            (200, DOCX): NUMBER_HEADER,
            404: OpenApiResponse(description="Unknown or unnumbered kind, or a record outside your scope"),
        },
    )
    def post(self, request, kind, pk):
        kind = _kind(request, kind, report=False)
        if not kind.numbered:
            raise Http404
        document = document_build(
            kind=kind, user=request.user, record_id=pk, base_url=request.build_absolute_uri("/"), issue=True
        )
        return docx_response(document_docx(document), document.filename, document)


REPORT_PARAMETERS = [
    OpenApiParameter("unit", str, required=True, description="Unit code (the report covers its subtree)."),
    OpenApiParameter("period", str, required=True, description="2026, 2026-Q1 or 2026-03."),
]
REPORT_RESPONSES = {
    (200, DOCX): NUMBER_HEADER,
    400: OpenApiResponse(description="Missing unit or malformed period"),
    404: OpenApiResponse(description="Unknown kind, or a unit outside your scope"),
}


class ReportDocumentView(APIView):
    """GET: the report (a preview until issued). POST (same query parameters): issue it and return it numbered."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="documents_report_retrieve", parameters=REPORT_PARAMETERS, responses=REPORT_RESPONSES)
    def get(self, request, kind):
        return self.respond(request, kind, issue=False)

    @extend_schema(
        operation_id="documents_report_issue", parameters=REPORT_PARAMETERS, request=None, responses=REPORT_RESPONSES
    )
    def post(self, request, kind):
        return self.respond(request, kind, issue=True)

    def respond(self, request, kind, *, issue: bool):
        kind = _kind(request, kind, report=True)
        code, period = request.query_params.get("unit", ""), request.query_params.get("period", "")
        try:
            period = Period.parse(period).key
        except ValueError as exc:
            raise ValidationError({"period": [str(exc)]}) from None
        if not code:
            raise ValidationError({"unit": ["Required."]})
        document = document_build(
            kind=kind,
            user=request.user,
            code=code,
            period=period,
            base_url=request.build_absolute_uri("/"),
            issue=issue,
        )
        return docx_response(document_docx(document), document.filename, document)
