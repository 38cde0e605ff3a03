"""The API's one representation of each inspections resource (and the inputs its actions take).
Each reads a selector's queryset, which has done the joins and annotations the fields name."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

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
    Section,
    TemplateVersion,
)
from staff.models import Staff, Unit


# ------------------------------------------------------------------------------------ templates
class ChoiceSerializer(serializers.Serializer):
    """One choice of a select_one / select_multi item (Item.choices); score a number as text, null when
    the list is unscored (in a scored list, null marks the "not applicable" choice)."""

    name = serializers.CharField()
    label_vi = serializers.CharField(allow_blank=True)
    label_en = serializers.CharField(allow_blank=True)
    score = serializers.CharField(allow_null=True)

    def to_representation(self, instance):
        score = instance.get("score")
        return {
            "name": str(instance.get("name", "")),
            "label_vi": instance.get("label_vi") or "",
            "label_en": instance.get("label_en") or "",
            "score": str(score) if score not in (None, "") else None,
        }


class ChoiceInputSerializer(serializers.Serializer):
    """A choice as the content API takes it; the score is stored as text."""

    name = serializers.CharField(max_length=64)
    label_vi = serializers.CharField(max_length=255)
    label_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    score = serializers.DecimalField(max_digits=8, decimal_places=3, required=False, allow_null=True, default=None)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        score = value.get("score")
        value["score"] = format(score.normalize(), "f") if score is not None else None
        return value


class ItemSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code", read_only=True)
    choices = ChoiceSerializer(many=True, read_only=True)

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
            "choices",
            "choice_list",
            "hint",
            "constraint",
            "constraint_message",
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
    published_version = serializers.IntegerField(source="published_number", read_only=True, allow_null=True)
    draft_version = serializers.IntegerField(source="draft_number", read_only=True, allow_null=True)

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
            "version",
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
    # Left out (null): the item keeps what it has.
    choices = ChoiceInputSerializer(many=True, required=False, allow_null=True, default=None)
    choice_list = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True, default=None)
    hint = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    constraint = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True, default=None)
    constraint_message = serializers.CharField(
        max_length=500, required=False, allow_blank=True, allow_null=True, default=None
    )


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
    assignment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = InspectionPlan
        fields = ["id", "year", "name", "kind", "unit", "target_coverage", "assignment_count", "version", "created_at"]
        read_only_fields = ["created_at", "kind", "version"]


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
    inspection = serializers.IntegerField(source="inspection.pk", read_only=True, allow_null=True)

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


# ---------------------------------------------------------------------------------- inspections
def evidence_shas() -> serializers.ManyRelatedField:
    """An `evidence` field: the photos of an answer or a progress note, as their sha256
    (Evidence.sha256; prefetch the evidence with its blob)."""
    return serializers.SlugRelatedField(slug_field="sha256", many=True, read_only=True)


class AnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    evidence = evidence_shas()

    class Meta:
        model = Answer
        fields = ["item", "value", "note", "score", "max_score", "failed", "evidence"]


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
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)

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
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)  # with_overdue()

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
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True)
    evidence = evidence_shas()

    class Meta:
        model = ActionProgress
        fields = ["author", "note", "status_from", "status_to", "created_at", "evidence"]


class ProgressInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "in_progress", "done"])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    evidence = serializers.ListField(
        child=serializers.RegexField(r"^[0-9a-fA-F]{64}$"), required=False, default=list, max_length=20
    )


class ActionPatchSerializer(serializers.Serializer):
    """PATCH of a corrective action: either a progress report by the responsible unit (`status`, with
    `note` and `evidence`), or a correction by the inspection team of what, by when and who (any of
    `description`, `due_date`, `unit`, `responsible_person`). Both need If-Match."""

    status = serializers.ChoiceField(choices=["open", "in_progress", "done"], required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    evidence = serializers.ListField(child=serializers.RegexField(r"^[0-9a-fA-F]{64}$"), required=False, max_length=20)
    description = serializers.CharField(required=False, max_length=4000)
    due_date = serializers.DateField(required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(active=True), required=False)
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=Staff.objects.all(), required=False, allow_null=True
    )

    PROGRESS = ("status", "note", "evidence")
    EDIT = ("description", "due_date", "unit", "responsible_person")

    def validate(self, attrs):
        progress = [k for k in self.PROGRESS if k in attrs]
        edit = [k for k in self.EDIT if k in attrs]
        if progress and edit:
            raise serializers.ValidationError(
                _("Send either a progress report (status, note, evidence) or changes to the action, not both.")
            )
        if progress and "status" not in attrs:
            raise serializers.ValidationError({"status": _("This field is required.")})
        if not progress and not edit:
            raise serializers.ValidationError(_("Nothing to change."))
        return attrs


class VerifyInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class FindingSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    actions = CorrectiveActionSerializer(many=True, read_only=True)
    has_overdue = serializers.BooleanField(read_only=True)  # with_state()
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


class EvidenceBlobSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceBlob
        fields = ["sha256", "size", "content_type", "width", "height", "uploaded_at"]


# ------------------------------------------------------------------------------ computed results
class CoverageSerializer(serializers.Serializer):
    """selectors.plan_coverage(): figures as JSON numbers."""

    units = serializers.IntegerField()
    inspected = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False)
    target = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    met = serializers.BooleanField()
    needed = serializers.IntegerField()


class CompareRowSerializer(serializers.Serializer):
    item = serializers.CharField(source="item.code")
    self = serializers.CharField(source="self.value", allow_null=True)
    verified = serializers.CharField(source="verified.value", allow_null=True)
    self_percent = serializers.FloatField(source="self_pct", allow_null=True)
    verified_percent = serializers.FloatField(source="verified_pct", allow_null=True)
    difference = serializers.FloatField(source="diff", allow_null=True)


class CompareSerializer(serializers.Serializer):
    """selectors.inspection_compare(): the two inspections' ids and the rows item by item."""

    self = serializers.IntegerField(source="self.pk", allow_null=True)
    verified = serializers.IntegerField(source="verified.pk", allow_null=True)
    rows = CompareRowSerializer(many=True)


