"""The scorecard computation: pure functions from facts to scores (no database access).

Method (the rules shown on screen under "How scores are computed"):
1. Each criterion has a formula over the facts of a unit (see FORMULAS) giving a value in percent.
   Ratios are Σ numerator ÷ Σ denominator × 100 over the unit and every unit below it (so the value is
   exactly the two counts shown under it), and have no data when the denominator is 0. Checklist
   scores use the inspector-verified score where there is one, else the self-inspection score.
2. A checklist score of a unit with sub-units is the headcount-weighted mean of the scores of the
   units of its subtree that have one (a unit with no staff attributed weighs 1).
3. Achievement: "higher is better": min(value ÷ target, 1); "lower is better": 1 when value ≤ target,
   else (100 − value) ÷ (100 − target), never below 0. Points = achievement × effective weight.
4. A criterion without data shows "no data"; its weight is shared among the criteria that have data,
   in proportion to their weights: effective weight = weight × Σ all weights ÷ Σ weights with data.
5. Total = Σ points ÷ Σ weights × 100 (0–100). Pillar = Σ points ÷ Σ effective weights of the pillar × 100.
6. Band (the thresholds of the year's scorecard model): ≥ excellent, ≥ good, ≥ satisfactory, else not satisfactory.
7. Ranks are among units of the same kind, by total rounded to 2 decimals, competition style (1, 1, 3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from django.utils.translation import get_language

from staff.access import PATH_SEGMENT, ancestor_paths

CAPABILITY, SERVICE_CULTURE = "capability", "service_culture"
HIGHER, LOWER = "higher", "lower"
EXCELLENT, GOOD, SATISFACTORY, NOT_SATISFACTORY, NO_DATA = (
    "excellent",
    "good",
    "satisfactory",
    "not_satisfactory",
    "no_data",
)
VERIFIED, SELF, MIXED = "verified", "self", "mixed"


@dataclass(frozen=True)
class Ratio:
    source: str  # "capability" | "inspection"
    numerator: str
    denominator: str
    measure: str = "records"  # what the numerator and denominator count: records


@dataclass(frozen=True)
class Score:
    source: str
    verified: str
    self_score: str
    verified_count: str = ""  # facts giving how many inspections each mean is over
    self_count: str = ""
    measure: str = "score"


FORMULAS: dict[str, Ratio | Score] = {
    "hours_met_share": Ratio("capability", "hours_met", "headcount"),
    "mandatory_completion": Ratio("capability", "mandatory_completed", "mandatory_enrolled"),
    "attendance_rate": Ratio("capability", "attendance_attended", "attendance_marks"),
    "certificate_pass_rate": Ratio("capability", "certified", "assessed"),
    "service_culture_score": Score(
        "inspection",
        "service_culture_score",
        "service_culture_self_score",
        "service_culture_count",
        "service_culture_self_count",
    ),
    "discipline_score": Score(
        "inspection", "discipline_score", "discipline_self_score", "discipline_count", "discipline_self_count"
    ),
    "actions_on_time": Ratio("inspection", "actions_closed_on_time", "actions_due"),
    "self_inspections_on_time": Ratio("inspection", "self_inspections_on_time", "self_inspections_due"),
}


# --------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class CriterionSpec:
    key: str
    pillar: str
    formula: str
    weight: float
    target: float
    direction: str = HIGHER
    label_vi: str = ""
    label_en: str = ""

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") and self.label_en else self.label_vi


@dataclass(frozen=True)
class ModelSpec:
    year: int
    criteria: tuple[CriterionSpec, ...]
    excellent_min: float = 90.0
    good_min: float = 70.0
    satisfactory_min: float = 50.0

    def band(self, total: float | None) -> str:
        if total is None:
            return NO_DATA
        total = round(total, 2)
        if total >= self.excellent_min:
            return EXCELLENT
        if total >= self.good_min:
            return GOOD
        if total >= self.satisfactory_min:
            return SATISFACTORY
        return NOT_SATISFACTORY


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    kind: str
    path: str
    parent_id: int | None = None
    active: bool = True

    @property
    def depth(self) -> int:
        return len(self.path) // PATH_SEGMENT - 1


# -------------------------------------------------------------------------------- outputs
@dataclass
class CriterionResult:
    key: str
    pillar: str
    formula: str
    label_vi: str
    label_en: str
    weight: float
    target: float
    direction: str
    effective_weight: float | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    verified_value: float | None = None
    self_value: float | None = None
    source: str | None = None
    points: float | None = None
    # What the value is made of, for its explanation and the drill-down: "records" (a ratio of
    # numerator ÷ denominator), "score" (a checklist score: the headcount-weighted mean over `units` units
    # of the means of `records` inspections).
    measure: str = ""
    records: int | None = None
    units: int | None = None

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") and self.label_en else self.label_vi

    @property
    def is_ratio(self) -> bool:
        return self.measure in ("records", "points") or (self.numerator is not None and self.measure == "")

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def redistributed(self) -> bool:
        return self.effective_weight is not None and round(self.effective_weight, 2) != round(self.weight, 2)


@dataclass
class UnitScore:
    unit: UnitRow
    headcount: int
    criteria: list[CriterionResult]
    total: float | None
    capability: float | None
    service_culture: float | None
    band: str
    rank: int | None = None
    rank_of: int | None = None
    previous_total: float | None = None
    change: float | None = None

    @property
    def unit_id(self) -> int:
        return self.unit.id

    def criterion(self, key: str) -> CriterionResult:
        return next(c for c in self.criteria if c.key == key)

    def pillar_criteria(self, pillar: str) -> list[CriterionResult]:
        return [c for c in self.criteria if c.pillar == pillar]

    def frozen(self) -> dict:
        """What a snapshot keeps: every figure, rounded as shown."""
        return {
            "total": _r(self.total),
            "capability": _r(self.capability),
            "service_culture": _r(self.service_culture),
            "band": self.band,
            "headcount": self.headcount,
            "rank": self.rank,
            "rank_of": self.rank_of,
            "criteria": [
                {k: (_r(v) if isinstance(v, float) else v) for k, v in asdict(c).items()} for c in self.criteria
            ],
        }


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------------------- node values
@dataclass
class _Acc:
    wv: float = 0.0
    w: float = 0.0
    num: float = 0.0
    den: float = 0.0
    ver_wv: float = 0.0
    ver_w: float = 0.0
    self_wv: float = 0.0
    self_w: float = 0.0
    records: int = 0
    units: int = 0
    sources: set = field(default_factory=set)


def _node_value(formula: Ratio | Score, cap, insp):
    """(value, numerator, denominator, verified, self, source, records) of one unit's own facts, or None.
    A ratio's node counts even when its denominator is 0 (it adds nothing): sums decide."""
    facts = cap if formula.source == "capability" else insp
    if facts is None:
        return None
    if isinstance(formula, Ratio):
        num, den = getattr(facts, formula.numerator) or 0, getattr(facts, formula.denominator) or 0
        if den <= 0:
            return None
        return (100.0 * num / den, num, den, None, None, None, None)
    verified, self_score = getattr(facts, formula.verified), getattr(facts, formula.self_score)
    if verified is not None:
        count = getattr(facts, formula.verified_count, None) if formula.verified_count else None
        return (float(verified), None, None, float(verified), _f(self_score), VERIFIED, count)
    if self_score is not None:
        count = getattr(facts, formula.self_count, None) if formula.self_count else None
        return (float(self_score), None, None, None, float(self_score), SELF, count)
    return None


