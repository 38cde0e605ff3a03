"""Values of the criteria the engine's own formulas do not read: indicators brought in from other
systems, scores the units give themselves (then appraised), the share of staff without a discipline
decision, and scores of chosen self-inspection checklist items. Also the appraiser's adjustments.

The engine stays pure: `extra_facts` reads the database once per kind and hands it, per unit and per
criterion formula, the same tuple its own formulas give — (value, numerator, denominator, verified,
self, source, records) — so these values roll up over the unit tree and share weights exactly like the others.
Each such criterion has its own formula name (`spec_formula`): `indicator:<id>`, `self_assessed:<key>`,
`checklist_items:<codes>`, `no_discipline_share`.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count, Sum

from inspections.models import Answer, InspectionStatus
from scorecards import engine
from scorecards.models import AssessmentStatus, CriterionAssessment, CriterionKind, Decision, IndicatorValue
from scorecards.periods import Period
from staff.selectors import disciplined_member_counts

INDICATOR, SELF_ASSESSED, CHECKLIST, NO_DISCIPLINE = (
    "indicator",
    "self_assessed",
    "checklist_items",
    "no_discipline_share",
)


def spec_formula(criterion) -> str:
    """The formula name the engine keys this criterion's values by."""
    return criterion.spec_formula()


def kind_of(formula: str) -> str:
    """computed | indicator | self_assessed, from an engine formula name."""
    head = formula.split(":", 1)[0]
    return head if head in (INDICATOR, SELF_ASSESSED) else "computed"


def sub_period_keys(period: Period) -> list[str]:
    """The period and every period inside it (a year: its quarters and months; a quarter: its months)."""
    keys = [period.key]
    if period.kind == "year":
        keys += [Period(period.year, quarter=q).key for q in range(1, 5)]
        keys += [Period(period.year, month=m).key for m in range(1, 13)]
    elif period.quarter:
        keys += [Period(period.year, month=m).key for m in range(3 * period.quarter - 2, 3 * period.quarter + 1)]
    return keys


def _node(value, num=None, den=None, verified=None, self_value=None, source=None, records=None):
    return (float(value), num, den, verified, self_value, source, records)


# ------------------------------------------------------------------------------ extra facts
def extra_facts(*, period: Period, spec: engine.ModelSpec, capability) -> dict[int, dict[str, tuple]]:
    """Per unit, per formula name: the unit's own value of each criterion of a kind the engine does not
    compute itself. One query per kind present in the model."""
    formulas = {c.formula for c in spec.criteria}
    out: dict[int, dict[str, tuple]] = defaultdict(dict)
    indicator_ids = {int(f.split(":", 1)[1]) for f in formulas if f.startswith(f"{INDICATOR}:")}
    if indicator_ids:
        for (unit_id, indicator_id), (value, values) in indicator_means(
            period=period, indicator_ids=indicator_ids
        ).items():
            out[unit_id][f"{INDICATOR}:{indicator_id}"] = _node(value, records=values)
    if any(f.startswith(f"{SELF_ASSESSED}:") for f in formulas):
        for (unit_id, key), (value, verified, self_value, source) in assessed_values(period=period).items():
            name = f"{SELF_ASSESSED}:{key}"
            if name in formulas:
                out[unit_id][name] = _node(value, verified=verified, self_value=self_value, source=source)
    if NO_DISCIPLINE in formulas:
        # The same people as the headcount: active, attributed to the unit by their history in the period.
        disciplined = disciplined_member_counts(start=period.start, end=period.end)
        for unit_id, facts in capability.items():
            headcount = int(getattr(facts, "headcount", 0) or 0)
            if headcount > 0:
                clear = max(headcount - disciplined.get(unit_id, 0), 0)
                out[unit_id][NO_DISCIPLINE] = _node(100.0 * clear / headcount, clear, headcount)
    for name in (f for f in formulas if f.startswith(f"{CHECKLIST}:")):
        codes = [c for c in name.split(":", 1)[1].split(",") if c]
        for unit_id, (score, maximum, inspections) in checklist_item_scores(period=period, codes=codes).items():
            if maximum > 0:
                out[unit_id][name] = _node(100.0 * score / maximum, score, maximum, records=inspections)
    return out


