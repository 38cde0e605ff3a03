"""Read-only shapes of a scorecard, over the engine's results (`UnitScore`, `CriterionResult`) and the
selector's `UnitScorecard`. Figures are rounded to two decimals, as the screens show them."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scorecards import charts


class Figure(serializers.FloatField):
    """A computed figure, rounded as shown (two decimals)."""

    def to_representation(self, value):
        return round(float(value), 2)


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    pillar = serializers.CharField()
    formula = serializers.CharField()
    label = serializers.CharField()
    value = Figure(allow_null=True)
    has_data = serializers.BooleanField()
    target = serializers.FloatField()
    direction = serializers.CharField()
    weight = serializers.FloatField()
    effective_weight = Figure(allow_null=True)
    points = Figure(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    verified_value = Figure(allow_null=True)
    self_value = Figure(allow_null=True)
    source = serializers.CharField(allow_null=True)
    records = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_records(self, criterion) -> list[dict]:
        """The links to the records behind the figure (`links` in the context: scorecards.links)."""
        return self.context.get("links", {}).get(criterion.formula, [])


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
    criteria = CriterionSerializer(source="score.criteria", many=True)
    differences = DifferenceSerializer(many=True)
    sub_units = UnitScoreSerializer(source="children", many=True)
    charts = serializers.SerializerMethodField()

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
