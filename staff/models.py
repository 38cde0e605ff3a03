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
