"""Classes of a course, organised by a unit, and their sessions."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.permissions import Perm, has_perm
from staff.access import unit_scope_q
from staff.models import Unit
from training.models.common import TRAINING_READ, sees_all
from training.models.courses import Course


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

# A roll call can be saved only for a class in one of these; a planned class must be opened first.
ROLL_CALL_STATUSES = frozenset({ClassStatus.OPEN, ClassStatus.IN_PROGRESS, ClassStatus.COMPLETED})


def _is_trainer_q(user, prefix: str = "") -> Q:
    through = TrainingClass.trainer_users.through
    return Q(Exists(through.objects.filter(trainingclass_id=OuterRef(f"{prefix}pk"), user_id=user.pk)))


class TrainingClassQuerySet(models.QuerySet):
    def visible_to(self, user, perm=TRAINING_READ):
        if sees_all(user):
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
        if sees_all(user):
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
    periods = models.PositiveSmallIntegerField(
        _("tiết"), default=0, help_text=_("Counted towards the yearly requirement; 4 a half-day, 8 a full day.")
    )
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
            models.CheckConstraint(condition=Q(periods__lte=16), name="training_session_periods_max_16"),
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
