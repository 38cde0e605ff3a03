"""Training: course catalogue, classes and sessions, enrollments with history, attendance, certificates,
requirement rules and external training.

Scope: a class belongs to its organising unit; users see classes of the units on which they hold a training
permission (subtree). A staff member sees their own enrollments, marks and certificates.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.permissions import Perm, has_perm
from staff.access import NOTHING, scope_ancestor_paths, unit_scope_q
from staff.models import Staff, StaffCategory, Unit

TRAINING_READ = (Perm.TRAINING_VIEW, Perm.TRAINING_MANAGE, Perm.TRAINING_ATTEND)


def _sees_all(user) -> bool:
    """Superusers see everything. Needed before OR-ing extra conditions: `Q() | x` is just `x` in Django."""
    return user is not None and user.is_authenticated and user.is_active and user.is_superuser


class CourseCategory(models.TextChoices):
    """Content groups of Decree 171/2025/NĐ-CP, plus public-service culture."""

    POLITICAL_THEORY = "political_theory", _("Political theory")
    DEFENCE_SECURITY = "defence_security", _("Defence and security")
    STATE_MANAGEMENT = "state_management", _("State management knowledge and skills")
    JOB_POSITION = "job_position", _("Job-position knowledge and skills")
    DIGITAL = "digital", _("Science, innovation and digital skills")
    SERVICE_CULTURE = "service_culture", _("Public-service culture")


class CourseMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class CourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Courses owned by a unit in the user's training scope, or by one of its ancestors (a province
        course is offered to every unit below)."""
        if user is None or not user.is_authenticated:
            return self.none()
        q = unit_scope_q(user, TRAINING_READ, prefix="owner_unit__")
        if q == Q():
            return self.all()
        prefixes = scope_ancestor_paths(user, TRAINING_READ)
        if prefixes:
            q |= Q(owner_unit__path__in=sorted(prefixes))
        return self.filter(q)


class Course(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    search_title = models.CharField(max_length=255, editable=False, db_index=True, default="")
    category = models.CharField(_("content group"), max_length=30, choices=CourseCategory.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=CourseMode.choices, default=CourseMode.IN_PERSON)
    planned_minutes = models.PositiveIntegerField(_("planned duration (minutes)"))
    target_groups = models.CharField(_("target groups"), max_length=500, blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="training_courses"
    )
    is_mandatory = models.BooleanField(_("mandatory"), default=False)
    min_attendance_percent = models.PositiveSmallIntegerField(_("minimum attendance (%)"), default=100)
    pass_mark = models.DecimalField(
        _("pass mark (out of 10)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        default=5,
        help_text=_("Leave empty when the course has no assessment."),
    )
    excused_counts_as_attended = models.BooleanField(_("excused absence counts as attended"), default=False)
    issues_certificate = models.BooleanField(_("issues a certificate"), default=True)
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"), null=True, blank=True, help_text=_("Empty: does not expire.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(min_attendance_percent__lte=100), name="course_attendance_pct_max_100"),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | (Q(pass_mark__gte=0) & Q(pass_mark__lte=10)),
                name="course_pass_mark_0_10",
            ),
            models.CheckConstraint(condition=Q(planned_minutes__gt=0), name="course_planned_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class ClassStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for registration")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


CLASS_TRANSITIONS: dict[str, frozenset[str]] = {
    ClassStatus.PLANNED: frozenset({ClassStatus.OPEN, ClassStatus.CANCELLED}),
    ClassStatus.OPEN: frozenset({ClassStatus.PLANNED, ClassStatus.IN_PROGRESS, ClassStatus.CANCELLED}),
    ClassStatus.IN_PROGRESS: frozenset({ClassStatus.COMPLETED, ClassStatus.CANCELLED}),
    ClassStatus.COMPLETED: frozenset(),
    ClassStatus.CANCELLED: frozenset(),
}


def _is_trainer_q(user, prefix: str = "") -> Q:
    through = TrainingClass.trainer_users.through
    return Q(Exists(through.objects.filter(trainingclass_id=OuterRef(f"{prefix}pk"), user_id=user.pk)))


