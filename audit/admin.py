"""Historical rows are read in the audit log screen; the admin only lists them, read-only."""

from django.contrib import admin

from audit.selectors import audited_models


class HistoryAdmin(admin.ModelAdmin):
    list_display = ("history_date", "history_type", "history_user", "ip_address", "id")
    list_filter = ("history_type",)
    date_hierarchy = "history_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model in audited_models():
    admin.site.register(_model.history.model, HistoryAdmin)