# What the value of a criterion whose formula the engine does not compute itself (scorecards.kinds) is
# made of: "records" (a ratio of people), "points" (Σ item scores ÷ Σ maximum), "indicator" (a value
# brought in from another system), "assessed" (a score the unit gave itself, then appraised).
EXTRA_MEASURES = {
    "no_discipline_share": "records",
    "checklist_items": "points",
    "indicator": "indicator",
    "self_assessed": "assessed",
}


def formula_measure(name: str) -> str:
    """The measure of a formula name: FORMULAS' own, else by the kind prefix of scorecards.kinds."""
    formula = FORMULAS.get(name)
    if formula is not None:
        return formula.measure
    return EXTRA_MEASURES.get(name.split(":", 1)[0], "value")


def _f(value):
    return None if value is None else float(value)


def _achievement(spec: CriterionSpec, value: float) -> float:
    if spec.direction == LOWER:
        if value <= spec.target:
            return 1.0
        if spec.target >= 100:
            return 0.0
        return max(0.0, (100.0 - value) / (100.0 - spec.target))
    if spec.target <= 0:
        return 1.0
    return min(value / spec.target, 1.0)


# -------------------------------------------------------------------------------- compute
def compute(
    *,
    model: ModelSpec,
    units: Iterable[UnitRow],
    capability: Mapping[int, object],
    inspection: Mapping[int, object],
    extra: Mapping[int, Mapping[str, tuple]] | None = None,
) -> dict[int, UnitScore]:
    """Scorecards of every unit in `units` (rolled up over each subtree), ranked within kind.
    `extra` gives, per unit, the own values of criteria whose formula is not in FORMULAS (indicators,
    self-assessed scores...: see scorecards.kinds), as (value, num, den, verified, self, source)."""
    units = list(units)
    by_path = {u.path: u.id for u in units}
    acc: dict[int, dict[str, _Acc]] = defaultdict(lambda: defaultdict(_Acc))
    headcount: dict[int, int] = defaultdict(int)
    formulas = {c.formula for c in model.criteria}
    for unit in units:
        cap, insp = capability.get(unit.id), inspection.get(unit.id)
        extra_values = extra.get(unit.id, {}) if extra else {}
        if cap is None and insp is None and not extra_values:
            continue
        own_headcount = int(getattr(cap, "headcount", 0) or 0) if cap is not None else 0
        weight = max(own_headcount, 1)
        ancestors = [by_path[p] for p in ancestor_paths(unit.path) if p in by_path]
        values = {}
        for name in formulas:
            node = _node_value(FORMULAS[name], cap, insp) if name in FORMULAS else extra_values.get(name)
            if node is not None:
                values[name] = node
        for ancestor in ancestors:
            headcount[ancestor] += own_headcount
            for name, (value, num, den, verified, self_value, source, records) in values.items():
                a = acc[ancestor][name]
                a.wv += weight * value
                a.w += weight
                a.units += 1
                a.records += records or 0
                if num is not None:
                    a.num += num
                    a.den += den
                if verified is not None:
                    a.ver_wv += weight * verified
                    a.ver_w += weight
                if self_value is not None:
                    a.self_wv += weight * self_value
                    a.self_w += weight
                if source:
                    a.sources.add(source)
    results = {u.id: _score(model, u, acc.get(u.id, {}), headcount.get(u.id, 0)) for u in units if u.active}
    assign_ranks(results.values())
    return results


