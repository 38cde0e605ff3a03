"""What counts towards the yearly hours: the requirement rules and approved external training."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.permissions import Perm, has_perm
from core.uploads import private_storage
from staff.access import unit_scope_q
from staff.models import Staff, StaffCategory, Unit
from training.models.common import TRAINING_READ, sees_all
from training.models.courses import CourseCategory


class RequirementQuerySet(models.QuerySet):
    def visible_to(self, user):
        if sees_all(user):
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
    periods_per_year = models.PositiveSmallIntegerField(_("tiết per year"))
    effective_year = models.PositiveSmallIntegerField(_("effective from year"))
    end_year = models.PositiveSmallIntegerField(
        _("last year it applies"), null=True, blank=True, help_text=_("Empty: no end.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_year", "name"]
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("effective_year")),
                name="training_requirement_end_after_start",
                violation_error_message=_("The last year is before the first year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExternalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ExternalTrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if sees_all(user):
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
    periods = models.DecimalField(_("tiết"), max_digits=6, decimal_places=1)
    minutes = models.PositiveIntegerField(_("minutes"), default=0, blank=True)
    # Checked by core.uploads.check_upload (photo or PDF); no public URL: served by ExternalEvidenceView.
    evidence = models.FileField(_("evidence"), upload_to="training/evidence/%Y/", blank=True, storage=private_storage)
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
