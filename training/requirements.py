"""The yearly training requirement, decided in one place: which rule applies to a person (`requirement_for`)
and how far they are from it (`hours_status`). The hours ledger, the person record, the exports and the
scorecards' capability facts all ask these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from training.models import TrainingRequirement


def default_requirement_minutes() -> int:
    return settings.TRAINING_YEARLY_PERIODS * settings.TRAINING_PERIOD_MINUTES


def minutes_to_periods(minutes: int) -> float:
    return round((minutes or 0) / settings.TRAINING_PERIOD_MINUTES, 1)


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
    minutes: int
    name: str
    legal_basis: str
    rule_id: int | None


def rules_for_year(year: int) -> list[TrainingRequirement]:
    return list(TrainingRequirement.objects.filter(active=True, effective_year__lte=year).select_related("unit"))


def requirement_for(
    *, category: str, job_position: str, rank_code: str, unit_path: str, rules: list[TrainingRequirement]
) -> RuleMatch:
    """The most specific matching rule: more criteria beat fewer, a deeper unit beats a shallower one, a later
    effective year beats an earlier one. No rule: the default (40 tiết × 45 minutes, from settings)."""
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
        return RuleMatch(default_requirement_minutes(), str(_("Default (provincial policy)")), "", None)
    return RuleMatch(best.minutes_per_year, best.name, best.legal_basis, best.pk)


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
