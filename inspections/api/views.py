"""REST API for inspections. Reads come from selectors (out of scope = 404), writes go through
services. Inspection creation follows the offline sync protocol (helpers/sync.md): client_uuid +
content hash, replays answer the first body, conflicts 409; edits need If-Match (412 stale, 428
missing). Photos upload in resumable chunks by their sha256."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_views import as_drf_error, kept_list_response
from core.permissions import Perm
from core.xlsx import XLSX_CONTENT_TYPE, ImportRejected
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.filters import (
    AssignmentFilterSet,
    CorrectiveActionFilterSet,
    FindingFilterSet,
    InspectionFilterSet,
    PlanFilterSet,
)
from inspections.models import Assignment, Evidence, EvidenceBlob, Inspection, TemplateVersion
from inspections.services import AnswerInput, ItemSpec, SectionSpec

IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The version the edit is based on, as returned in ETag: "<version>".',
)
FILL_PERMS = (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)
READ_PERMS = (Perm.INSPECTION_VIEW, Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)


def _drf(exc: ValidationError):
    return as_drf_error(exc)


def _etag(response: Response, version: int) -> Response:
    response["ETag"] = f'"{version}"'
    return response


def _if_match(request) -> int | None:
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', raw)
    return int(match.group(1)) if match else -1


def _precondition(request, current_version: int, current_body):
    """None if the edit may go on, else the 428/412 response."""
    wanted = _if_match(request)
    if wanted is None:
        return Response(
            {
                "code": "precondition_required",
                "detail": _("Send If-Match with the version you edited (from the ETag)."),
            },
            status=status.HTTP_428_PRECONDITION_REQUIRED,
        )
    if wanted != current_version:
        return _etag(
            Response(
                {"code": "stale", "detail": _("This record changed since you opened it."), "current": current_body},
                status=status.HTTP_412_PRECONDITION_FAILED,
            ),
            current_version,
        )
    return None


def _answers(data) -> list[AnswerInput]:
    return [
        AnswerInput(item=a["item"], value=a.get("value"), note=a.get("note", ""), evidence=a.get("evidence", []))
        for a in data
    ]


# ----------------------------------------------------------------------------------- templates
class ChecklistTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ChecklistTemplateSerializer
    read_perm = (Perm.TEMPLATE_VIEW, Perm.TEMPLATE_MANAGE)
    write_perm = Perm.TEMPLATE_MANAGE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.template_list(user=self.request.user)

    def perform_create(self, serializer):
        try:
            template = services.template_create(actor=self.request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise _drf(exc) from exc
        serializer.instance = self.get_queryset().get(pk=template.pk)  # with its version numbers

    def perform_update(self, serializer):
        try:
            serializer.instance = services.template_update(
                actor=self.request.user, template=serializer.instance, **serializer.validated_data
            )
        except ValidationError as exc:
            raise _drf(exc) from exc

    @extend_schema(request=None, responses=s.TemplateVersionSerializer)
    @action(detail=True, methods=["post"], url_path="new-draft")
    def new_draft(self, request, pk=None):
        """Editing a published template: returns the draft of the next version (made if needed)."""
        template = self.get_object()
        try:
            draft = services.version_new_draft(actor=request.user, template=template)
        except ValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.TemplateVersionSerializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("XlsFormUpload", {"file": serializers.FileField()})},
        responses=s.TemplateVersionSerializer,
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_xlsform(self, request):
        """Import an XLSForm-shaped workbook: a new template, or the next draft version of an existing one."""
        from inspections.importers import xlsform_import

        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Choose an .xlsx file.")]})
        try:
            version = xlsform_import(data=upload.read(), actor=request.user)
        except ImportRejected as exc:
            return Response({"errors": [str(e) for e in exc.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.TemplateVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class TemplateVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_perm = (Perm.TEMPLATE_VIEW, Perm.TEMPLATE_MANAGE)
    write_perm = Perm.TEMPLATE_MANAGE

    def get_queryset(self):
        qs = TemplateVersion.objects.visible_to(self.request.user).select_related("template")
        if self.action == "retrieve":
            qs = qs.prefetch_related("sections__items__section")
        return qs.order_by("template__code", "-number")

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
            raise _drf(exc) from exc
        version = self.get_queryset().prefetch_related("sections__items__section").get(pk=version.pk)
        return Response(s.TemplateVersionDetailSerializer(version).data)

    @extend_schema(request=None, responses=s.TemplateVersionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        try:
            version = services.version_publish(actor=request.user, version=self.get_object())
        except ValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.TemplateVersionSerializer(version).data)

    @extend_schema(request=None, responses=s.TemplateVersionSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        try:
            version = services.version_retire(actor=request.user, version=self.get_object())
        except ValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.TemplateVersionSerializer(version).data)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsform(self, request, pk=None):
        from inspections.exports import xlsform_export

        version = self.get_object()
        data = xlsform_export(version=version)
        return FileResponse(
            iter([data]),
            as_attachment=True,
            content_type=XLSX_CONTENT_TYPE,
            filename=f"{version.template.code}-v{version.number}.xlsx",
        )


# --------------------------------------------------------------------------- plans, assignments
class InspectionPlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.InspectionPlanSerializer
    filterset_class = PlanFilterSet
    read_perm = READ_PERMS
    write_perm = Perm.INSPECTION_PLAN

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.plan_create(actor=self.request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise _drf(exc) from exc

    @extend_schema(
        responses=inline_serializer(
            "Coverage",
            {
                "units": serializers.IntegerField(),
                "inspected": serializers.IntegerField(),
                "percent": serializers.DecimalField(max_digits=5, decimal_places=1),
                "target": serializers.DecimalField(max_digits=5, decimal_places=2),
                "met": serializers.BooleanField(),
                "needed": serializers.IntegerField(),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        return Response(selectors.plan_coverage(plan=self.get_object()))

    @extend_schema(request=s.CampaignSerializer, responses=s.InspectionPlanSerializer)
    @action(detail=False, methods=["post"])
    def campaign(self, request):
        """A self-inspection campaign: every unit in the scope gets a self-inspection assignment."""
        ser = s.CampaignSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            plan = services.campaign_create(actor=request.user, **ser.validated_data)
        except ValidationError as exc:
            raise _drf(exc) from exc
        return Response(s.InspectionPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


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
        data = dict(serializer.validated_data)
        data["members"] = data.get("members", [])
        try:
            serializer.instance = services.assignment_create(actor=self.request.user, **data)
        except ValidationError as exc:
            raise _drf(exc) from exc


class MyAssignmentsView(APIView):
    """Everything a tablet needs offline for the user's open assignments."""

    read_perm = FILL_PERMS

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        bundle = selectors.assignment_bundle(user=request.user)
        result = []
        for entry in bundle:
            a, v = entry["assignment"], entry["version"]
            last = entry["last_result"]
            insp = entry["inspection"]
            result.append(
                {
                    "assignment": {
                        "id": a.pk,
                        "due_date": a.due_date,
                        "announced": a.announced,
                        "is_self": a.is_self,
                        "plan": a.plan.name,
                        "lead": a.lead.username if a.lead else None,
                        "members": [m.username for m in a.members.all()],
                    },
                    "unit": {"id": a.unit.pk, "code": a.unit.code, "name": a.unit.name, "kind": a.unit.kind},
                    "template_version": {
                        "id": v.pk,
                        "template": v.template.code,
                        "name_vi": v.template.name_vi,
                        "name_en": v.template.name_en,
                        "kind": v.template.kind,
                        "number": v.number,
                        "status": v.status,
                        "pass_threshold": str(v.pass_threshold),
                        "sections": [
                            {
                                "code": sec.code,
                                "title_vi": sec.title_vi,
                                "title_en": sec.title_en,
                                "items": s.ItemSerializer(items, many=True).data,
                            }
                            for sec, items in entry["sections"]
                        ],
                    },
                    "open_actions": [
                        {
                            "id": c.pk,
                            "description": c.description,
                            "due_date": c.due_date,
                            "status": c.status,
                            "overdue": c.overdue,
                            "item": c.finding.item.code,
                        }
                        for c in entry["open_actions"]
                    ],
                    "last_result": None
                    if last is None
                    else {
                        "inspection": last.pk,
                        "template": last.template_version.template.code,
                        "inspected_on": last.inspected_on,
                        "band": last.band,
                        "total_percent": str(last.total_percent) if last.total_percent is not None else None,
                        "critical_failed": last.critical_failed,
                    },
                    "inspection": None
                    if insp is None
                    else {
                        "id": insp.pk,
                        "status": insp.status,
                        "version": insp.version,
                        "client_uuid": str(insp.client_uuid) if insp.client_uuid else None,
                        "review_comment": insp.review_comment,
                        "answers": [
                            {
                                "item": ans.item.code,
                                "value": ans.value,
                                "note": ans.note,
                                "evidence": [e.blob.sha256 for e in ans.evidence.all()],
                            }
                            for ans in entry["answers"]
                        ],
                    },
                }
            )
        return Response({"count": len(result), "results": result})