def _score(model: ModelSpec, unit: UnitRow, accs: Mapping[str, _Acc], headcount: int) -> UnitScore:
    criteria: list[CriterionResult] = []
    for spec in model.criteria:
        result = CriterionResult(
            key=spec.key,
            pillar=spec.pillar,
            formula=spec.formula,
            label_vi=spec.label_vi,
            label_en=spec.label_en,
            weight=float(spec.weight),
            target=float(spec.target),
            direction=spec.direction,
        )
        a = accs.get(spec.formula)
        formula = FORMULAS.get(spec.formula)
        result.measure = formula_measure(spec.formula)
        if a is not None and a.w > 0:
            result.value = a.wv / a.w
            result.units = a.units
            if isinstance(formula, Ratio) or (formula is None and a.den > 0):
                result.numerator, result.denominator = a.num, a.den
                result.value = 100.0 * a.num / a.den
                if formula is None and a.records:
                    result.records = a.records  # a checklist-items score: the inspections its answers are from
            else:
                result.records = a.records
                result.verified_value = a.ver_wv / a.ver_w if a.ver_w else None
                result.self_value = a.self_wv / a.self_w if a.self_w else None
                result.source = next(iter(a.sources)) if len(a.sources) == 1 else MIXED
        criteria.append(result)
    return score_criteria(model, unit, criteria, headcount)


def score_criteria(model: ModelSpec, unit: UnitRow, criteria: list[CriterionResult], headcount: int) -> UnitScore:
    """Weights, redistribution, points, pillars, total and band from criterion values."""
    specs = {c.key: c for c in model.criteria}
    total_weight = sum(c.weight for c in criteria)
    data_weight = sum(c.weight for c in criteria if c.value is not None)
    points_sum = 0.0
    pillar_points: dict[str, float] = defaultdict(float)
    pillar_weight: dict[str, float] = defaultdict(float)
    for c in criteria:
        if c.value is None or data_weight <= 0:
            c.effective_weight, c.points = None, None
            continue
        c.effective_weight = c.weight * total_weight / data_weight
        c.points = _achievement(specs[c.key], c.value) * c.effective_weight
        points_sum += c.points
        pillar_points[c.pillar] += c.points
        pillar_weight[c.pillar] += c.effective_weight
    total = 100.0 * points_sum / total_weight if data_weight > 0 and total_weight > 0 else None

    def pillar(name):
        return 100.0 * pillar_points[name] / pillar_weight[name] if pillar_weight.get(name) else None

    return UnitScore(
        unit=unit,
        headcount=headcount,
        criteria=criteria,
        total=total,
        capability=pillar(CAPABILITY),
        service_culture=pillar(SERVICE_CULTURE),
        band=model.band(total),
    )


def assign_ranks(scores: Iterable[UnitScore]) -> None:
    """Competition ranking (1, 1, 3) among units of the same kind; units without data get no rank."""
    by_kind: dict[str, list[UnitScore]] = defaultdict(list)
    for s in scores:
        s.rank = s.rank_of = None
        if s.total is not None:
            by_kind[s.unit.kind].append(s)
    for group in by_kind.values():
        group.sort(key=lambda s: -round(s.total, 2))
        previous, rank = None, 0
        for position, s in enumerate(group, 1):
            value = round(s.total, 2)
            if value != previous:
                rank, previous = position, value
            s.rank, s.rank_of = rank, len(group)


def set_changes(scores: Mapping[int, UnitScore], previous_totals: Mapping[int, float | None]) -> None:
    for unit_id, s in scores.items():
        before = previous_totals.get(unit_id)
        s.previous_total = before
        s.change = None if before is None or s.total is None else round(round(s.total, 2) - round(before, 2), 2)