# ---------------------------------------------------------------------------------- offline bundle
class BundleAssignmentSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.name")
    lead = serializers.CharField(source="lead.username", allow_null=True)
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "due_date", "announced", "is_self", "plan", "lead", "members"]


class BundleUnitSerializer(serializers.ModelSerializer):
    kind = serializers.CharField()  # staff.models.UnitKind; a plain string keeps one enum per name in the schema

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind"]


class BundleSectionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True)

    class Meta:
        model = Section
        fields = ["code", "title_vi", "title_en", "items"]


class BundleVersionSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template.code")
    name_vi = serializers.CharField(source="template.name_vi")
    name_en = serializers.CharField(source="template.name_en")
    kind = serializers.CharField(source="template.kind")
    sections = BundleSectionSerializer(many=True)

    class Meta:
        model = TemplateVersion
        fields = ["id", "template", "name_vi", "name_en", "kind", "number", "status", "pass_threshold", "sections"]


class BundleActionSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue")  # with_overdue()
    item = serializers.CharField(source="finding.item.code")

    class Meta:
        model = CorrectiveAction
        fields = ["id", "description", "due_date", "status", "overdue", "item"]


class BundleResultSerializer(serializers.ModelSerializer):
    inspection = serializers.IntegerField(source="pk")
    template = serializers.CharField(source="template_version.template.code")

    class Meta:
        model = Inspection
        fields = ["inspection", "template", "inspected_on", "band", "total_percent", "critical_failed"]


class BundleAnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    evidence = evidence_shas()

    class Meta:
        model = Answer
        fields = ["item", "value", "note", "evidence"]


class BundleInspectionSerializer(serializers.ModelSerializer):
    answers = BundleAnswerSerializer(many=True)

    class Meta:
        model = Inspection
        fields = ["id", "status", "version", "client_uuid", "review_comment", "answers"]


class BundleSerializer(serializers.Serializer):
    """One open assignment with everything a tablet needs to fill it offline
    (selectors.assignment_bundle())."""

    assignment = BundleAssignmentSerializer(source="*")
    unit = BundleUnitSerializer()
    template_version = BundleVersionSerializer()
    open_actions = BundleActionSerializer(source="unit.open_actions", many=True)
    last_result = BundleResultSerializer(source="unit.last_result", allow_null=True)
    inspection = BundleInspectionSerializer(allow_null=True)
