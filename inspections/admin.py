"""Admin pages for support staff. Published versions and locked inspections are read-only here: the
rules (freezing, amendments with a reason) live in the services, which the admin does not bypass."""

from django.contrib import admin

from inspections.models import (
    ActionProgress,
    Amendment,
    Answer,
    Assignment,
    AssignmentMember,
    ChecklistTemplate,
    CorrectiveAction,
    Evidence,
    EvidenceBlob,
    Finding,
    Inspection,
    InspectionPlan,
    Item,
    Section,
    TemplateVersion,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("code", "name_vi", "name_en")


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ("template", "number", "status", "pass_threshold", "published_at")
    list_filter = ("status",)
    list_select_related = ("template",)


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ("version", "code", "title_vi", "order")
    list_select_related = ("version__template",)


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("version", "code", "answer_type", "weight", "critical", "required")
    list_filter = ("answer_type", "critical")
    search_fields = ("code", "text_vi")
    list_select_related = ("version__template",)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "kind", "unit", "target_coverage")
    list_filter = ("year", "kind")
    raw_id_fields = ("unit", "created_by")
    list_select_related = ("unit",)


class MemberInline(admin.TabularInline):
    model = AssignmentMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("unit", "template_version", "plan", "lead", "due_date", "is_self", "announced")
    list_filter = ("is_self", "announced")
    raw_id_fields = ("plan", "unit", "template_version", "lead")
    list_select_related = ("unit", "template_version__template", "plan", "lead")
    inlines = [MemberInline]


@admin.register(AssignmentMember)
class AssignmentMemberAdmin(admin.ModelAdmin):
    list_display = ("assignment", "user")
    raw_id_fields = ("assignment", "user")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("unit", "template_version", "inspected_on", "status", "total_percent", "band", "critical_failed")
    list_filter = ("status", "kind", "is_self", "band")
    list_select_related = ("unit", "template_version__template")
    search_fields = ("unit__name", "unit__code")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "item", "value", "score", "max_score", "failed")
    list_select_related = ("inspection__unit", "item")


@admin.register(EvidenceBlob)
class EvidenceBlobAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "content_type", "size", "width", "height", "uploaded_at")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("blob", "answer", "progress")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "number", "actor", "created_at", "reason")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "item", "unit", "critical", "created_at")
    list_select_related = ("inspection", "item", "unit")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin):
    list_display = ("description", "unit", "due_date", "status", "completed_on")
    list_filter = ("status",)
    list_select_related = ("unit",)


@admin.register(ActionProgress)
class ActionProgressAdmin(ReadOnlyAdmin):
    list_display = ("action", "status_from", "status_to", "author", "created_at")