class TrainingClassQuerySet(models.QuerySet):
    def visible_to(self, user, perm=TRAINING_READ):
        if _sees_all(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        q = unit_scope_q(user, perm, prefix="unit__")
        if has_perm(user, Perm.OWN_RECORD):
            q |= _is_trainer_q(user)
        return self.filter(q)

    def attendable_by(self, user):
        """Classes in which the user may take attendance: TRAINING_ATTEND on the organising unit, or a
        trainer of the class."""
        if _sees_all(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(unit_scope_q(user, Perm.TRAINING_ATTEND, prefix="unit__") | _is_trainer_q(user))


class TrainingClass(TimeStampedModel):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="classes")
    code = models.CharField(_("class code"), max_length=40, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="training_classes"
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    trainers = models.CharField(_("trainers"), max_length=500, blank=True)
    trainer_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers who take attendance"),
        blank=True,
        related_name="training_classes_taught",
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=20, choices=ClassStatus.choices, default=ClassStatus.PLANNED)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = TrainingClassQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        indexes = [
            models.Index(fields=["unit", "start_date"], name="training_cls_unit_start_idx"),
            # the class list's order: a page walks the index and stops after 50 rows
            models.Index(fields=["-start_date", "code"], name="training_cls_start_code_idx"),
            models.Index(fields=["status", "end_date"], name="training_cls_status_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="training_class_end_after_start",
                violation_error_message=_("The class ends before it starts."),
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="training_class_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.course.title}"


class ClassSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(training_class__in=TrainingClass.objects.visible_to(user).values("pk"))


class ClassSession(models.Model):
    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="sessions"
    )
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    planned_minutes = models.PositiveIntegerField(_("planned minutes"), editable=False, default=0)
    topic = models.CharField(_("topic"), max_length=255, blank=True)
    trainer = models.CharField(_("trainer"), max_length=255, blank=True)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    attendance_version = models.PositiveIntegerField(_("attendance version"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClassSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["training_class", "date"], name="training_sess_class_date_idx"),
            # The attendance register's order (newest session first): its page walks this index and each
            # session's marks instead of sorting every mark.
            models.Index(fields=["date", "id"], name="training_sess_date_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="training_session_end_after_start",
                violation_error_message=_("The session ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_class.code} {self.date:%d/%m/%Y} {self.start_time:%H:%M}"

    @staticmethod
    def minutes_between(start: dt.time, end: dt.time) -> int:
        return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class EnrollmentStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_ENROLLMENT = (EnrollmentStatus.NOMINATED, EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED)


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")
    NO_SHOW = "no_show", _("No-show")


def _own_or_scoped_q(user, class_prefix: str, staff_prefix: str) -> Q:
    if _sees_all(user):
        return Q()
    if user is None or not user.is_authenticated:
        return NOTHING
    q = unit_scope_q(user, TRAINING_READ, prefix=f"{class_prefix}unit__") | unit_scope_q(
        user, TRAINING_READ, prefix=f"{staff_prefix}unit__"
    )
    if has_perm(user, Perm.OWN_RECORD):
        q |= Q(**{f"{staff_prefix}user_id": user.pk})
    return q


class EnrollmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Enrollments in classes of the user's scope, of staff in the user's scope, and the user's own."""
        return self.filter(_own_or_scoped_q(user, "training_class__", "staff__"))


class Enrollment(TimeStampedModel):
    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="enrollments"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="training_enrollments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.NOMINATED
    )
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    score = models.DecimalField(_("score (out of 10)"), max_digits=4, decimal_places=2, null=True, blank=True)
    attended_minutes = models.PositiveIntegerField(_("attended minutes"), default=0)
    planned_minutes = models.PositiveIntegerField(_("planned minutes"), default=0)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["training_class_id", "pk"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        indexes = [
            models.Index(fields=["training_class", "status", "waitlist_position"], name="training_enr_cls_status_idx"),
            models.Index(fields=["staff", "outcome"], name="training_enr_staff_outcome_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "staff"], name="training_enrollment_unique_class_staff"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=10)),
                name="training_enrollment_score_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.training_class.code}"


class EnrollmentEvent(models.Model):
    """Every status or outcome change of an enrollment: who, when, from → to, why."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrollment"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field = models.CharField(_("field"), max_length=20, default="status")
    from_value = models.CharField(_("from"), max_length=20, blank=True)
    to_value = models.CharField(_("to"), max_length=20)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["enrollment_id", "at", "pk"]
        verbose_name = _("enrollment event")
        verbose_name_plural = _("enrollment events")

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.from_value} → {self.to_value}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    EXCUSED = "excused", _("Excused absence")
    UNEXCUSED = "unexcused", _("Unexcused absence")


ABSENT = (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)


class AttendanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Marks of a class organised in the user's training scope, of a person of it, or the user's own,
        written as `session_id IN (…) OR enrollment_id IN (…)` so the database reads each side by its index
        instead of joining every mark to its class, person and both units. No filter for a superuser."""
        if _sees_all(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        units = Unit.objects.filter(unit_scope_q(user, TRAINING_READ)).values("pk")
        people = Q(staff__unit_id__in=units)
        if has_perm(user, Perm.OWN_RECORD):
            people |= Q(staff__user_id=user.pk)
        sessions = ClassSession.objects.filter(training_class__unit_id__in=units)
        return self.filter(
            Q(session_id__in=sessions.values("pk"))
            | Q(enrollment_id__in=Enrollment.objects.filter(people).values("pk"))
        )


class Attendance(models.Model):
    session = models.ForeignKey(ClassSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="marks")
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrollment"), on_delete=models.CASCADE, related_name="marks"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    minutes = models.PositiveIntegerField(_("minutes attended"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"))

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "enrollment_id"]
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="training_attendance_unique_session_enrollment"
            )
        ]
        # Covers the scorecards' sum of marked minutes per enrollment (no table row read per mark).
        indexes = [models.Index(fields=["enrollment", "session", "minutes"], name="training_att_enr_ses_min_idx")]

    def __str__(self) -> str:
        return f"{self.enrollment_id} @ {self.session_id}: {self.status}"


class AttendanceChange(models.Model):
    """A change to an existing mark (required with a reason once the class is completed)."""

    attendance = models.ForeignKey(
        Attendance, verbose_name=_("attendance mark"), on_delete=models.CASCADE, related_name="changes"
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=20)
    to_status = models.CharField(_("to"), max_length=20)
    from_minutes = models.PositiveIntegerField(_("minutes before"))
    to_minutes = models.PositiveIntegerField(_("minutes after"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    after_completion = models.BooleanField(_("after completion"), default=False)

    class Meta:
        ordering = ["attendance_id", "at", "pk"]
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")

    def __str__(self) -> str:
        return f"{self.attendance_id}: {self.from_status} → {self.to_status}"


class AttendanceSubmission(models.Model):
    """One roll-call write from a tablet (offline sync protocol): the device's UUID, the hash of what it sent
    and the answer given, so a replay gets the same answer and a different payload is a conflict."""

    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    session = models.ForeignKey(
        ClassSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    response = models.JSONField(_("response"), default=dict)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("attendance submission")
        verbose_name_plural = _("attendance submissions")

    def __str__(self) -> str:
        return str(self.client_uuid)


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(_own_or_scoped_q(user, "enrollment__training_class__", "enrollment__staff__"))


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, verbose_name=_("enrollment"), on_delete=models.PROTECT, related_name="certificate"
    )
    serial_year = models.PositiveSmallIntegerField(_("year"))
    serial_no = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("certificate number"), max_length=16, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-serial_year", "-serial_no"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["serial_year", "serial_no"], name="training_certificate_unique_serial")
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def format_number(year: int, serial: int) -> str:
        return f"{year}/{serial:06d}"


class CertificateCounter(models.Model):
    """The last serial issued per year; locked with select_for_update so serials have no gaps or duplicates."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class RequirementQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_all(user):
            return self.all()
        if user is None or not user.is_authenticated or not has_perm(user, TRAINING_READ):
            return self.none()
        return self.filter(Q(unit__isnull=True) | unit_scope_q(user, TRAINING_READ, prefix="unit__"))


class TrainingRequirement(TimeStampedModel):
    """A yearly hours rule. Empty criteria match everyone; the most specific matching rule applies."""

    name = models.CharField(_("name"), max_length=255)
    staff_category = models.CharField(_("staff category"), max_length=20, choices=StaffCategory.choices, blank=True)
    job_position = models.CharField(_("job position"), max_length=255, blank=True)
    rank_code = models.CharField(_("rank code"), max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit (with sub-units)"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    minutes_per_year = models.PositiveIntegerField(_("minutes per year"))
    effective_year = models.PositiveSmallIntegerField(_("effective from year"))
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_year", "name"]
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")

    def __str__(self) -> str:
        return self.name


class ExternalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ExternalTrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_all(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        q = unit_scope_q(user, TRAINING_READ, prefix="staff__unit__")
        if has_perm(user, Perm.OWN_RECORD):
            q |= Q(staff__user_id=user.pk)
        return self.filter(q)


class ExternalTraining(TimeStampedModel):
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="external_trainings"
    )
    title = models.CharField(_("title"), max_length=255)
    provider = models.CharField(_("provider"), max_length=255)
    category = models.CharField(_("content group"), max_length=30, choices=CourseCategory.choices, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    evidence = models.FileField(_("evidence"), upload_to="training/evidence/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ExternalStatus.choices, default=ExternalStatus.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = ExternalTrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-end_date"]
        verbose_name = _("external training")
        verbose_name_plural = _("external training")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="training_external_end_after_start",
                violation_error_message=_("The training ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarToken(models.Model):
    """A secret in calendar feed URLs (calendar apps cannot log in); the feed still applies the user's scope."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_calendar_token"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self) -> str:
        return f"{self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
