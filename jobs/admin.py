from django.contrib import admin

from jobs.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "owner", "status", "rows_done", "rows_total", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("owner__username", "filename")
    raw_id_fields = ("owner",)
    readonly_fields = ("created_at", "started_at", "finished_at", "task_id", "attempts")
