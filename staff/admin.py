from django.contrib import admin

from staff.models import RoleAssignment, Staff, StaffUnitHistory, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "search_name")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth")
    list_select_related = ("parent",)


class UnitHistoryInline(admin.TabularInline):
    model = StaffUnitHistory
    extra = 0
    raw_id_fields = ("unit", "recorded_by")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("staff_code", "full_name", "unit", "category", "status")
    list_filter = ("category", "status", "gender")
    search_fields = ("staff_code", "full_name", "search_name")
    raw_id_fields = ("unit", "user")
    list_select_related = ("unit",)
    inlines = [UnitHistoryInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "include_subunits", "granted_at")
    list_filter = ("role", "include_subunits")
    search_fields = ("user__username", "unit__name", "unit__code")
    raw_id_fields = ("user", "unit", "granted_by")
    list_select_related = ("user", "unit")


@admin.register(StaffUnitHistory)
class StaffUnitHistoryAdmin(admin.ModelAdmin):
    list_display = ("staff", "unit", "start_date", "end_date")
    raw_id_fields = ("staff", "unit", "recorded_by")
    list_select_related = ("staff", "unit")
