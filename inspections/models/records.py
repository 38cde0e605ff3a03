"""Inspections with their answers and evidence, and the amendments of locked inspections."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm, has_perm
from inspections.models.choices import Band, InspectionStatus, TemplateKind
from inspections.models.planning import Assignment, AssignmentMember, _sees_everything, _team_q
from inspections.models.templates import Item, TemplateVersion
from staff.access import unit_scope_q
from staff.models import Unit

INSPECTION_SCOPE_PERMS = Perm.INSPECTION_VIEW
FINDING_SCOPE_PERMS = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_everything(user):
            return self.all()
        return self.filter(
            unit_scope_q(user, INSPECTION_SCOPE_PERMS, prefix="unit__") | _team_q(user, prefix="assignment__")
        )

    def awaiting_approval_by(self, user):
        """Submitted checklists this user approves: the rule of inspections.selectors.can_approve as
        one filter (the dashboard's count and the list it opens). The lead of the team approves, or
        a team member when the lead filled it; a self-inspection, whoever reviews the unit; nobody
        the checklist they filled unless settings.INSPECTION_SELF_APPROVAL."""
        if not (user and user.is_authenticated and user.is_active and has_perm(user, Perm.INSPECTION_REVIEW)):
            return self.none()
        member_of = AssignmentMember.objects.filter(user_id=user.pk).values("assignment_id")
        lead_filled = Q(created_by_id=F("assignment__lead_id")) | Q(submitted_by_id=F("assignment__lead_id"))
        team = Q(assignment__is_self=False) & (
            Q(assignment__lead_id=user.pk) | (Q(assignment_id__in=member_of) & lead_filled)
        )
        own_unit = Q(assignment__is_self=True) & unit_scope_q(user, Perm.INSPECTION_REVIEW, prefix="unit__")
        qs = self.filter(team | own_unit, status=InspectionStatus.SUBMITTED)
        if not settings.INSPECTION_SELF_APPROVAL:
            qs = qs.exclude(created_by_id=user.pk).exclude(submitted_by_id=user.pk)
        return qs


class Inspection(models.Model):
    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="inspection"
    )
    # Denormalised from the assignment so figures per unit, kind and period are one indexed query.
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspections")
    template_version = models.ForeignKey(
        TemplateVersion, verbose_name=_("template version"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    is_self = models.BooleanField(_("self-inspection"), default=False)
    inspected_on = models.DateField(_("inspection date"))
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    summary = models.TextField(_("conclusion"), blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, default=Decimal("0"))
    max_score = models.DecimalField(_("maximum"), max_digits=9, decimal_places=2, default=Decimal("0"))
    total_percent = models.DecimalField(_("total (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    band = models.CharField(_("band"), max_length=20, choices=Band.choices, blank=True)
    critical_failed = models.BooleanField(_("critical item failed"), default=False)
    answered = models.PositiveIntegerField(_("answered items"), default=0)
    client_uuid = models.UUIDField(_("client UUID"), unique=True, null=True, blank=True)
    # The submission's instanceID / _uuid when imported from KoboToolbox or ODK Central.
    external_id = models.CharField(_("external submission id"), max_length=100, unique=True, null=True, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    sync_response = models.JSONField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    review_comment = models.TextField(_("review comment"), blank=True)
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
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["unit", "inspected_on"], name="insp_unit_date_idx"),
            models.Index(fields=["-inspected_on", "-id"], name="insp_date_idx"),
            models.Index(fields=["status", "kind", "inspected_on"], name="insp_status_kind_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.template_version} – {self.inspected_on:%d/%m/%Y}"

    @property
    def is_locked(self) -> bool:
        return self.status == InspectionStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (InspectionStatus.DRAFT, InspectionStatus.RETURNED)


class Answer(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("answer"), max_length=1000, blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(_("maximum"), max_digits=9, decimal_places=3, null=True, blank=True)
    failed = models.BooleanField(_("failed"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["inspection_id", "item__order", "item_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="insp_answer_uniq")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.value}"


class EvidenceBlob(models.Model):
    """One stored image, deduplicated by the sha256 of the uploaded bytes."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    file = models.FileField(_("image"), upload_to="evidence/%Y/%m/")
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_size = models.PositiveIntegerField(_("uploaded size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=50)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence image")
        verbose_name_plural = _("evidence images")

    def __str__(self) -> str:
        return self.sha256[:12]


class Evidence(models.Model):
    """An image attached to an answer or to a corrective action's progress."""

    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    progress = models.ForeignKey(
        "ActionProgress",
        verbose_name=_("progress update"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    blob = models.ForeignKey(EvidenceBlob, verbose_name=_("file"), on_delete=models.PROTECT, related_name="uses")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer__isnull=False) & Q(progress__isnull=True))
                | (Q(answer__isnull=True) & Q(progress__isnull=False)),
                name="insp_evidence_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.blob.sha256[:12]

    @property
    def sha256(self) -> str:
        return self.blob.sha256


class Amendment(models.Model):
    """A change to a locked inspection: who, when, why, and the full snapshot before and after."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        ordering = ["inspection_id", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="insp_amendment_uniq")]

    def __str__(self) -> str:
        return f"{self.inspection_id} #{self.number}"
