"""Inspection plans, assignments (who inspects which unit with which version) and their teams."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm
from inspections.models.templates import TemplateVersion
from staff.access import unit_scope_q
from staff.models import Unit


class PlanKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection plan")
    SELF_CAMPAIGN = "self_campaign", _("Self-inspection campaign")


class InspectionPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(unit_scope_q(user, (Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN), prefix="unit__"))


class InspectionPlan(models.Model):
    year = models.PositiveIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices, default=PlanKind.INSPECTION)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit scope"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The plan covers this unit and its sub-units."),
    )
    target_coverage = models.DecimalField(
        _("target coverage (%)"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    version = models.PositiveIntegerField(_("version"), default=1)  # core.concurrency: bumped by each edit
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


def _sees_everything(user) -> bool:
    """Superusers: unit_scope_q gives them an empty Q (no restriction), which OR-ed with the team
    condition would leave only the team condition."""
    return user is not None and user.is_authenticated and user.is_active and user.is_superuser


def _team_q(user, prefix: str = "") -> Q:
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    members = AssignmentMember.objects.filter(user_id=user.pk).values("assignment_id")
    return Q(**{f"{prefix}lead_id": user.pk}) | Q(**{f"{prefix}pk__in": members})


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_everything(user):
            return self.all()
        return self.filter(unit_scope_q(user, Perm.INSPECTION_VIEW, prefix="unit__") | _team_q(user))


class Assignment(models.Model):
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("inspected unit"), on_delete=models.PROTECT, related_name="inspection_assignments"
    )
    template_version = models.ForeignKey(
        TemplateVersion, verbose_name=_("template version"), on_delete=models.PROTECT, related_name="assignments"
    )
    announced = models.BooleanField(_("announced"), default=True)
    is_self = models.BooleanField(_("self-inspection"), default=False)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_assignments",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team members"),
        blank=True,
        through="AssignmentMember",
        related_name="inspection_assignments",
    )
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["unit", "due_date"], name="insp_assign_unit_due_idx"),
            # the list's order: a page walks the index instead of joining and sorting every assignment
            models.Index(fields=["due_date", "id"], name="insp_assign_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(is_self=True) | Q(lead__isnull=False), name="insp_assign_lead_or_self"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.template_version} – {self.due_date:%d/%m/%Y}"


class AssignmentMember(models.Model):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="insp_member_uniq")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.assignment_id}"
