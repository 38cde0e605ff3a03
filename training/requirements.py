"""The yearly training requirement, decided in one place: which rule applies to a person (`requirement_for`)
and how far they are from it (`hours_status`). The hours ledger, the person record, the exports and the
scorecards' capability facts all ask these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.models import TrainingRequirement

# A tiết is 45 minutes: used only where a figure still has to be given in minutes (the scorecards' facts).
TIET_MINUTES = 45
NOON = dt.time(12, 0)
HALF_DAY_PERIODS = 4


def default_session_periods(start: dt.time, end: dt.time) -> int:
    """The default rule "4 tiết a half-day session, 8 a full day": 4 tiết for each half of the day (before and
    after noon) the session covers. 7:30–11:30 → 4, 13:30–17:00 → 4, 7:30–17:00 → 8."""
    halves = (start < NOON) + (end > NOON)
    return HALF_DAY_PERIODS * max(halves, 1)


def attended_periods(*, planned_periods: int, counted_minutes: int, planned_minutes: int) -> Decimal:
    """The tiết credited for an enrollment: the class's tiết in the share of its minutes counted as attended
    (all of them for full attendance), to one decimal."""
    if not planned_minutes:
        return Decimal(0)
    share = Decimal(planned_periods) * Decimal(min(counted_minutes, planned_minutes)) / Decimal(planned_minutes)
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def minutes_to_periods(minutes: int) -> float:
    """Clock minutes shown as tiết of 45 minutes (attendance detail only; the ledger counts session tiết)."""
    return round((minutes or 0) / TIET_MINUTES, 1)


class HoursStatus:
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    CHOICES = [
        (MET, _("Met")),
        (ON_TRACK, _("On track")),
        (AT_RISK, _("At risk")),
        (NOT_MET, _("Not met")),
    ]
    LABELS = dict(CHOICES)
    BADGE = {MET: "ok", ON_TRACK: "ok", AT_RISK: "warn", NOT_MET: "bad"}


def hours_status(*, done: int, required: int, year: int, today: dt.date) -> str:
    """met: the requirement is reached. For a past year, anything less is not met. For the current year, on track
    means at least the pro-rata share of the requirement for the part of the year elapsed (days elapsed ÷ days in
    the year, today included); below it is at risk. A future year is on track until it starts."""
    if done >= required:
        return HoursStatus.MET
    if year < today.year:
        return HoursStatus.NOT_MET
    if year > today.year:
        return HoursStatus.ON_TRACK
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    elapsed = (today - start).days + 1
    return HoursStatus.ON_TRACK if done * days >= required * elapsed else HoursStatus.AT_RISK


@dataclass(frozen=True)
class RuleMatch:
    periods: int
    name: str
    legal_basis: str
    rule_id: int | None
    effective_year: int | None = None
    end_year: int | None = None

    @property
    def minutes(self) -> int:
        return self.periods * TIET_MINUTES


def rules_for_year(year: int) -> list[TrainingRequirement]:
    """The active rules that apply in `year` (from their first year to their last, if any)."""
    return list(
        TrainingRequirement.objects.filter(Q(end_year__isnull=True) | Q(end_year__gte=year), active=True)
        .filter(effective_year__lte=year)
        .select_related("unit")
    )


def rules_for_years(first: int, last: int) -> list[TrainingRequirement]:
    """The active rules in force in any year from `first` to `last` (callers pick per year)."""
    return list(
        TrainingRequirement.objects.filter(Q(end_year__isnull=True) | Q(end_year__gte=first), active=True)
        .filter(effective_year__lte=last)
        .select_related("unit")
    )


def requirement_for(
    *, category: str, job_position: str, rank_code: str, unit_path: str, rules: list[TrainingRequirement]
) -> RuleMatch:
    """The most specific matching rule: more criteria beat fewer, a deeper unit beats a shallower one, a later
    effective year beats an earlier one. The default (40 tiết a year) is a rule row like any other, created by a
    migration; with no rule at all nothing is required."""
    best, best_key = None, None
    folded_position = (job_position or "").strip().casefold()
    for rule in rules:
        if rule.staff_category and rule.staff_category != category:
            continue
        if rule.job_position and rule.job_position.strip().casefold() != folded_position:
            continue
        if rule.rank_code and rule.rank_code != rank_code:
            continue
        if rule.unit_id and not (unit_path or "").startswith(rule.unit.path):
            continue
        criteria = sum(bool(x) for x in (rule.staff_category, rule.job_position, rule.rank_code, rule.unit_id))
        key = (criteria, rule.unit.depth if rule.unit_id else -1, rule.effective_year, rule.pk)
        if best_key is None or key > best_key:
            best, best_key = rule, key
    if best is None:
        return RuleMatch(0, str(_("No rule applies")), "", None)
    return RuleMatch(best.periods_per_year, best.name, best.legal_basis, best.pk, best.effective_year, best.end_year)


class RequirementMatcher:
    """`requirement_for` over one year's rules, remembered per (category, position, rank, unit path): the
    same answer for everyone who shares them."""

    def __init__(self, rules: list[TrainingRequirement]):
        self.rules = rules
        self._known: dict[tuple, RuleMatch] = {}

    def __call__(self, *, category: str, job_position: str, rank_code: str, unit_path: str) -> RuleMatch:
        key = (category, job_position, rank_code, unit_path)
        match = self._known.get(key)
        if match is None:
            match = self._known[key] = requirement_for(
                category=category, job_position=job_position, rank_code=rank_code, unit_path=unit_path, rules=self.rules
            )
        return match
