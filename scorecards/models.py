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
    ATTENDANCE_RATE = "attendance_rate", _("Attendance marks attended ÷ marks of the sessions held")
    CERTIFICATE_PASS_RATE = "certificate_pass_rate", _("Certificates issued ÷ trainees assessed")
    SERVICE_CULTURE_SCORE = "service_culture_score", _("Service-culture checklist score (verified, else self)")
    DISCIPLINE_SCORE = "discipline_score", _("Discipline checklist score (verified, else self)")
    ACTIONS_ON_TIME = "actions_on_time", _("Corrective actions closed on time ÷ due")
    SELF_INSPECTIONS_ON_TIME = "self_inspections_on_time", _("Self-inspections submitted on time ÷ due")
    NO_DISCIPLINE_SHARE = "no_discipline_share", _("Staff without a discipline decision in the period ÷ headcount")
    CHECKLIST_ITEMS = "checklist_items", _("Self-inspection score of the chosen checklist items")
    INDICATOR = "indicator", _("Indicator value entered or imported (late dossiers, online dossiers, …)")
    SELF_ASSESSED = "self_assessed", _("Score the unit gives itself, with evidence (then appraised)")


class CriterionKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from CongVu's records")
    INDICATOR = "indicator", _("Indicator (entered or imported)")
    SELF_ASSESSED = "self_assessed", _("Self-assessed with evidence")


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
    indicator = models.ForeignKey(
        "scorecards.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria",
    )
    checklist_items = models.CharField(
        _("checklist item codes"),
        max_length=255,
        blank=True,
        help_text=_("For “checklist items” criteria: the self-inspection item codes, separated by commas."),
    )

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

    @property
    def kind(self) -> str:
        if self.formula == Formula.INDICATOR:
            return CriterionKind.INDICATOR
        if self.formula == Formula.SELF_ASSESSED:
            return CriterionKind.SELF_ASSESSED
        return CriterionKind.COMPUTED

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.formula == Formula.INDICATOR and self.indicator_id is None:
            raise ValidationError({"indicator": _("An indicator criterion needs an indicator.")})
        if self.formula == Formula.CHECKLIST_ITEMS and not self.item_codes():
            raise ValidationError({"checklist_items": _("Give at least one checklist item code.")})

    def item_codes(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.checklist_items.split(",") if c.strip())

    def spec_formula(self) -> str:
        """The formula name the engine keys this criterion's values by (see scorecards.kinds):
        `indicator:<id>`, `self_assessed:<key>`, `checklist_items:<codes>`, else the formula."""
        if self.formula == Formula.INDICATOR:
            return f"indicator:{self.indicator_id}"
        if self.formula == Formula.SELF_ASSESSED:
            return f"self_assessed:{self.key}"
        if self.formula == Formula.CHECKLIST_ITEMS:
            return f"checklist_items:{','.join(self.item_codes())}"
        return self.formula

    def spec(self) -> engine.CriterionSpec:
        return engine.CriterionSpec(
            key=self.key,
            pillar=self.pillar,
            formula=self.spec_formula(),
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


# ------------------------------------------------------------------- indicators (values from elsewhere)
class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.SCORECARD_VIEW):
        return self if has_perm(user, perm) else self.none()


class Indicator(TimeStampedModel):
    """A measure kept by another system and brought in per unit and period: the late-dossier rate of
    the public-service portal, online dossiers, online payments, the satisfaction index (SIPAS)…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    unit_label = models.CharField(_("unit of measure"), max_length=20, default="%")
    min_value = models.DecimalField(_("lowest value"), max_digits=9, decimal_places=2, default=0)
    max_value = models.DecimalField(_("highest value"), max_digits=9, decimal_places=2, default=100)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    source_hint = models.CharField(_("usual source"), max_length=255, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(condition=Q(max_value__gt=models.F("min_value")), name="indicator_range_ordered")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") and self.name_en else self.name_vi


class IndicatorValueQuerySet(models.QuerySet):
    def visible_to(self, user, perm=Perm.SCORECARD_VIEW):
        return self.filter(unit_scope_q(user, perm, prefix="unit__"))


class IndicatorValue(models.Model):
    """One indicator's value for one unit and one period, with where it came from and who brought it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    unit = models.ForeignKey("staff.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=10)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=2)
    source = models.CharField(_("source"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("entered at"), auto_now=True)
    file_name = models.CharField(_("imported from file"), max_length=255, blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["period", "unit_id", "indicator_id"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period"], name="uniq_indicator_value_per_period")
        ]
        indexes = [models.Index(fields=["period", "indicator"], name="sc_indval_period_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.period} = {self.value}"


# ------------------------------------------------------------- self-assessment, then appraisal
class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for self-assessment")
    PUBLISHED = "published", pgettext_lazy("assessment round status", "Published")


class AssessmentRoundQuerySet(models.QuerySet):
    def visible_to(self, user, perm=(Perm.SCORECARD_VIEW, Perm.SCORECARD_ASSESS, Perm.SCORECARD_APPRAISE)):
        # A round is province-wide; who may see some scorecard may know it exists.
        return self if has_perm(user, perm) else self.none()


class AssessmentRound(TimeStampedModel):
    """The assessing body's round for one period: units assess themselves until the deadline, the
    appraiser accepts or adjusts each criterion, then the round is published as the period's snapshot."""

    period = models.CharField(_("period"), max_length=10, unique=True)
    deadline = models.DateField(_("self-assessment deadline"))
    appraisal_deadline = models.DateField(_("appraisal deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    note = models.CharField(_("note"), max_length=255, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    publication = models.OneToOneField(
        PublishedPeriod,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="round",
    )

    objects = AssessmentRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return self.period


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPRAISED = "appraised", _("Appraised")


class UnitAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user, perm=(Perm.SCORECARD_VIEW, Perm.SCORECARD_ASSESS, Perm.SCORECARD_APPRAISE)):
        return self.filter(unit_scope_q(user, perm, prefix="unit__"))


class UnitAssessment(TimeStampedModel):
    """One unit's self-assessment in a round, then its appraisal."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assessments"
    )
    unit = models.ForeignKey("staff.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
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
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    self_total = models.FloatField(_("self-assessed total"), null=True, blank=True)
    appraised_total = models.FloatField(_("appraised total"), null=True, blank=True)

    objects = UnitAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "unit_id"]
        verbose_name = _("unit self-assessment")
        verbose_name_plural = _("unit self-assessments")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="uniq_assessment_per_unit")]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit_id}"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    ADJUSTED = "adjusted", _("Adjusted")


class CriterionAssessment(models.Model):
    """One criterion of a unit's self-assessment: the value the unit reviewed or gave itself, its
    explanation and evidence, then the appraiser's decision."""

    assessment = models.ForeignKey(
        UnitAssessment, verbose_name=_("self-assessment"), on_delete=models.CASCADE, related_name="criteria"
    )
    key = models.SlugField(_("criterion"), max_length=50)
    label = models.CharField(_("label"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    self_value = models.FloatField(_("self score"), null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="assessments/%Y/", blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    appraised_value = models.FloatField(_("appraised score"), null=True, blank=True)
    reason = models.TextField(_("reason for the adjustment"), blank=True)

    class Meta:
        ordering = ["assessment_id", "id"]
        verbose_name = _("criterion self-assessment")
        verbose_name_plural = _("criterion self-assessments")
        constraints = [models.UniqueConstraint(fields=["assessment", "key"], name="uniq_assessment_criterion")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.key}"

    @property
    def difference(self) -> float | None:
        if self.appraised_value is None or self.self_value is None:
            return None
        return round(self.appraised_value - self.self_value, 2)
