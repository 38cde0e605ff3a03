"""Enrollments of staff in classes, and the history of each enrollment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from staff.models import Staff
from training.models.classes import TrainingClass
from training.models.common import own_or_scoped_q


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


class EnrollmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Enrollments in classes of the user's scope, of staff in the user's scope, and the user's own."""
        return self.filter(own_or_scoped_q(user, "training_class__", "staff__"))


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
    attended_periods = models.DecimalField(_("tiết attended"), max_digits=6, decimal_places=1, default=0)
    planned_periods = models.PositiveIntegerField(_("tiết planned"), default=0)
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
