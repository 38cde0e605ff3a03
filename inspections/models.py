"""Checklist templates (versioned), plans and assignments, inspections with answers and evidence,
amendments, findings and corrective actions. Rules live in services.py; reads in selectors.py."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.permissions import Perm, has_perm
from staff.access import unit_scope_q
from staff.models import Staff, Unit


# ----------------------------------------------------------------------------------- choices
class TemplateKind(models.TextChoices):
    DISCIPLINE = "discipline", _("Discipline")
    SELF_INSPECTION = "self_inspection", _("Self-inspection")
    SERVICE_CULTURE = "service_culture", _("Public-service culture")
    OTHER = "other", _("Other")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class AnswerType(models.TextChoices):
    YES_NO_NA = "yes_no_na", _("Yes / no / not applicable")
    SCALE_0_4 = "scale_0_4", _("Scale 0–4")
    PERCENT = "percent", _("Percentage")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    PHOTO = "photo", _("Photo")


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    NOT_SATISFACTORY = "not_satisfactory", _("Not satisfactory")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved (locked)")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("corrective action", "In progress")  # not a training class's
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


# --------------------------------------------------------------------------------- templates
class ChecklistTemplateQuerySet(models.QuerySet):
    """Templates are shared by the whole province. Managers see everything; other readers see only
    templates with a published (or retired) version: a template still being built is not theirs."""

    def visible_to(self, user):
        if has_perm(user, Perm.TEMPLATE_MANAGE):
            return self.all()
        if has_perm(user, (Perm.TEMPLATE_VIEW, Perm.INSPECTION_PLAN)):
            released = TemplateVersion.objects.filter(template=OuterRef("pk")).exclude(status=VersionStatus.DRAFT)
            return self.filter(Exists(released))
        return self.none()


class ChecklistTemplate(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices, default=TemplateKind.OTHER)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"


class TemplateVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if has_perm(user, Perm.TEMPLATE_MANAGE):
            return self.all()
        if has_perm(user, (Perm.TEMPLATE_VIEW, Perm.INSPECTION_PLAN)):
            return self.exclude(status=VersionStatus.DRAFT)
        return self.none()


class TemplateVersion(models.Model):
    """Immutable once published (services refuse edits); editing a published version makes a draft."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    pass_threshold = models.DecimalField(_("pass threshold (%)"), max_digits=5, decimal_places=2, default=Decimal("50"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TemplateVersionQuerySet.as_manager()

    class Meta:
        ordering = ["template_id", "-number"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="insp_version_number_uniq"),
            models.UniqueConstraint(
                fields=["template"], condition=Q(status="draft"), name="insp_one_draft_per_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Section(models.Model):
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("checklist version"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveIntegerField(_("order"), default=0)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)

    class Meta:
        ordering = ["version_id", "order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="insp_section_code_uniq")]

    def __str__(self) -> str:
        return self.title_vi


class Item(models.Model):
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("checklist version"), on_delete=models.CASCADE, related_name="items"
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("item code"), max_length=40, help_text=_("Stable across versions."))
    text_vi = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    answer_type = models.CharField(_("answer type"), max_length=12, choices=AnswerType.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    critical = models.BooleanField(_("critical"), default=False)
    failing_answers = models.JSONField(
        _("failing answers"),
        default=list,
        blank=True,
        help_text=_('Values that fail, e.g. "no", "0", or comparisons like "<50".'),
    )
    note_required_on_failure = models.BooleanField(_("note required on failure"), default=False)
    photo_required_on_failure = models.BooleanField(_("photo required on failure"), default=False)
    required = models.BooleanField(_("required"), default=True)
    relevant = models.CharField(_("relevant (XLSForm)"), max_length=500, blank=True)

    class Meta:
        ordering = ["version_id", "order", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="insp_item_code_uniq")]

    def __str__(self) -> str:
        return f"{self.code} {self.text_vi[:60]}"


# ------------------------------------------------------------------------- plans, assignments
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


# -------------------------------------------------------------------------------- inspections
INSPECTION_SCOPE_PERMS = Perm.INSPECTION_VIEW
FINDING_SCOPE_PERMS = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_everything(user):
            return self.all()
        return self.filter(
            unit_scope_q(user, INSPECTION_SCOPE_PERMS, prefix="unit__") | _team_q(user, prefix="assignment__")
        )


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


# ------------------------------------------------------------------------ findings and actions
class FindingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_everything(user):
            return self.all()
        return self.filter(
            unit_scope_q(user, FINDING_SCOPE_PERMS, prefix="unit__") | _team_q(user, prefix="inspection__assignment__")
        )

    def with_state(self, today=None):
        today = today or timezone.localdate()
        open_actions = CorrectiveAction.objects.filter(finding=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES)
        overdue = open_actions.filter(due_date__lt=today)
        not_verified = CorrectiveAction.objects.filter(finding=OuterRef("pk")).exclude(status=ActionStatus.VERIFIED)
        any_action = CorrectiveAction.objects.filter(finding=OuterRef("pk"))
        return self.annotate(
            has_open=Exists(open_actions),
            has_overdue=Exists(overdue),
            closed=Case(
                When(Exists(any_action) & ~Exists(not_verified), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )


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
        """`is_overdue`: open and due before today (action_is_overdue() is the same rule in Python)."""
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=Case(
                When(Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)


def action_is_overdue(status, due_date, today) -> bool:
    """CorrectiveActionQuerySet.with_overdue()'s rule for one action read as values."""
    return status in OPEN_ACTION_STATUSES and due_date is not None and due_date < today


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
        annotated = getattr(self, "is_overdue", None)
        if annotated is not None:
            return annotated
        return self.status in OPEN_ACTION_STATUSES and self.due_date < timezone.localdate()


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