def indicator_means(*, period: Period, indicator_ids) -> dict[tuple[int, int], tuple[float, int]]:
    """(mean value, number of values) per (unit, indicator) of the values entered for the period or the
    periods inside it, averaged and counted in the database."""
    rows = (
        IndicatorValue.objects.filter(indicator_id__in=list(indicator_ids), period__in=sub_period_keys(period))
        .values("unit_id", "indicator_id")
        .annotate(mean=Avg("value"), values=Count("pk"))
        .order_by()
    )
    return {(r["unit_id"], r["indicator_id"]): (float(r["mean"]), r["values"]) for r in rows}


def assessed_values(*, period: Period) -> dict[tuple[int, str], tuple]:
    """Self-assessed criteria of the period's round: the appraised score where appraised, else the
    submitted self score. (value, appraised, self, source) per (unit, criterion key)."""
    rows = CriterionAssessment.objects.filter(
        assessment__round__period=period.key,
        assessment__status__in=[AssessmentStatus.SUBMITTED, AssessmentStatus.APPRAISED],
        kind=CriterionKind.SELF_ASSESSED,
    ).values_list("assessment__unit_id", "key", "self_value", "appraised_value", "assessment__status")
    out = {}
    for unit_id, key, self_value, appraised, status in rows:
        if status == AssessmentStatus.APPRAISED and appraised is not None:
            out[(unit_id, key)] = (appraised, appraised, self_value, engine.VERIFIED)
        elif self_value is not None:
            out[(unit_id, key)] = (self_value, None, self_value, engine.SELF)
    return out


def checklist_item_scores(*, period: Period, codes) -> dict[int, tuple[float, float, int]]:
    """Σ score, Σ maximum of the chosen items in the unit's approved self-inspections of the period, and
    the number of those inspections."""
    rows = (
        Answer.objects.filter(
            item__code__in=list(codes),
            inspection__is_self=True,
            inspection__status=InspectionStatus.APPROVED,
            inspection__inspected_on__gte=period.start,
            inspection__inspected_on__lte=period.end,
            max_score__isnull=False,
        )
        .values("inspection__unit_id")
        .annotate(score=Sum("score"), maximum=Sum("max_score"), inspections=Count("inspection", distinct=True))
        .order_by()
    )
    return {
        r["inspection__unit_id"]: (float(r["score"] or 0), float(r["maximum"] or 0), r["inspections"]) for r in rows
    }


# ------------------------------------------------------------------------------ appraisals
def appraised_overrides(*, period: Period) -> dict[int, dict[str, float]]:
    """Per unit, the criteria the appraiser adjusted in the period's round (appraised units only)."""
    rows = CriterionAssessment.objects.filter(
        assessment__round__period=period.key,
        assessment__status=AssessmentStatus.APPRAISED,
        decision=Decision.ADJUSTED,
        appraised_value__isnull=False,
    ).values_list("assessment__unit_id", "key", "appraised_value")
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for unit_id, key, value in rows:
        out[unit_id][key] = value
    return out


def apply_appraisals(*, spec: engine.ModelSpec, period: Period, scores: dict) -> None:
    """A unit's scorecard takes the appraiser's adjusted values of its criteria and its own self-assessed
    values (its own scorecard: the units above it keep rolling up), then points, total, band and ranks
    are recomputed."""
    overrides = appraised_overrides(period=period)
    own: dict[int, dict[str, tuple]] = defaultdict(dict)
    if any(c.formula.startswith(f"{SELF_ASSESSED}:") for c in spec.criteria):
        # A unit that assessed itself is scored on its own self-assessed value (appraised, else submitted),
        # not on the mean of its sub-units; a unit that did not takes the roll-up of those below it.
        for (unit_id, key), (value, verified, self_value, source) in assessed_values(period=period).items():
            own[unit_id][key] = (value, verified, self_value, source)
    if not overrides and not own:
        return
    for unit_id in set(overrides) | set(own):
        score = scores.get(unit_id)
        if score is None:
            continue
        adjusted, assessed = overrides.get(unit_id, {}), own.get(unit_id, {})
        for criterion in score.criteria:
            if criterion.key in adjusted:
                criterion.value = float(adjusted[criterion.key])
                criterion.verified_value = criterion.value
                criterion.source = engine.VERIFIED
            elif criterion.key in assessed:
                value, verified, self_value, source = assessed[criterion.key]
                criterion.value, criterion.verified_value = float(value), verified
                criterion.self_value, criterion.source = self_value, source
        rescored = engine.score_criteria(spec, score.unit, score.criteria, score.headcount)
        score.total, score.capability, score.service_culture, score.band = (
            rescored.total,
            rescored.capability,
            rescored.service_culture,
            rescored.band,
        )
    engine.assign_ranks(scores.values())
