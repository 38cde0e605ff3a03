"""Read-only shapes of a scorecard (a dict built from the engine's results)."""

from rest_framework import serializers


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    pillar = serializers.CharField()
    formula = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    has_data = serializers.BooleanField()
    target = serializers.FloatField()
    direction = serializers.CharField()
    weight = serializers.FloatField()
    effective_weight = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    verified_value = serializers.FloatField(allow_null=True)
    self_value = serializers.FloatField(allow_null=True)
    source = serializers.CharField(allow_null=True)
    records = serializers.ListField(child=serializers.DictField(), required=False)


class UnitScoreSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    kind = serializers.CharField()
    headcount = serializers.IntegerField()
    total = serializers.FloatField(allow_null=True)
    band = serializers.CharField()
    capability = serializers.FloatField(allow_null=True)
    service_culture = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    rank_of = serializers.IntegerField(allow_null=True)
    previous_total = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)


class DifferenceSerializer(serializers.Serializer):
    label = serializers.CharField()
    published = serializers.FloatField(allow_null=True)
    now = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)


class ScorecardSerializer(UnitScoreSerializer):
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    criteria = CriterionSerializer(many=True)
    differences = DifferenceSerializer(many=True)
    sub_units = UnitScoreSerializer(many=True)
    charts = serializers.DictField(child=serializers.CharField())


def _r(value):
    return None if value is None else round(value, 2)


def unit_score_dict(score) -> dict:
    return {
        "unit_id": score.unit.id,
        "unit_code": score.unit.code,
        "unit_name": score.unit.name,
        "kind": score.unit.kind,
        "headcount": score.headcount,
        "total": _r(score.total),
        "band": score.band,
        "capability": _r(score.capability),
        "service_culture": _r(score.service_culture),
        "rank": score.rank,
        "rank_of": score.rank_of,
        "previous_total": _r(score.previous_total),
        "change": _r(score.change),
    }


def scorecard_dict(data: dict, links: dict, chart_urls: dict) -> dict:
    score, table, period = data["score"], data["table"], data["period"]
    out = unit_score_dict(score)
    out.update(
        period=period.key,
        start=period.start,
        end=period.end,
        published=table.publication is not None,
        published_at=table.publication.published_at if table.publication else None,
        criteria=[
            {
                "key": c.key,
                "pillar": c.pillar,
                "formula": c.formula,
                "label": c.label,
                "value": _r(c.value),
                "has_data": c.has_data,
                "target": c.target,
                "direction": c.direction,
                "weight": c.weight,
                "effective_weight": _r(c.effective_weight),
                "points": _r(c.points),
                "numerator": c.numerator,
                "denominator": c.denominator,
                "verified_value": _r(c.verified_value),
                "self_value": _r(c.self_value),
                "source": c.source,
                "records": links.get(c.formula, []),
            }
            for c in score.criteria
        ],
        differences=data["differences"],
        sub_units=[unit_score_dict(s) for s in data["children"]],
        charts=chart_urls,
    )
    return out
