"""“The records behind a figure”: each criterion links to the ordinary list screens (and API lists) of
training and inspections with their FilterSet parameters set, so that the list shows exactly the records
that produced the figure and says so in its own filters: the unit with its sub-units (for people: the
unit they belonged to during the period, as the scorecards count them), the period and the condition.

For a ratio the numerator's list and the denominator's list hold exactly `numerator` and `denominator`
records (attendance counts marks: one person at one session). For a
checklist score the list holds the inspections the score is the mean of.

A screen that does not exist (an app not installed) is left out, never a broken link."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from scorecards.engine import FORMULAS
from scorecards.models import AssessmentRound
from scorecards.periods import Period


@dataclass(frozen=True)
class Target:
    html: str  # url name of the list screen
    api: str  # url name of the API list
    label: object  # lazy text
    params: dict
    kwargs: dict | None = None  # url arguments (a page of one record rather than a list)


def _member(unit, period: Period) -> dict:
    return {
        "member_unit": unit.pk,
        "member_start": period.start.isoformat(),
        "member_end": period.end.isoformat(),
    }


def _span(unit, period: Period) -> dict:
    return {"unit": unit.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}


def targets(formula: str, *, unit, period: Period) -> dict[str, Target | None]:
    """{"numerator": Target | None, "denominator": Target | None, "more": [Target]} of one criterion."""
    member, span = _member(unit, period), _span(unit, period)
    enrollments = ("scorecards:enrollments", "enrollment-list")
    if formula == "hours_met_share":
        base = {**member, "year": period.end.year}
        return {
            "numerator": Target(
                "training:hours", "training-hours-list", _("Staff meeting the yearly hours"), {**base, "status": "met"}
            ),
            "denominator": Target("training:hours", "training-hours-list", _("Staff counted (headcount)"), base),
        }
    if formula == "mandatory_completion":
        base = {
            **member,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "mandatory": "true",
            "status": "confirmed",
            "class_cancelled": "false",
        }
        return {
            "numerator": Target(
                *enrollments, _("Mandatory-course enrollments completed"), {**base, "outcome": "completed"}
            ),
            "denominator": Target(*enrollments, _("Confirmed mandatory-course enrollments"), base),
        }
    if formula == "certificate_pass_rate":
        base = {**member, "start": period.start.isoformat(), "end": period.end.isoformat(), "assessed": "true"}
        return {
            "numerator": Target(*enrollments, _("Trainees assessed with a certificate"), {**base, "certified": "true"}),
            "denominator": Target(*enrollments, _("Trainees assessed"), base),
        }
    if formula == "attendance_rate":
        base = {
            **member,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "enrollment_status": "confirmed",
            "class_cancelled": "false",
        }
        marks = ("training:attendance-list", "attendance-record-list")
        return {
            "numerator": Target(
                *marks, _("Attendance marks present, late or left early"), {**base, "attended": "true"}
            ),
            "denominator": Target(*marks, _("Attendance marks of the sessions held"), base),
        }
    if formula in ("service_culture_score", "discipline_score"):
        kind = "service_culture" if formula == "service_culture_score" else "discipline"
        base = {**span, "kind": kind, "status": "approved"}
        inspections = ("inspections:inspection-list", "inspection-list")
        return {
            "numerator": Target(*inspections, _("Inspections the score is the mean of"), {**base, "scored": "true"}),
            "denominator": None,
            "more": [
                Target(*inspections, _("Inspections by inspectors"), {**base, "self": "false"}),
                Target(*inspections, _("Self-inspections"), {**base, "self": "true"}),
                Target("inspections:finding-list", "finding-list", _("Failed items"), {**span, "kind": kind}),
            ],
        }
    if formula == "actions_on_time":
        actions = ("inspections:action-list", "corrective-action-list")
        return {
            "numerator": Target(*actions, _("Closed on time"), {**span, "on_time": "true"}),
            "denominator": Target(*actions, _("Corrective actions due in the period"), span),
        }
    if formula == "self_inspections_on_time":
        assignments = ("inspections:assignment-list", "assignment-list")
        base = {**span, "is_self": "true"}
        return {
            "numerator": Target(*assignments, _("Submitted on time"), {**base, "on_time": "true"}),
            "denominator": Target(*assignments, _("Self-inspections due"), base),
        }
    return _extra_targets(formula, unit=unit, period=period, member=member, span=span)


def _extra_targets(formula: str, *, unit, period: Period, member: dict, span: dict) -> dict:
    """The criteria of scorecards.kinds: indicators, self-assessed scores, the share of staff without a
    discipline decision and scores of chosen checklist items."""
    head, _sep, arg = formula.partition(":")
    none = {"numerator": None, "denominator": None}
    if head == "indicator" and arg.isdigit():
        params = {"unit": unit.pk, "period": period.key, "indicator_id": int(arg)}
        return {
            "numerator": Target(
                "scorecards:indicators", "indicator-value-list", _("Indicator values the value is the mean of"), params
            ),
            "denominator": None,
        }
    if head == "self_assessed":
        round_pk = AssessmentRound.objects.filter(period=period.key).values_list("pk", flat=True).first()
        if round_pk is None:
            return none
        return {
            "numerator": Target(
                "scorecards:assessment",
                "assessment-round-unit",
                _("The unit's self-assessment and appraisal"),
                {"criterion": arg},
                kwargs={"pk": round_pk, "unit_pk": unit.pk},
            ),
            "denominator": None,
        }
    if formula == "no_discipline_share":
        base = {**member}
        decisions = {"unit": unit.pk, "decided_from": span["start"], "decided_until": span["end"]}
        return {
            "numerator": Target(
                "staff:staff-list",
                "staff-list",
                _("Staff without a discipline decision in the period"),
                {**base, "disciplined": "false"},
            ),
            "denominator": Target("staff:staff-list", "staff-list", _("Staff counted (headcount)"), base),
            "more": [
                Target(
                    "staff:staff-list",
                    "staff-list",
                    _("Staff with a discipline decision in the period"),
                    {**base, "disciplined": "true"},
                ),
                Target("staff:discipline-list", "discipline-decision-list", _("Discipline decisions"), decisions),
            ],
        }
    if head == "checklist_items" and arg:
        params = {**span, "self": "true", "status": "approved", "items": arg}
        return {
            "numerator": Target(
                "inspections:inspection-list",
                "inspection-list",
                _("Approved self-inspections with answers to the items"),
                params,
            ),
            "denominator": None,
        }
    return none


def _url(name: str, params: dict, kwargs: dict | None = None) -> str | None:
    try:
        url = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


def _link(target: Target | None) -> dict | None:
    if target is None:
        return None
    url = _url(target.html, target.params, target.kwargs)
    api_url = _url(target.api, target.params, target.kwargs)
    if url is None and api_url is None:
        return None
    return {"label": str(target.label), "url": url, "api_url": api_url}


def criterion_links(*, unit, period: Period, formulas=None) -> dict[str, dict]:
    """formula → {"numerator": link | None, "denominator": link | None, "more": [link]}, each link
    {"label", "url" (the list screen), "api_url" (the API list: its `count` is the figure)}.
    `formulas`: those of the scorecard's criteria (its model may have indicators, self-assessed criteria...);
    the engine's own formulas by default."""
    out: dict[str, dict] = {}
    for formula in formulas or FORMULAS:
        t = targets(formula, unit=unit, period=period)
        more = [link for link in (_link(x) for x in t.get("more", [])) if link]
        out[formula] = {"numerator": _link(t["numerator"]), "denominator": _link(t["denominator"]), "more": more}
    return out
