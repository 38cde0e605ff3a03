"""Findings (failed answers of approved inspections), corrective actions and their progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm
from inspections.models.choices import OPEN_ACTION_STATUSES, ActionStatus
from inspections.models.planning import _sees_everything, _team_q
from inspections.models.records import FINDING_SCOPE_PERMS, Answer, Inspection
from inspections.models.templates import Item
from staff.access import unit_scope_q
from staff.models import Staff, Unit


def overdue_q(today, prefix: str = "") -> Q:
    """The overdue rule for a corrective action (reached through `prefix`): still open and due before
    `today`. with_overdue(), overdue() and FindingQuerySet.with_state() are all built on it."""
    return Q(**{f"{prefix}status__in": OPEN_ACTION_STATUSES, f"{prefix}due_date__lt": today})


FINDING_STATES = ("open", "overdue", "no_action", "closed")


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_everything(user):
            return self.all()
        return self.filter(
            unit_scope_q(user, FINDING_SCOPE_PERMS, prefix="unit__") | _team_q(user, prefix="inspection__assignment__")
        )

    def with_state(self, today=None):
        """A finding's state from its corrective actions: `has_action`; `has_open` (an open action);
        `has_overdue` (an overdue one, see overdue_q); `closed` (actions, all verified)."""
        today = today or timezone.localdate()

        def counted(condition: Q):
            # A correlated count, read for each finding shown: PostgreSQL would plan an EXISTS here as a
            # hash of every corrective action built for each page.
            actions = CorrectiveAction.objects.filter(condition, finding=OuterRef("pk")).order_by().values("finding")
            return Coalesce(Subquery(actions.annotate(n=Count("pk")).values("n")), Value(0))

        def held(condition: Q):
            return ExpressionWrapper(condition, output_field=BooleanField())

        return self.annotate(
            action_count=counted(Q()),
            open_action_count=counted(Q(status__in=OPEN_ACTION_STATUSES)),
            overdue_action_count=counted(overdue_q(today)),
            unverified_action_count=counted(~Q(status=ActionStatus.VERIFIED)),
        ).annotate(
            has_action=held(Q(action_count__gt=0)),
            has_open=held(Q(open_action_count__gt=0)),
            has_overdue=held(Q(overdue_action_count__gt=0)),
            closed=held(Q(action_count__gt=0, unverified_action_count=0)),
        )

    def in_state(self, state: str, today=None):
        """The findings in one of FINDING_STATES (the register's state filter), by with_state()."""
        qs = self.with_state(today)
        condition = {
            "open": Q(has_open=True),
            "overdue": Q(has_overdue=True),
            "no_action": Q(has_action=False),
            "closed": Q(closed=True),
        }.get(state)
        return qs if condition is None else qs.filter(condition)


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    answer = models.OneToOneField(Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="finding")
    item = models.ForeignKey(Item, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspection_findings")
    critical = models.BooleanField(_("critical"), default=False)
    description = models.TextField(_("finding"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        # the register's order: a page walks the index and stops after 50 rows (no sort of every finding)
        indexes = [models.Index(fields=["-created_at", "-id"], name="insp_finding_created_idx")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.description[:60]}"


class CorrectiveActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_everything(user):
            return self.all()
        return self.filter(
            unit_scope_q(user, (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE), prefix="unit__")
            | unit_scope_q(user, Perm.INSPECTION_VIEW, prefix="finding__unit__")
            | _team_q(user, prefix="finding__inspection__assignment__")
        )

    def with_overdue(self, today=None):
        """`is_overdue` by overdue_q()."""
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=Case(
                When(overdue_q(today), then=Value(True)), default=Value(False), output_field=models.BooleanField()
            )
        )

    def overdue(self, today=None):
        return self.filter(overdue_q(today or timezone.localdate()))


class CorrectiveAction(models.Model):
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="actions")
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="corrective_actions"
    )
    responsible_person = models.ForeignKey(
        Staff,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrective_actions",
    )
    description = models.TextField(_("corrective action"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(_("done on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        indexes = [
            models.Index(fields=["unit", "due_date"], name="insp_action_unit_due_idx"),
            models.Index(fields=["due_date", "id"], name="insp_action_due_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def overdue(self) -> bool:
        """The `is_overdue` annotation (CorrectiveActionQuerySet.with_overdue())."""
        return self.is_overdue


class ActionProgress(models.Model):
    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="progress")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("progress note"), blank=True)
    status_from = models.CharField(_("from"), max_length=12, choices=ActionStatus.choices)
    status_to = models.CharField(_("to"), max_length=12, choices=ActionStatus.choices)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["action_id", "created_at", "pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.action_id}: {self.status_from} → {self.status_to}"
