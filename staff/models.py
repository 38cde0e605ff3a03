from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.permissions import Perm, Role, has_perm
from staff.access import own_record_in_scope, path_for, subtree_bounds, unit_scope_q


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province (UBND tỉnh)")
    DEPARTMENT = "department", _("Department (sở, ban, ngành)")
    DIVISION = "division", _("Division (phòng, chi cục)")
    COMMUNE = "commune", _("Commune / ward")
    PUBLIC_SERVICE = "public_service", _("Public-service unit")
    OTHER = "other", _("Other")


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.UNIT_VIEW):
        return self.filter(unit_scope_q(user, perm))

    def subtree(self, unit: "Unit"):
        low, high = subtree_bounds(unit.path)
        return self.filter(path__gte=low, path__lt=high)


class Unit(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("tree path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    active = models.BooleanField(_("active"), default=True)
    search_name = models.CharField(max_length=255, editable=False, db_index=True, default="")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    path_for = staticmethod(path_for)


class StaffCategory(models.TextChoices):
    CAN_BO = "can_bo", _("Cán bộ")
    CONG_CHUC = "cong_chuc", _("Công chức")
    VIEN_CHUC = "vien_chuc", _("Viên chức")
    CONTRACT = "contract", _("Contract worker")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    TRANSFERRED = "transferred", _("Transferred")
    LEFT = "left", _("Left")


class StaffQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.STAFF_VIEW):
        q = unit_scope_q(user, perm, prefix="unit__")
        if not q:  # superuser: everything (an empty Q OR'ed with "own record" would narrow it)
            return self.all()
        if (
            user is not None
            and user.is_authenticated
            and has_perm(user, Perm.OWN_RECORD)
            and not own_record_in_scope(user, perm)
        ):
            # "Units in scope OR my own record" as two indexed lookups (the ids of the units in scope, the
            # user id): OR-ed with a condition on the joined unit, SQLite would walk the whole directory.
            units = Unit.objects.filter(unit_scope_q(user, perm)).values("pk")
            return self.filter(Q(unit_id__in=units) | Q(user_id=user.pk))
        return self.filter(q)


class Staff(TimeStampedModel):
    staff_code = models.CharField(_("staff code"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True, default="")
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff")
    category = models.CharField(_("category"), max_length=20, choices=StaffCategory.choices)
    job_position = models.CharField(_("job position"), max_length=255, blank=True)
    rank_code = models.CharField(_("rank code"), max_length=20, blank=True)
    rank_name = models.CharField(_("rank"), max_length=255, blank=True)
    position_title = models.CharField(_("position title"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=StaffStatus.choices, default=StaffStatus.ACTIVE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_profile",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["search_name", "staff_code"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        indexes = [
            models.Index(fields=["unit", "status"], name="staff_unit_status_idx"),
            # The directory's order: a reader of the whole province gets the first page by walking this
            # index and stopping after a page, instead of sorting every person.
            models.Index(fields=["search_name", "staff_code"], name="staff_name_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.staff_code})"


class StaffUnitHistoryQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.STAFF_VIEW):
        return self.filter(unit_scope_q(user, perm, prefix="unit__"))

    def during(self, start, end):
        """Rows overlapping [start, end]."""
        return self.filter(Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start)))


class StaffUnitHistory(models.Model):
    """Who was in which unit when, so later figures attribute people to the right unit."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="unit_history"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff_history")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = StaffUnitHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["staff_id", "start_date"]
        verbose_name = _("unit history entry")
        verbose_name_plural = _("unit history")
        indexes = [models.Index(fields=["unit", "start_date"], name="staff_hist_unit_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="staff_history_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} @ {self.unit_id} {self.start_date}–{self.end_date or ''}"


class RoleAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.ROLE_MANAGE):
        return self.filter(unit_scope_q(user, perm, prefix="unit__"))


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="role_assignments")
    include_subunits = models.BooleanField(_("includes sub-units"), default=True)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="uniq_role_per_user_unit")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


# ------------------------------------------------------------------------ discipline (NĐ 172/2025)
DISCIPLINE_LEGAL_BASIS = "Nghị định 172/2025/NĐ-CP"


class DisciplineForm(models.TextChoices):
    """Forms of discipline (Decree 172/2025/NĐ-CP; giáng chức is kept for decisions taken before it,
    bãi nhiệm applies to cán bộ only)."""

    REPRIMAND = "reprimand", _("Reprimand (khiển trách)")
    WARNING = "warning", _("Warning (cảnh cáo)")
    DEMOTION = "demotion", _("Demotion (giáng chức)")
    REMOVAL = "removal", _("Removal from office (cách chức)")
    DISMISSAL = "dismissal", _("Dismissal (buộc thôi việc)")
    DISMISSAL_CAN_BO = "recall", _("Recall from office (bãi nhiệm, cán bộ)")


class DisciplineDecisionQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.DISCIPLINE_VIEW):
        """Decisions about people of the units in scope, and one's own decisions."""
        q = unit_scope_q(user, perm, prefix="staff__unit__")
        if not q:
            return self.all()
        if user is not None and user.is_authenticated and has_perm(user, Perm.OWN_RECORD):
            units = Unit.objects.filter(unit_scope_q(user, perm)).values("pk")
            return self.filter(Q(staff__unit_id__in=units) | Q(staff__user_id=user.pk))
        return self.filter(q)

    def in_period(self, start, end):
        return self.filter(decision_date__gte=start, decision_date__lte=end)


class DisciplineDecision(TimeStampedModel):
    """One discipline decision about one person. The finding that led to it is kept by its number
    (`finding_id`): staff may not import inspections (pyproject import contracts), so there is no
    foreign key; the person page links to the finding's own page, which checks its own scope."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="discipline_decisions"
    )
    form = models.CharField(_("form of discipline"), max_length=20, choices=DisciplineForm.choices)
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    issuing_body = models.CharField(_("issuing body"), max_length=255)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, default=DISCIPLINE_LEGAL_BASIS)
    reason = models.TextField(_("reason"), blank=True)
    finding_id = models.PositiveIntegerField(_("finding number"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DisciplineDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("discipline decision")
        verbose_name_plural = _("discipline decisions")
        indexes = [models.Index(fields=["decision_date"], name="staff_discipline_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["staff", "decision_number"], name="uniq_discipline_decision_per_person"),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gte=models.F("effective_from")),
                name="staff_discipline_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.get_form_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if (
            self.form == DisciplineForm.DISMISSAL_CAN_BO
            and self.staff_id
            and self.staff.category != StaffCategory.CAN_BO
        ):
            errors["form"] = _("Recall from office (bãi nhiệm) applies to cán bộ only.")
        if self.effective_until and self.effective_from and self.effective_until < self.effective_from:
            errors["effective_until"] = _("The end of the effective period is before its start.")
        if self.effective_from and self.decision_date and self.effective_from < self.decision_date:
            errors["effective_from"] = _("A decision cannot take effect before it is signed.")
        if errors:
            raise ValidationError(errors)


class RosterColumnMapping(models.Model):
    """The last column mapping a user confirmed for a roster import ({header text: field}), offered
    again the next time that user uploads a roster."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roster_mapping"
    )
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("roster column mapping")
        verbose_name_plural = _("roster column mappings")

    def __str__(self) -> str:
        return f"{self.user}: {len(self.mapping)}"
