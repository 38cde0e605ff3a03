from django.contrib import admin

from documents.models import DocumentRegister, DocumentTemplate, IssuedDocument


@admin.register(DocumentRegister)
class DocumentRegisterAdmin(admin.ModelAdmin):
    list_display = ("unit", "kind", "year", "last")
    list_filter = ("kind", "year")
    readonly_fields = ("unit", "kind", "year", "last")


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "record_key", "unit", "issued_at", "issued_by")
    list_filter = ("kind", "year")
    search_fields = ("number", "record_key")
    readonly_fields = ("kind", "record_key", "unit", "year", "seq", "number", "issued_at", "issued_by")


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "unit", "version", "filename", "uploaded_at", "uploaded_by")
    list_filter = ("kind",)
    exclude = ("content",)
    readonly_fields = ("kind", "unit", "version", "filename", "size", "placeholders", "uploaded_at", "uploaded_by")
