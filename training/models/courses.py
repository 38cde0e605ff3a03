"""The course catalogue: what is taught, how it is assessed, and to which units it is offered."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from staff.access import scope_ancestor_paths, unit_scope_q
from staff.models import Unit
from training.models.common import TRAINING_READ


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


class CertificateKind(models.TextChoices):
    """What a course gives: most bồi dưỡng courses a giấy chứng nhận, some a chứng chỉ."""

    CERTIFICATE_OF_COMPLETION = "gcn", _("Certificate of completion (giấy chứng nhận)")
    CERTIFICATE = "cc", _("Certificate (chứng chỉ)")


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
    planned_periods = models.PositiveSmallIntegerField(
        _("planned duration (tiết)"), default=0, blank=True, help_text=_("Empty: one tiết per planned hour.")
    )
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
    certificate_kind = models.CharField(
        _("certificate kind"),
        max_length=3,
        choices=CertificateKind.choices,
        default=CertificateKind.CERTIFICATE_OF_COMPLETION,
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"), null=True, blank=True, help_text=_("Empty: does not expire.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

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
