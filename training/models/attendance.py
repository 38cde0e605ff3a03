"""Attendance marks per session, their changes after the fact, and offline submissions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm, has_perm
from staff.access import unit_scope_q
from staff.models import Unit
from training.models.classes import ClassSession
from training.models.common import TRAINING_READ, sees_all
from training.models.enrollment import Enrollment


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
        if sees_all(user):
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
