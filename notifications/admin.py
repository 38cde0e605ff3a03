from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at", "email_status")
    list_filter = ("kind", "email_status")
    search_fields = ("recipient__username", "title", "object_ref")
    raw_id_fields = ("recipient",)
    readonly_fields = ("created_at", "emailed_at")
