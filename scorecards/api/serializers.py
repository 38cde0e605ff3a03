"""Read-only shapes of a scorecard, over the engine's results (`UnitScore`, `CriterionResult`) and the
selector's `UnitScorecard`. Figures are rounded to two decimals, as the screens show them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scorecards import charts, explain
from scorecards.models import Band, Direction, Formula, Pillar
from staff.models import UnitKind

SOURCE_LABELS = {
    "verified": _("by inspectors"),
    "self": _("self-inspections"),
    "mixed": _("by inspectors where a unit has one, else self-inspections"),
}


class Figure(serializers.FloatField):
    """A computed figure, rounded as shown (two decimals)."""

    def to_representation(self, value):
        return round(float(value), 2)


class CriterionSerializer(serializers.Serializer):
    """One criterion: its figures, how they come about (`explanation`, in the user's language) and the API
    lists of the records behind them: `numerator_url`'s `count` is `numerator`, `denominator_url`'s is
    `denominator` (for a checklist score, `numerator_url` lists the `records` inspections it is the mean
    of; attendance counts minutes, so its `denominator_url` lists the enrollments whose minutes are summed)."""

    key = serializers.CharField()
    pillar = serializers.CharField()
    pillar_label = serializers.SerializerMethodField()
    formula = serializers.CharField()
    formula_label = serializers.SerializerMethodField()
    label = serializers.CharField()
    measure = serializers.CharField()
    value = Figure(allow_null=True)
    has_data = serializers.BooleanField()
    target = serializers.FloatField()
    direction = serializers.CharField()
    direction_label = serializers.SerializerMethodField()
    weight = serializers.FloatField()
    effective_weight = Figure(allow_null=True)
    points = Figure(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    records = serializers.IntegerField(allow_null=True)
    units = serializers.IntegerField(allow_null=True)
    verified_value = Figure(allow_null=True)
    self_value = Figure(allow_null=True)
    source = serializers.CharField(allow_null=True)
    source_label = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    numerator_url = serializers.SerializerMethodField()
    denominator_url = serializers.SerializerMethodField()
    record_lists = serializers.SerializerMethodField()

    def get_pillar_label(self, c) -> str:
        return str(Pillar(c.pillar).label) if c.pillar in Pillar.values else c.pillar

    def get_formula_label(self, c) -> str:
        return str(Formula(c.formula).label) if c.formula in Formula.values else c.formula

    def get_direction_label(self, c) -> str:
        return str(Direction(c.direction).label) if c.direction in Direction.values else c.direction

    def get_source_label(self, c) -> str | None:
        return str(SOURCE_LABELS[c.source]) if c.source in SOURCE_LABELS else None

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_explanation(self, c) -> dict:
        """`value`: how the value comes from the records; `points`: how the points (or the shared weight) come."""
        return explain.criterion_explanation(c, self.context["score"])

    def _links(self, c) -> dict:
        return self.context.get("links", {}).get(c.formula) or {}

    def _absolute(self, link) -> str | None:
        if not link or not link.get("api_url"):
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(link["api_url"]) if request is not None else link["api_url"]

    def get_numerator_url(self, c) -> str | None:
        return self._absolute(self._links(c).get("numerator"))

    def get_denominator_url(self, c) -> str | None:
        return self._absolute(self._links(c).get("denominator"))

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_record_lists(self, c) -> list[dict]:
        """Every list behind the figure: label, screen `url` and `api_url`."""
        links = self._links(c)
        items = [links.get("numerator"), links.get("denominator"), *links.get("more", [])]
        return [{**x, "api_url": self._absolute(x)} for x in items if x]


class UnitScoreSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(source="unit.id")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    kind = serializers.CharField(source="unit.kind")
    headcount = serializers.IntegerField()
    total = Figure(allow_null=True)
    band = serializers.CharField()
    capability = Figure(allow_null=True)
    service_culture = Figure(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    rank_of = serializers.IntegerField(allow_null=True)
    previous_total = Figure(allow_null=True)
    change = Figure(allow_null=True)
    kind_label = serializers.SerializerMethodField()
    band_label = serializers.SerializerMethodField()

    def get_kind_label(self, s) -> str:
        return str(UnitKind(s.unit.kind).label) if s.unit.kind in UnitKind.values else s.unit.kind

    def get_band_label(self, s) -> str:
        return str(Band(s.band).label) if s.band in Band.values else s.band


class DifferenceSerializer(serializers.Serializer):
    label = serializers.CharField()
    published = serializers.FloatField(allow_null=True)
    now = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)


class ScorecardSerializer(serializers.Serializer):
    """One unit's scorecard (a `UnitScorecard`): its figures, criteria, corrections since publication,
    sub-units in scope and the addresses of its charts."""

    unit_id = serializers.IntegerField(source="score.unit.id")
    unit_code = serializers.CharField(source="score.unit.code")
    unit_name = serializers.CharField(source="score.unit.name")
    kind = serializers.CharField(source="score.unit.kind")
    headcount = serializers.IntegerField(source="score.headcount")
    total = Figure(source="score.total", allow_null=True)
    band = serializers.CharField(source="score.band")
    band_label = serializers.SerializerMethodField()
    kind_label = serializers.SerializerMethodField()
    headline = serializers.SerializerMethodField()
    total_explanation = serializers.SerializerMethodField()
    rules = serializers.SerializerMethodField()
    capability = Figure(source="score.capability", allow_null=True)
    service_culture = Figure(source="score.service_culture", allow_null=True)
    rank = serializers.IntegerField(source="score.rank", allow_null=True)
    rank_of = serializers.IntegerField(source="score.rank_of", allow_null=True)
    previous_total = Figure(source="score.previous_total", allow_null=True)
    change = Figure(source="score.change", allow_null=True)
    period = serializers.CharField(source="period.key")
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    published = serializers.BooleanField(source="is_published")
    published_at = serializers.DateTimeField(source="table.publication.published_at", allow_null=True)
    computed_at = serializers.DateTimeField(
        source="as_of",
        allow_null=True,
        help_text="null: the live figures follow the records as they are now. Else when they were computed: "
        "the records have changed since, and the server is recomputing them.",
    )
    criteria = CriterionSerializer(source="score.criteria", many=True)
    differences = DifferenceSerializer(many=True)
    sub_units = UnitScoreSerializer(source="children", many=True)
    charts = serializers.SerializerMethodField()

    def get_band_label(self, card) -> str:
        return str(Band(card.score.band).label) if card.score.band in Band.values else card.score.band

    def get_kind_label(self, card) -> str:
        kind = card.score.unit.kind
        return str(UnitKind(kind).label) if kind in UnitKind.values else kind

    def get_headline(self, card) -> str:
        """What the total is: published for the period, or live (provisional)."""
        if card.is_published:
            return str(_("published, %(period)s") % {"period": card.period.label})
        return str(_("live, provisional"))

    def get_total_explanation(self, card) -> str:
        return explain.total_text(card.score)

    @extend_schema_field(serializers.DictField())
    def get_rules(self, card) -> dict:
        """The rules of the period's year: model name and year, legal basis, band thresholds in words."""
        r = explain.rules(card.table)
        return {
            k: r[k] for k in ("name", "year", "legal_basis", "excellent_min", "good_min", "satisfactory_min", "bands")
        }

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_charts(self, card) -> dict[str, str]:
        """`{name}_{format}`: the chart's absolute address for the scorecard's period."""
        request = self.context["request"]
        return {
            f"{name}_{fmt}": request.build_absolute_uri(
                reverse("scorecard-chart", kwargs={"pk": card.unit.pk, "name": name, "fmt": fmt})
                + f"?period={card.period.key}"
            )
            for name in charts.CHARTS
            for fmt in charts.FORMATS
        }
