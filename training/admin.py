from django.contrib import admin

from training.models import (
    Attendance,
    AttendanceChange,
    AttendanceSubmission,
    CalendarToken,
    Certificate,
    CertificateCounter,
    ClassSession,
    Course,
    Enrollment,
    EnrollmentEvent,
    ExternalTraining,
    TrainingClass,
    TrainingRequirement,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "category", "mode", "planned_minutes", "is_mandatory", "active")
    list_filter = ("category", "mode", "is_mandatory", "active")
    search_fields = ("code", "title", "search_title")
    raw_id_fields = ("owner_unit",)


class SessionInline(admin.TabularInline):
    model = ClassSession
    extra = 0
    readonly_fields = ("uid", "planned_minutes", "sequence", "attendance_version")


@admin.register(TrainingClass)
class TrainingClassAdmin(admin.ModelAdmin):
    list_display = ("code", "course", "unit", "status", "start_date", "end_date", "capacity")
    list_filter = ("status",)
    search_fields = ("code", "course__title")
    raw_id_fields = ("course", "unit", "trainer_users")
    list_select_related = ("course", "unit")
    inlines = [SessionInline]


@admin.register(ClassSession)
class ClassSessionAdmin(admin.ModelAdmin):
    list_display = ("training_class", "date", "start_time", "end_time", "topic", "sequence")
    raw_id_fields = ("training_class",)
    list_select_related = ("training_class__course",)


class EventInline(admin.TabularInline):
    model = EnrollmentEvent
    extra = 0
    raw_id_fields = ("actor",)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("staff", "training_class", "status", "waitlist_position", "outcome", "score")
    list_filter = ("status", "outcome")
    search_fields = ("staff__staff_code", "staff__search_name", "training_class__code")
    raw_id_fields = ("staff", "training_class", "nominated_by")
    list_select_related = ("staff", "training_class__course")
    inlines = [EventInline]


@admin.register(EnrollmentEvent)
class EnrollmentEventAdmin(admin.ModelAdmin):
    list_display = ("enrollment", "field", "from_value", "to_value", "actor", "at")
    raw_id_fields = ("enrollment", "actor")


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("session", "enrollment", "status", "minutes", "marked_at")
    list_filter = ("status",)
    raw_id_fields = ("session", "enrollment", "marked_by")


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(admin.ModelAdmin):
    list_display = ("attendance", "from_status", "to_status", "reason", "actor", "at")
    raw_id_fields = ("attendance", "actor")


@admin.register(AttendanceSubmission)
class AttendanceSubmissionAdmin(admin.ModelAdmin):
    list_display = ("client_uuid", "session", "submitted_by", "submitted_at")
    raw_id_fields = ("session", "submitted_by")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "enrollment", "issued_on", "valid_until")
    search_fields = ("number",)
    raw_id_fields = ("enrollment", "issued_by")


@admin.register(CertificateCounter)
class CertificateCounterAdmin(admin.ModelAdmin):
    list_display = ("year", "last")


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "staff_category",
        "job_position",
        "rank_code",
        "unit",
        "periods_per_year",
        "end_year",
        "effective_year",
        "active",
    )
    raw_id_fields = ("unit",)


@admin.register(ExternalTraining)
class ExternalTrainingAdmin(admin.ModelAdmin):
    list_display = ("staff", "title", "provider", "end_date", "minutes", "status")
    list_filter = ("status",)
    raw_id_fields = ("staff", "recorded_by", "approved_by")


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    raw_id_fields = ("user",)
    exclude = ("token",)
