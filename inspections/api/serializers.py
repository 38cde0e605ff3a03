from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import serializers

from core.api import datetime_json
from inspections import selectors
from inspections.models import (
    ActionProgress,
    Amendment,
    Answer,
    AnswerType,
    Assignment,
    ChecklistTemplate,
    CorrectiveAction,
    EvidenceBlob,
    Finding,
    Inspection,
    InspectionPlan,
    Item,
    PlanKind,
    Section,
    TemplateVersion,
)
from staff.models import Staff, Unit


# ------------------------------------------------------------------------------------ templates
class ItemSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code", read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "code",
            "section",
            "order",
            "text_vi",
            "text_en",
            "legal_basis",
            "answer_type",
            "weight",
            "critical",
            "failing_answers",
            "note_required_on_failure",
            "photo_required_on_failure",
            "required",
            "relevant",
        ]


class SectionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "code", "order", "title_vi", "title_en", "items"]


class TemplateVersionSerializer(serializers.ModelSerializer):
    template_code = serializers.CharField(source="template.code", read_only=True)

    class Meta:
        model = TemplateVersion
        fields = [
            "id",
            "template",
            "template_code",
            "number",
            "status",
            "pass_threshold",
            "notes",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields


class TemplateVersionDetailSerializer(TemplateVersionSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(TemplateVersionSerializer.Meta):
        fields = [*TemplateVersionSerializer.Meta.fields, "sections"]
        read_only_fields = fields


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    published_version = serializers.IntegerField(
        source="published_number", read_only=True, default=None, allow_null=True
    )
    draft_version = serializers.IntegerField(source="draft_number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ChecklistTemplate
        fields = [
            "id",
            "code",
            "name_vi",
            "name_en",
            "kind",
            "description",
            "published_version",
            "draft_version",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # The model has a default kind, but a new template must say which kind it is (template_create()
        # requires it): missing kind is a 400 with a field error, not a server error.
        extra_kwargs = {"kind": {"required": True}}


class ItemInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    text_vi = serializers.CharField()
    text_en = serializers.CharField(required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    answer_type = serializers.ChoiceField(choices=AnswerType.choices)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, default=1)
    critical = serializers.BooleanField(required=False, default=False)
    failing_answers = serializers.ListField(
        child=serializers.CharField(), required=False, allow_null=True, default=None
    )
    note_required_on_failure = serializers.BooleanField(required=False, default=False)
    photo_required_on_failure = serializers.BooleanField(required=False, default=False)
    required = serializers.BooleanField(required=False, default=True)
    relevant = serializers.CharField(required=False, allow_blank=True, default="")


class SectionInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    title_vi = serializers.CharField(max_length=255)
    title_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    items = ItemInputSerializer(many=True)


class VersionContentSerializer(serializers.Serializer):
    pass_threshold = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    sections = SectionInputSerializer(many=True)


# ----------------------------------------------------------------------------- plans, assignments
class InspectionPlanSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(active=True))
    assignment_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = InspectionPlan
        fields = ["id", "year", "name", "kind", "unit", "target_coverage", "assignment_count", "created_at"]
        read_only_fields = ["created_at", "kind"]


class CampaignSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(max_length=255)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(active=True))
    template_version = serializers.PrimaryKeyRelatedField(queryset=TemplateVersion.objects.all())
    due_date = serializers.DateField()
    unit_kinds = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(active=True))
    plan = serializers.PrimaryKeyRelatedField(queryset=InspectionPlan.objects.all())
    template_version = serializers.PrimaryKeyRelatedField(queryset=TemplateVersion.objects.all())
    lead = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    members = serializers.SlugRelatedField(
        slug_field="username", many=True, required=False, queryset=get_user_model().objects.all()
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    template_code = serializers.CharField(source="template_version.template.code", read_only=True)
    inspection = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "plan",
            "unit",
            "unit_name",
            "template_version",
            "template_code",
            "announced",
            "is_self",
            "lead",
            "members",
            "due_date",
            "inspection",
        ]

    def get_inspection(self, obj) -> int | None:
        try:
            return obj.inspection.pk
        except Inspection.DoesNotExist:
            return None


# ---------------------------------------------------------------------------------- inspections
class AnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["item", "value", "note", "score", "max_score", "failed", "evidence"]

    def get_evidence(self, obj) -> list[str]:
        return [e.blob.sha256 for e in obj.evidence.all()]


class InspectionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    template_code = serializers.CharField(source="template_version.template.code", read_only=True)
    template_version_number = serializers.IntegerField(source="template_version.number", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "assignment",
            "unit",
            "unit_name",
            "template_version",
            "template_code",
            "template_version_number",
            "kind",
            "is_self",
            "inspected_on",
            "status",
            "summary",
            "score",
            "max_score",
            "total_percent",
            "band",
            "critical_failed",
            "answered",
            "client_uuid",
            "content_hash",
            "version",
            "review_comment",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields


# Lists are the API's busiest path: their rows are built directly from plain values (selectors'
# *_rows), the same JSON as the serializers above (tests/inspections/test_registers.py compares them)
# at a fraction of the cost of the generic field machinery (a page of 50 findings with their actions:
# ≈9 ms → ≈1 ms). Decimals go through DRF's own fields, so their format is DRF's; datetimes through
# core.api.datetime_json (DRF's format, the time zone read once per page: pass `tz`).
_SCORE = serializers.DecimalField(max_digits=9, decimal_places=2)
_PERCENT = serializers.DecimalField(max_digits=5, decimal_places=2)

INSPECTION_JSON_FIELDS = (
    "id",
    "assignment_id",
    "unit_id",
    "unit__name",
    "template_version_id",
    "template_version__template__code",
    "template_version__number",
    "kind",
    "is_self",
    "inspected_on",
    "status",
    "summary",
    "score",
    "max_score",
    "total_percent",
    "band",
    "critical_failed",
    "answered",
    "client_uuid",
    "content_hash",
    "version",
    "review_comment",
    "submitted_at",
    "approved_at",
)


def _date(value):
    return value.isoformat() if value else None


def inspection_row_json(row: dict, tz=None) -> dict:
    """InspectionSerializer's JSON for a row of INSPECTION_JSON_FIELDS (`tz`: the current time zone)."""
    tz = tz or timezone.get_current_timezone()
    percent = row["total_percent"]
    uuid = row["client_uuid"]
    return {
        "id": row["id"],
        "assignment": row["assignment_id"],
        "unit": row["unit_id"],
        "unit_name": row["unit__name"],
        "template_version": row["template_version_id"],
        "template_code": row["template_version__template__code"],
        "template_version_number": row["template_version__number"],
        "kind": row["kind"],
        "is_self": row["is_self"],
        "inspected_on": _date(row["inspected_on"]),
        "status": row["status"],
        "summary": row["summary"],
        "score": _SCORE.to_representation(row["score"]),
        "max_score": _SCORE.to_representation(row["max_score"]),
        "total_percent": None if percent is None else _PERCENT.to_representation(percent),
        "band": row["band"],
        "critical_failed": row["critical_failed"],
        "answered": row["answered"],
        "client_uuid": None if uuid is None else str(uuid),
        "content_hash": row["content_hash"],
        "version": row["version"],
        "review_comment": row["review_comment"],
        "submitted_at": datetime_json(row["submitted_at"], tz),
        "approved_at": datetime_json(row["approved_at"], tz),
    }


class InspectionDetailSerializer(InspectionSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "answers"]
        read_only_fields = fields


class AnswerInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    value = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="", max_length=1000, trim_whitespace=True
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    evidence = serializers.ListField(
        child=serializers.RegexField(r"^[0-9a-fA-F]{64}$"), required=False, default=list, max_length=20
    )


class InspectionWriteSerializer(serializers.Serializer):
    client_uuid = serializers.UUIDField(required=False)
    assignment = serializers.IntegerField(required=False)
    inspected_on = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    submit = serializers.BooleanField(required=False, default=False)
    answers = AnswerInputSerializer(many=True, required=False, default=list, max_length=500)


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class AmendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10000)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    answers = AnswerInputSerializer(many=True, required=False, default=list, max_length=500)


class AmendmentSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = Amendment
        fields = ["number", "reason", "actor", "created_at", "before", "after"]


class ConflictSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    current = InspectionSerializer()


# ---------------------------------------------------------------------------- findings, actions
class CorrectiveActionSerializer(serializers.ModelSerializer):
    finding = serializers.PrimaryKeyRelatedField(queryset=Finding.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(active=True), required=False)
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=Staff.objects.all(), required=False, allow_null=True
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "finding",
            "unit",
            "unit_name",
            "responsible_person",
            "description",
            "due_date",
            "status",
            "overdue",
            "completed_on",
            "verified_at",
            "version",
            "created_at",
        ]
        read_only_fields = ["status", "completed_on", "verified_at", "version", "created_at"]


class ProgressSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = ActionProgress
        fields = ["author", "note", "status_from", "status_to", "created_at", "evidence"]

    def get_evidence(self, obj) -> list[str]:
        return [e.blob.sha256 for e in obj.evidence.all()]


class ProgressInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "in_progress", "done"])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    evidence = serializers.ListField(
        child=serializers.RegexField(r"^[0-9a-fA-F]{64}$"), required=False, default=list, max_length=20
    )


class VerifyInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class FindingSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    actions = CorrectiveActionSerializer(many=True, read_only=True)
    has_overdue = serializers.BooleanField(read_only=True)
    closed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "item",
            "unit",
            "unit_name",
            "critical",
            "description",
            "has_overdue",
            "closed",
            "created_at",
            "actions",
        ]
        read_only_fields = fields


def action_row_json(row: dict, tz=None) -> dict:
    """CorrectiveActionSerializer's JSON for a row of selectors.ACTION_ROW_FIELDS (`tz`: the current time
    zone)."""
    tz = tz or timezone.get_current_timezone()
    return {
        "id": row["id"],
        "finding": row["finding_id"],
        "unit": row["unit_id"],
        "unit_name": row["unit__name"],
        "responsible_person": row["responsible_person_id"],
        "description": row["description"],
        "due_date": _date(row["due_date"]),
        "status": row["status"],
        "overdue": row["is_overdue"],
        "completed_on": _date(row["completed_on"]),
        "verified_at": datetime_json(row["verified_at"], tz),
        "version": row["version"],
        "created_at": datetime_json(row["created_at"], tz),
    }


def finding_row_json(row: dict, actions: list[dict], tz=None) -> dict:
    """FindingSerializer's JSON for a row of selectors.FINDING_ROW_FIELDS and all its action rows (`tz`: the
    current time zone)."""
    tz = tz or timezone.get_current_timezone()
    state = selectors.finding_state(actions)
    return {
        "id": row["id"],
        "inspection": row["inspection_id"],
        "item": row["item__code"],
        "unit": row["unit_id"],
        "unit_name": row["unit__name"],
        "critical": row["critical"],
        "description": row["description"],
        "has_overdue": state["has_overdue"],
        "closed": state["closed"],
        "created_at": datetime_json(row["created_at"], tz),
        "actions": [action_row_json(a, tz) for a in actions],
    }


class EvidenceBlobSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceBlob
        fields = ["sha256", "size", "content_type", "width", "height", "uploaded_at"]


PLAN_KINDS = PlanKind
