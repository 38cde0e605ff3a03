from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.permissions import Perm, has_perm
from scorecards import engine
from staff.access import unit_scope_q


class Pillar(models.TextChoices):
    CAPABILITY = engine.CAPABILITY, _("Capability")
    SERVICE_CULTURE = engine.SERVICE_CULTURE, _("Service culture and discipline")


class Formula(models.TextChoices):
    HOURS_MET_SHARE = "hours_met_share", _("Staff meeting the yearly training hours ÷ headcount")
    MANDATORY_COMPLETION = "mandatory_completion", _("Mandatory courses completed ÷ enrolled")
    ATTENDANCE_RATE = "attendance_rate", _("Attended minutes ÷ planned minutes")
    CERTIFICATE_PASS_RATE = "certificate_pass_rate", _("Certificates issued ÷ trainees assessed")
    SERVICE_CULTURE_SCORE = "service_culture_score", _("Service-culture checklist score (verified, else self)")
    DISCIPLINE_SCORE = "discipline_score", _("Discipline checklist score (verified, else self)")
    ACTIONS_ON_TIME = "actions_on_time", _("Corrective actions closed on time ÷ due")
    SELF_INSPECTIONS_ON_TIME = "self_inspections_on_time", _("Self-inspections submitted on time ÷ due")


class Direction(models.TextChoices):
    HIGHER = engine.HIGHER, _("Higher is better")
    LOWER = engine.LOWER, _("Lower is better")


class Band(models.TextChoices):
    """The Decree 335/2025/NĐ-CP ladder, with its full labels (a context keeps them apart from the
    shorter inspection bands)."""

    EXCELLENT = engine.EXCELLENT, pgettext_lazy("scorecard band", "Excellent")
    GOOD = engine.GOOD, pgettext_lazy("scorecard band", "Good")
    SATISFACTORY = engine.SATISFACTORY, pgettext_lazy("scorecard band", "Satisfactory")
    NOT_SATISFACTORY = engine.NOT_SATISFACTORY, pgettext_lazy("scorecard band", "Not satisfactory")
    NO_DATA = engine.NO_DATA, pgettext_lazy("scorecard band", "No data")


class ScorecardModel(TimeStampedModel):
    """The method for one year, as data: criteria with weights and targets, and the bands."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=255)
    excellent_min = models.DecimalField(_("excellent from"), max_digits=5, decimal_places=2, default=90)
    good_min = models.DecimalField(_("good from"), max_digits=5, decimal_places=2, default=70)
    satisfactory_min = models.DecimalField(_("satisfactory from"), max_digits=5, decimal_places=2, default=50)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("scorecard model")
        verbose_name_plural = _("scorecard models")
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_min__gt=models.F("good_min"))
                & Q(good_min__gt=models.F("satisfactory_min"))
                & Q(satisfactory_min__gte=0)
                & Q(excellent_min__lte=100),
                name="scorecard_bands_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def spec(self) -> engine.ModelSpec:
        """The engine's view of this model; needs `criteria` prefetched to avoid a query."""
        return engine.ModelSpec(
            year=self.year,
            criteria=tuple(c.spec() for c in self.criteria.all()),
            excellent_min=float(self.excellent_min),
            good_min=float(self.good_min),
            satisfactory_min=float(self.satisfactory_min),
        )


class Criterion(models.Model):
    scorecard_model = models.ForeignKey(
        ScorecardModel, verbose_name=_("scorecard model"), on_delete=models.CASCADE, related_name="criteria"
    )
    key = models.SlugField(_("key"), max_length=50)
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=255)
    label_en = models.CharField(_("label (English)"), max_length=255, blank=True)
    formula = models.CharField(_("formula"), max_length=40, choices=Formula.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    target = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scorecard_model_id", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["scorecard_model", "key"], name="uniq_criterion_key_per_model"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_not_negative"),
            models.CheckConstraint(condition=Q(target__gt=0) & Q(target__lte=100), name="criterion_target_0_100"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") and self.label_en else self.label_vi

    def spec(self) -> engine.CriterionSpec:
        return engine.CriterionSpec(
            key=self.key,
            pillar=self.pillar,
            formula=self.formula,
            weight=float(self.weight),
            target=float(self.target),
            direction=self.direction,
            label_vi=self.label_vi,
            label_en=self.label_en,
        )


class PublishedPeriodQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.SCORECARD_VIEW):
        # A publication is province-wide; anyone who may see some scorecard may know it exists.
        return self if has_perm(user, perm) else self.none()


class PublishedPeriod(models.Model):
    """A period whose scorecards are frozen (one ScorecardSnapshot per unit)."""

    period = models.CharField(_("period"), max_length=10, unique=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    scorecard_model = models.ForeignKey(
        ScorecardModel, verbose_name=_("scorecard model"), on_delete=models.PROTECT, related_name="publications"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = PublishedPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "period"]
        verbose_name = _("published period")
        verbose_name_plural = _("published periods")

    def __str__(self) -> str:
        return self.period


class ScorecardSnapshotQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.SCORECARD_VIEW):
        return self.filter(unit_scope_q(user, perm, prefix="unit__"))


class ScorecardSnapshot(models.Model):
    """One unit's scorecard as published: every criterion value, weight and point, frozen."""

    publication = models.ForeignKey(
        PublishedPeriod, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="snapshots"
    )
    unit = models.ForeignKey("staff.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    total = models.FloatField(_("total score"), null=True, blank=True)
    capability = models.FloatField(_("capability"), null=True, blank=True)
    service_culture = models.FloatField(_("service culture and discipline"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=20, choices=Band.choices)
    rank = models.PositiveIntegerField(_("ranking"), null=True, blank=True)
    rank_of = models.PositiveIntegerField(_("out of"), null=True, blank=True)
    criteria = models.JSONField(_("criteria"), default=list)

    objects = ScorecardSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["publication_id", "unit_id"]
        verbose_name = _("scorecard snapshot")
        verbose_name_plural = _("scorecard snapshots")
        constraints = [models.UniqueConstraint(fields=["publication", "unit"], name="uniq_snapshot_per_unit")]

    def __str__(self) -> str:
        return f"{self.publication} · {self.unit_id}"


class PublishStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", pgettext_lazy("publishing run status", "Published")
    FAILED = "failed", _("Failed")


ACTIVE_PUBLISH = (PublishStatus.QUEUED, PublishStatus.RUNNING)


class PublishRunQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.SCORECARD_MANAGE):
        return self if has_perm(user, perm) else self.none()


class PublishRun(models.Model):
    """One request to publish a period, followed while a background worker freezes the scorecards.
    At most one per period is waiting or running (a second click finds the first)."""

    period = models.CharField(_("period"), max_length=10)
    note = models.CharField(_("note"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=10, default="vi")
    status = models.CharField(_("status"), max_length=10, choices=PublishStatus.choices, default=PublishStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    publication = models.ForeignKey(
        PublishedPeriod,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = PublishRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("publishing run")
        verbose_name_plural = _("publishing runs")
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status__in=["queued", "running"]),
                name="scorecards_one_active_publish_per_period",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="scorecards_publish_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (PublishStatus.DONE, PublishStatus.FAILED)
