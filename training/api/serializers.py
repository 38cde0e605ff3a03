from rest_framework import serializers

from core.api import IdField
from staff.models import Staff, Unit
from training.models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    ClassSession,
    Course,
    Enrollment,
    EnrollmentStatus,
    Outcome,
    TrainingClass,
    TrainingRequirement,
)


class CourseSerializer(serializers.ModelSerializer):
    owner_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    class_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "title",
            "title_en",
            "category",
            "mode",
            "planned_minutes",
            "planned_periods",
            "target_groups",
            "owner_unit",
            "is_mandatory",
            "min_attendance_percent",
            "pass_mark",
            "excused_counts_as_attended",
            "issues_certificate",
            "certificate_kind",
            "certificate_validity_months",
            "legal_basis",
            "active",
            "class_count",
            "version",
        ]
        read_only_fields = ["version"]


class TrainingClassSerializer(serializers.ModelSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    course_code = serializers.CharField(source="course.code", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    confirmed_count = serializers.IntegerField(read_only=True)
    waitlist_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "code",
            "course",
            "course_code",
            "course_title",
            "unit",
            "unit_name",
            "venue",
            "trainers",
            "capacity",
            "registration_deadline",
            "start_date",
            "end_date",
            "status",
            "notes",
            "version",
            "confirmed_count",
            "waitlist_count",
        ]
        read_only_fields = ["status", "version"]


class ClassStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NominateSerializer(serializers.Serializer):
    staff = serializers.ListField(child=IdField(), allow_empty=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    confirm = serializers.BooleanField(required=False, default=True)


class CloseSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.CharField(allow_null=True, allow_blank=True), required=False, default=dict
    )


class ClassSessionSerializer(serializers.ModelSerializer):
    training_class = serializers.PrimaryKeyRelatedField(queryset=TrainingClass.objects.all())
    class_code = serializers.CharField(source="training_class.code", read_only=True)

    class Meta:
        model = ClassSession
        fields = [
            "id",
            "uid",
            "training_class",
            "class_code",
            "date",
            "start_time",
            "end_time",
            "planned_minutes",
            "periods",
            "topic",
            "trainer",
            "sequence",
            "attendance_version",
        ]
        read_only_fields = ["uid", "planned_minutes", "sequence", "attendance_version"]


class AttendanceRecordSerializer(serializers.ModelSerializer):
    """One mark of the attendance register (read only: marks are written per session)."""

    date = serializers.DateField(source="session.date", read_only=True)
    training_class = serializers.IntegerField(source="session.training_class_id", read_only=True)
    class_code = serializers.CharField(source="session.training_class.code", read_only=True)
    staff = serializers.IntegerField(source="enrollment.staff_id", read_only=True)
    staff_code = serializers.CharField(source="enrollment.staff.staff_code", read_only=True)
    staff_name = serializers.CharField(source="enrollment.staff.full_name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "session",
            "date",
            "training_class",
            "class_code",
            "enrollment",
            "staff",
            "staff_code",
            "staff_name",
            "status",
            "status_label",
            "minutes",
        ]
        read_only_fields = fields


class EnrollmentSerializer(serializers.ModelSerializer):
    training_class = serializers.PrimaryKeyRelatedField(queryset=TrainingClass.objects.all())
    staff = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())
    staff_code = serializers.CharField(source="staff.staff_code", read_only=True)
    staff_name = serializers.CharField(source="staff.full_name", read_only=True)
    class_code = serializers.CharField(source="training_class.code", read_only=True)
    certificate_number = serializers.CharField(source="certificate.number", read_only=True, allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)  # "" until set

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "training_class",
            "class_code",
            "staff",
            "staff_code",
            "staff_name",
            "status",
            "waitlist_position",
            "outcome",
            "score",
            "attended_minutes",
            "planned_minutes",
            "attended_periods",
            "planned_periods",
            "certificate_number",
            "version",
        ]
        read_only_fields = [
            "status",
            "waitlist_position",
            "outcome",
            "score",
            "attended_minutes",
            "planned_minutes",
            "attended_periods",
            "planned_periods",
            "version",
        ]


class EnrollmentStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScoreSerializer(serializers.Serializer):
    score = serializers.CharField(allow_null=True, allow_blank=True)