# ---------------------------------------------------------------------------------- inspections
CONFLICT = OpenApiResponse(s.ConflictSerializer, description="Same client_uuid, different content.")
STALE = OpenApiResponse(s.ConflictSerializer, description="If-Match names an older version.")


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = InspectionFilterSet
    read_perm = READ_PERMS
    write_perm = FILL_PERMS
    action_perms = {
        "approve": Perm.INSPECTION_REVIEW,
        "return_": Perm.INSPECTION_REVIEW,
        "amend": Perm.INSPECTION_REVIEW,
        "versions": READ_PERMS,
        "compare": READ_PERMS,
    }

    def get_queryset(self):
        qs = selectors.inspection_list(user=self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related("answers__item", "answers__evidence__blob")
        return qs

    def get_serializer_class(self):
        return s.InspectionSerializer if self.action == "list" else s.InspectionDetailSerializer

    def list(self, request, *args, **kwargs):
        """InspectionSerializer's JSON, built from plain rows (see inspection_row_json)."""
        tz = timezone.get_current_timezone()
        return kept_list_response(
            self,
            lambda: selectors.inspection_rows(user=request.user),
            s.INSPECTION_JSON_FIELDS,
            lambda page: [s.inspection_row_json(row, tz) for row in page],
        )

    def _detail(self, pk) -> dict:
        return s.InspectionDetailSerializer(self.get_queryset().get(pk=pk)).data

    def retrieve(self, request, *args, **kwargs):
        inspection = self.get_object()
        return _etag(Response(s.InspectionDetailSerializer(inspection).data), inspection.version)

    @extend_schema(
        request=s.InspectionWriteSerializer,
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="Created (first time)."),
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Replay: the same body as the first time."),
            400: OpenApiResponse(description="Field errors; nothing written."),
            403: OpenApiResponse(description="Not yours."),
            409: CONFLICT,
        },
    )
    def create(self, request):
        """Create (and optionally submit) an inspection made on a tablet, in one request."""
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": [_("Send a JSON object.")]})
        ser = s.InspectionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        missing = {k: [_("This field is required.")] for k in ("client_uuid", "assignment") if k not in data}
        if missing:
            raise serializers.ValidationError(missing)
        assignment = (
            Assignment.objects.visible_to(request.user)
            .select_related("template_version__template")
            .filter(pk=data["assignment"])
            .first()
        )
        if assignment is None:
            return Response(
                {"code": "not_found", "detail": _("This assignment does not exist or is no longer yours.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        try:
            result = services.inspection_sync(
                actor=request.user,
                client_uuid=data["client_uuid"],
                payload=dict(request.data),
                assignment=assignment,
                answers=_answers(data["answers"]),
                inspected_on=data.get("inspected_on"),
                summary=data.get("summary"),
                submit=data["submit"],
            )
        except services.SyncForbidden as exc:
            return Response({"code": "forbidden", "detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "not_team":
                return Response({"code": "forbidden", "detail": exc.messages[0]}, status=status.HTTP_403_FORBIDDEN)
            raise _drf(exc) from exc
        if result.conflict:
            current = s.InspectionSerializer(result.inspection).data
            return _etag(
                Response(
                    {
                        "code": "conflict",
                        "current": current,
                        "detail": _("This inspection was already sent with different content."),
                    },
                    status=status.HTTP_409_CONFLICT,
                ),
                result.inspection.version,
            )
        return _etag(
            Response(result.body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK),
            result.inspection.version,
        )

    @extend_schema(
        request=s.InspectionWriteSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={
            200: s.InspectionDetailSerializer,
            400: OpenApiResponse(description="Field errors; nothing written."),
            412: STALE,
            428: OpenApiResponse(description="If-Match missing."),
        },
    )
    def update(self, request, pk=None):
        """Edit a draft or returned inspection (PUT replaces all answers, PATCH only those sent)."""
        inspection = self.get_object()
        blocked = _if_match_blocked(request, inspection)
        if blocked is not None:
            return blocked
        ser = s.InspectionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            services.inspection_save(
                actor=request.user,
                assignment=inspection.assignment,
                answers=_answers(data["answers"]),
                inspected_on=data.get("inspected_on"),
                summary=data.get("summary"),
                submit=data["submit"],
                base_version=inspection.version,
                replace=request.method == "PUT",
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                return _precondition_stale(self, inspection)
            if getattr(exc, "code", None) == "not_team":
                return Response({"code": "forbidden", "detail": exc.messages[0]}, status=status.HTTP_403_FORBIDDEN)
            raise _drf(exc) from exc
        fresh = self.get_queryset().get(pk=inspection.pk)
        return _etag(Response(s.InspectionDetailSerializer(fresh).data), fresh.version)

    @extend_schema(
        request=s.InspectionWriteSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={
            200: s.InspectionDetailSerializer,
            412: STALE,
            428: OpenApiResponse(description="If-Match missing."),
        },
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    def _review(self, request, fn):
        inspection = self.get_object()
        ser = s.ReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            fn(actor=request.user, inspection=inspection, comment=ser.validated_data["comment"])
        except ValidationError as exc:
            raise _drf(exc) from exc
        fresh = self.get_queryset().get(pk=inspection.pk)
        return _etag(Response(s.InspectionDetailSerializer(fresh).data), fresh.version)

    @extend_schema(request=s.ReviewSerializer, responses=s.InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The lead approves: the inspection is locked and its failed items become findings."""
        return self._review(request, services.inspection_approve)

    @extend_schema(request=s.ReviewSerializer, responses=s.InspectionDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """The lead returns the inspection with comments."""
        return self._review(request, services.inspection_return)

    @extend_schema(
        request=s.AmendSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={201: s.AmendmentSerializer, 412: STALE, 428: OpenApiResponse(description="If-Match missing.")},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Change a locked inspection with a reason; the before and after are kept."""
        inspection = self.get_object()
        blocked = _if_match_blocked(request, inspection)
        if blocked is not None:
            return blocked
        ser = s.AmendSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            amendment = services.inspection_amend(
                actor=request.user,
                inspection=inspection,
                reason=data["reason"],
                answers=_answers(data["answers"]),
                summary=data.get("summary"),
                base_version=inspection.version,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                return _precondition_stale(self, inspection)
            raise _drf(exc) from exc
        inspection.refresh_from_db(fields=["version"])
        return _etag(
            Response(s.AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED), inspection.version
        )

    @extend_schema(responses=s.AmendmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Every amendment with the full snapshot before and after."""
        inspection = self.get_object()
        return Response(s.AmendmentSerializer(inspection.amendments.select_related("actor"), many=True).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """Self score vs verified score, item by item, for the same unit, template and year."""
        comparison = selectors.inspection_compare(user=request.user, inspection=self.get_object())
        if comparison is None:
            return Response({"self": None, "verified": None, "rows": []})
        return Response(
            {
                "self": comparison["self"].pk,
                "verified": comparison["verified"].pk,
                "rows": [
                    {
                        "item": r["item"].code,
                        "self": r["self"].value if r["self"] else None,
                        "verified": r["verified"].value if r["verified"] else None,
                        "self_percent": r["self_pct"],
                        "verified_percent": r["verified_pct"],
                        "difference": r["diff"],
                    }
                    for r in comparison["rows"]
                ],
            }
        )


def _if_match_blocked(request, inspection):
    """428 without If-Match, 412 (with the current inspection) when it names an older version, else None."""
    blocked = _precondition(request, inspection.version, None)
    if blocked is not None and blocked.status_code == 412:
        blocked.data["current"] = s.InspectionDetailSerializer(inspection).data
    return blocked


def _precondition_stale(view, inspection):
    fresh = view.get_queryset().get(pk=inspection.pk)
    return _etag(
        Response(
            {
                "code": "stale",
                "detail": _("This record changed since you opened it."),
                "current": s.InspectionDetailSerializer(fresh).data,
            },
            status=status.HTTP_412_PRECONDITION_FAILED,
        ),
        fresh.version,
    )


# ---------------------------------------------------------------------------- findings, actions
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilterSet
    read_perm = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        """FindingSerializer's JSON, built from plain rows (see finding_row_json)."""
        tz = timezone.get_current_timezone()

        def page_json(page):
            actions = selectors.finding_actions(finding_ids=[row["id"] for row in page])
            return [s.finding_row_json(row, actions[row["id"]], tz) for row in page]

        return kept_list_response(
            self, lambda: selectors.finding_register(user=request.user), selectors.FINDING_ROW_FIELDS, page_json
        )


class CorrectiveActionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet
    read_perm = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)
    write_perm = (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW)
    action_perms = {
        "partial_update": Perm.ACTION_UPDATE,
        "verify": (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW),
        "progress": (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE),
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.action_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return _etag(Response(self.get_serializer(obj).data), obj.version)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        finding = selectors.finding_list(user=self.request.user).filter(pk=data["finding"].pk).first()
        if finding is None:
            raise Http404
        data["finding"] = finding
        try:
            serializer.instance = services.action_create(actor=self.request.user, **data)
        except ValidationError as exc:
            raise _drf(exc) from exc

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        return _etag(response, response.data["version"])

    @extend_schema(
        request=s.ProgressInputSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={
            200: s.CorrectiveActionSerializer,
            412: STALE,
            428: OpenApiResponse(description="If-Match missing."),
        },
    )
    def partial_update(self, request, pk=None):
        """The responsible unit reports progress (status, note, photos)."""
        obj = self.get_object()
        blocked = _precondition(request, obj.version, None)
        if blocked is not None:
            if blocked.status_code == 412:
                blocked.data["current"] = self.get_serializer(obj).data
            return blocked
        ser = s.ProgressInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            services.action_update_progress(
                actor=request.user, action=obj, base_version=obj.version, **ser.validated_data
            )
        except ValidationError as exc:
            raise _drf(exc) from exc
        fresh = self.get_queryset().get(pk=obj.pk)
        return _etag(Response(self.get_serializer(fresh).data), fresh.version)

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
            raise _drf(exc) from exc
        fresh = self.get_queryset().get(pk=obj.pk)
        return _etag(Response(self.get_serializer(fresh).data), fresh.version)

    @extend_schema(responses=s.ProgressSerializer(many=True))
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(s.ProgressSerializer(selectors.action_progress(action=self.get_object()), many=True).data)


# -------------------------------------------------------------------------------- photo uploads
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
RANGE_RE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def _partial_path(user, sha: str) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "evidence-partial"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{user.pk}-{sha}.part"


def _max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


class EvidenceUploadView(APIView):
    """`PUT /api/v1/evidence-uploads/<sha256>/` with `Content-Range: bytes start-end/total` chunks (or
    the whole file without it). `HEAD` answers `Upload-Offset`: how many bytes are held. A blob that
    is already stored answers at once. The whole is verified against its sha256 and validated as an
    image (type, size, pixels) and resized on the server."""

    read_perm = (*FILL_PERMS, Perm.ACTION_UPDATE)
    write_perm = (*FILL_PERMS, Perm.ACTION_UPDATE)

    def _sha(self, sha256):
        sha = sha256.lower()
        if not SHA_RE.match(sha):
            raise Http404
        return sha

    @extend_schema(responses=s.EvidenceBlobSerializer)
    def get(self, request, sha256):
        """The stored image's facts, for its uploader or anyone who can see a record using it."""
        sha = self._sha(sha256)
        blob = EvidenceBlob.objects.filter(sha256=sha).first()
        if blob is None or not _blob_visible(request.user, blob):
            raise Http404
        return Response(s.EvidenceBlobSerializer(blob).data)

    def head(self, request, sha256):
        sha = self._sha(sha256)
        blob = EvidenceBlob.objects.filter(sha256=sha).first()
        response = Response(status=status.HTTP_200_OK)
        if blob is not None:
            response["Upload-Offset"] = str(blob.original_size or blob.size)
            response["Upload-Complete"] = "?1"
        else:
            path = _partial_path(request.user, sha)
            response["Upload-Offset"] = str(path.stat().st_size if path.exists() else 0)
            response["Upload-Complete"] = "?0"
        return response

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                "Content-Range",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="bytes <start>-<end>/<total>; absent = the whole file",
            )
        ],
        responses={
            201: s.EvidenceBlobSerializer,
            200: s.EvidenceBlobSerializer,
            202: OpenApiResponse(description="Chunk stored; Upload-Offset says how much is held."),
            400: OpenApiResponse(description="Not an image, too large, or the hash does not match."),
            409: OpenApiResponse(description="The chunk does not start at Upload-Offset."),
            413: OpenApiResponse(description="Too large."),
        },
    )
    def put(self, request, sha256):
        sha = self._sha(sha256)
        blob = EvidenceBlob.objects.filter(sha256=sha).first()
        if blob is not None:
            return Response(s.EvidenceBlobSerializer(blob).data, status=status.HTTP_200_OK)
        body = request.body
        path = _partial_path(request.user, sha)
        held = path.stat().st_size if path.exists() else 0
        header = request.headers.get("Content-Range")
        if header:
            match = RANGE_RE.match(header.strip())
            if not match:
                return Response(
                    {"code": "bad_range", "detail": _("Content-Range must read “bytes start-end/total”.")},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            start, end, total = (int(g) for g in match.groups())
            if end < start or end - start + 1 != len(body) or end >= total:
                return Response(
                    {"code": "bad_range", "detail": _("The chunk does not match its Content-Range.")},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        else:
            start, total = 0, len(body)
            held = 0
        if total > _max_bytes():
            path.unlink(missing_ok=True)
            return Response(
                {
                    "code": "too_large",
                    "detail": _("The photo is %(size).1f MB; the limit is %(limit).1f MB.")
                    % {"size": total / 1048576, "limit": _max_bytes() / 1048576},
                },
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        if header and start != held:
            response = Response(
                {
                    "code": "offset_mismatch",
                    "offset": held,
                    "detail": _("Resume from byte %(offset)s.") % {"offset": held},
                },
                status=status.HTTP_409_CONFLICT,
            )
            response["Upload-Offset"] = str(held)
            return response
        if header:
            with path.open("ab") as handle:
                handle.write(body)
            held = start + len(body)
            if held < total:
                response = Response({"offset": held}, status=status.HTTP_202_ACCEPTED)
                response["Upload-Offset"] = str(held)
                return response
            data = path.read_bytes()
        else:
            data = body
        try:
            blob = services.evidence_store(actor=request.user, sha256=sha, data=data)
        except ValidationError as exc:
            path.unlink(missing_ok=True)
            return Response(
                {"code": getattr(exc, "code", None) or "invalid", "detail": exc.messages[0]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        path.unlink(missing_ok=True)
        response = Response(s.EvidenceBlobSerializer(blob).data, status=status.HTTP_201_CREATED)
        response["Upload-Offset"] = str(len(data))
        return response


def _blob_visible(user, blob: EvidenceBlob) -> bool:
    if blob.uploaded_by_id == user.pk:
        return True
    uses = Evidence.objects.filter(blob=blob)
    return (
        uses.filter(answer__inspection__in=Inspection.objects.visible_to(user)).exists()
        or uses.filter(progress__action__in=selectors.action_list(user=user)).exists()
    )


class EvidenceFileView(APIView):
    """The image itself, for whoever may see it (media files are not served publicly)."""

    read_perm = (*READ_PERMS, Perm.ACTION_UPDATE)

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request, sha256):
        sha = sha256.lower()
        blob = EvidenceBlob.objects.filter(sha256=sha).first() if SHA_RE.match(sha) else None
        if blob is None or not _blob_visible(request.user, blob):
            raise Http404
        return FileResponse(blob.file.open("rb"), content_type=blob.content_type)
