"""Reads for assessment rounds and indicator values (scoped through staff.access)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.permissions import Perm, has_perm
from scorecards import kinds
from scorecards.models import (
    AssessmentRound,
    AssessmentStatus,
    CriterionAssessment,
    Decision,
    IndicatorValue,
    UnitAssessment,
)
from scorecards.periods import Period
from scorecards.selectors.tables import score_table
from staff.access import subtree_bounds, unit_in_scope
from staff.models import Unit

ROUND_PERMS = (Perm.SCORECARD_VIEW, Perm.SCORECARD_ASSESS, Perm.SCORECARD_APPRAISE)


def round_list(*, user) -> QuerySet[AssessmentRound]:
    return (
        AssessmentRound.objects.visible_to(user)
        .annotate(
            submitted=Count("assessments", filter=Q(assessments__status=AssessmentStatus.SUBMITTED)),
            appraised=Count("assessments", filter=Q(assessments__status=AssessmentStatus.APPRAISED)),
        )
        .order_by("-period")
    )


def round_get(*, user, pk: int) -> AssessmentRound:
    return get_object_or_404(AssessmentRound.objects.visible_to(user), pk=pk)


def round_units(*, user) -> QuerySet[Unit]:
    """The active units the user may see in a round, in tree order (paginate, then `round_rows`)."""
    return Unit.objects.visible_to(user, ROUND_PERMS).filter(active=True).order_by("path")


def round_rows(*, user, round_: AssessmentRound, units) -> list[dict]:
    """`units` (a page) with their assessment in the round, if any (one query)."""
    units = list(units)
    assessments = {
        a.unit_id: a
        for a in UnitAssessment.objects.visible_to(user).filter(round=round_, unit_id__in=[u.pk for u in units])
    }
    return [{"unit": u, "assessment": assessments.get(u.pk)} for u in units]


def unit_for_round(*, user, pk: int) -> Unit:
    return get_object_or_404(Unit.objects.visible_to(user, ROUND_PERMS), pk=pk)


@dataclass
class AssessmentRow:
    key: str
    label: str
    kind: str
    weight: float
    target: float
    live_value: float | None
    self_value: float | None
    explanation: str
    evidence_link: str
    evidence_file: object
    decision: str
    decision_label: str
    appraised_value: float | None
    reason: str

    @property
    def difference(self) -> float | None:
        if self.appraised_value is None or self.self_value is None:
            return None
        return round(self.appraised_value - self.self_value, 2)

    @property
    def self_assessed(self) -> bool:
        return self.kind == "self_assessed"


@dataclass
class AssessmentView:
    round: AssessmentRound
    unit: Unit
    assessment: UnitAssessment | None
    rows: list[AssessmentRow]
    can_assess: bool
    can_appraise: bool

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else AssessmentStatus.DRAFT

    @property
    def status_label(self) -> str:
        return AssessmentStatus(self.status).label


def assessment_view(*, user, round_: AssessmentRound, unit: Unit) -> AssessmentView:
    """Every criterion of the unit's scorecard for the round's period: the live value, the self score,
    explanation and evidence, the appraiser's decision and the difference."""

    period = Period.parse(round_.period)
    table = score_table(period=period, frozen=False, with_previous=False)
    score = table.live.get(unit.pk)
    assessment = UnitAssessment.objects.filter(round=round_, unit=unit).first()
    saved = {c.key: c for c in assessment.criteria.all()} if assessment else {}
    rows = []
    for c in score.criteria if score else []:
        s: CriterionAssessment | None = saved.get(c.key)
        kind = kinds.kind_of(c.formula)
        self_value = s.self_value if s else None
        if self_value is None and kind != "self_assessed" and (assessment is None or assessment.status == "draft"):
            self_value = None if c.value is None else round(c.value, 2)
        rows.append(
            AssessmentRow(
                key=c.key,
                label=c.label,
                kind=kind,
                weight=c.weight,
                target=c.target,
                live_value=None if c.value is None else round(c.value, 2),
                self_value=self_value,
                explanation=s.explanation if s else "",
                evidence_link=s.evidence_link if s else "",
                evidence_file=s.evidence_file if s and s.evidence_file else None,
                decision=s.decision if s else "",
                decision_label=Decision(s.decision).label if s and s.decision else "",
                appraised_value=s.appraised_value if s else None,
                reason=s.reason if s else "",
            )
        )
    return AssessmentView(
        round=round_,
        unit=unit,
        assessment=assessment,
        rows=rows,
        can_assess=unit_in_scope(user, Perm.SCORECARD_ASSESS, unit),
        can_appraise=unit_in_scope(user, Perm.SCORECARD_APPRAISE, unit),
    )


def can_open_rounds(*, user) -> bool:
    return has_perm(user, Perm.SCORECARD_APPRAISE)


# --------------------------------------------------------------------------------- indicators
def indicator_value_list(*, user, unit: Unit | None = None, period: str = "", indicator: str = ""):
    """Values the user may see; `unit` limits to its subtree, `period` to it and the periods inside it."""
    qs = IndicatorValue.objects.visible_to(user, ROUND_PERMS + (Perm.INDICATOR_MANAGE,)).select_related(
        "unit", "indicator", "imported_by"
    )
    if unit is not None:
        low, high = subtree_bounds(unit.path)
        qs = qs.filter(unit__path__gte=low, unit__path__lt=high)
    if period:
        qs = qs.filter(period__in=kinds.sub_period_keys(Period.parse(period)))
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    return qs.order_by("period", "unit__path", "indicator__code")