class CertificateSerializer(serializers.ModelSerializer):
    staff_code = serializers.CharField(source="enrollment.staff.staff_code", read_only=True)
    staff_name = serializers.CharField(source="enrollment.staff.full_name", read_only=True)
    class_code = serializers.CharField(source="enrollment.training_class.code", read_only=True)
    course_title = serializers.CharField(source="enrollment.training_class.course.title", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "enrollment",
            "staff_code",
            "staff_name",
            "class_code",
            "course_title",
            "issued_on",
            "valid_until",
            "status",
            "revoked_on",
            "revoke_reason",
        ]
        read_only_fields = ["revoked_on", "revoke_reason"]

    status = serializers.ChoiceField(
        choices=[("valid", "valid"), ("revoked", "revoked")],
        read_only=True,
        help_text="valid, or revoked (see revoked_on and revoke_reason).",
    )


class CertificateRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class AttendanceMarkSerializer(serializers.Serializer):
    enrollment = IdField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class AttendanceWriteSerializer(serializers.Serializer):
    client_uuid = serializers.UUIDField(required=False, allow_null=True)
    marks = serializers.ListField(child=serializers.DictField(), allow_empty=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceBodySerializer(serializers.Serializer):
    session = serializers.IntegerField()
    version = serializers.IntegerField()
    planned_minutes = serializers.IntegerField()
    marks = AttendanceMarkSerializer(many=True)


class SyncErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    current = AttendanceBodySerializer(required=False)


class HoursRowSerializer(serializers.Serializer):
    staff = serializers.IntegerField(source="staff.pk")
    staff_code = serializers.CharField(source="staff.staff_code")
    full_name = serializers.CharField(source="staff.full_name")
    unit = serializers.IntegerField(source="staff.unit_id")
    unit_name = serializers.CharField(source="staff.unit.name")
    year = serializers.IntegerField()
    course_periods = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    external_periods = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    periods = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    required_periods = serializers.IntegerField()
    course_minutes = serializers.IntegerField()
    external_minutes = serializers.IntegerField()
    total_minutes = serializers.IntegerField()
    rule = serializers.CharField(source="rule.name")
    legal_basis = serializers.CharField(source="rule.legal_basis")
    status = serializers.CharField()
    percent = serializers.IntegerField()


class BundleMarkSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    status = serializers.CharField()
    minutes = serializers.IntegerField()


class BundleSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uid = serializers.UUIDField()
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    planned_minutes = serializers.IntegerField()
    topic = serializers.CharField()
    attendance_version = serializers.IntegerField()
    marks = BundleMarkSerializer(many=True, source="all_marks")


class BundlePersonSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="pk")
    staff_code = serializers.CharField(source="staff.staff_code")
    full_name = serializers.CharField(source="staff.full_name")
    unit_name = serializers.CharField(source="staff.unit.name")


class BundleClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    course_title = serializers.CharField(source="course.title")
    unit_name = serializers.CharField(source="unit.name")
    venue = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    roster = BundlePersonSerializer(many=True)
    sessions = BundleSessionSerializer(many=True, source="sessions.all")


class PeopleLookupSerializer(serializers.Serializer):
    """A suggestion of the people picker: who, where, rank, and this year's tiết against the requirement."""

    id = serializers.IntegerField(source="staff.pk")
    staff_code = serializers.CharField(source="staff.staff_code")
    full_name = serializers.CharField(source="staff.full_name")
    unit_code = serializers.CharField(source="staff.unit.code")
    unit_name = serializers.CharField(source="staff.unit.name")
    rank_code = serializers.CharField(source="staff.rank_code")
    rank_name = serializers.CharField(source="staff.rank_name")
    year = serializers.IntegerField()
    periods = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    required_periods = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    badge = serializers.CharField(help_text="ok, warn or bad: how the status is shown")


class TrainingRequirementSerializer(serializers.ModelSerializer):
    """A yearly tiết rule: who it applies to (empty criteria: everyone), how many tiết, from which year to which
    (end_year empty: no end), on what legal basis. Writes go through training.services.requirement_*."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True, required=False)
    # a related field (not source="unit.code" with a default): null for a province-wide rule, also in PATCH answers
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = TrainingRequirement
        fields = [
            "id",
            "name",
            "staff_category",
            "job_position",
            "rank_code",
            "unit",
            "unit_code",
            "periods_per_year",
            "effective_year",
            "end_year",
            "legal_basis",
            "active",
        ]


class RequirementRetireSerializer(serializers.Serializer):
    last_year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="the last year the rule applies")
