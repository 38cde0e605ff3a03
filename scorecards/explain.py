"""How each figure of a scorecard comes about, in words, for the page, the Excel file and the API alike.
Numbers in the language's format (a decimal comma in Vietnamese)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scorecards.engine import LOWER, CriterionResult, UnitScore


def num(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    return number_format(round(float(value), digits), digits)


def count(value) -> str:
    return "—" if value is None else number_format(round(float(value)), 0, force_grouping=True)


def value_text(c: CriterionResult) -> str:
    """How the value comes from the records (empty without data)."""
    if not c.has_data:
        return ""
    if c.formula == "attendance_rate" and c.denominator:
        return _(
            "%(num)s attendance marks present, late or left early ÷ %(den)s attendance marks of the sessions held × 100 = %(value)s %%"
        ) % {
            "num": count(c.numerator),
            "den": count(c.denominator),
            "value": num(c.value),
        }
    if c.measure == "points" and c.denominator:
        return _(
            "Σ points %(num)s ÷ Σ maximum points %(den)s × 100 = %(value)s %% (the items' answers in %(records)s approved self-inspections)"
        ) % {"num": num(c.numerator), "den": num(c.denominator), "value": num(c.value), "records": count(c.records)}
    if c.measure == "indicator":
        if c.units and c.units > 1:
            return _(
                "Mean of %(records)s values entered for the period and the periods inside it: each unit's mean, weighted by its headcount over %(units)s units = %(value)s"
            ) % {"records": count(c.records), "units": count(c.units), "value": num(c.value)}
        return _("Mean of %(records)s values entered for the period and the periods inside it = %(value)s") % {
            "records": count(c.records),
            "value": num(c.value),
        }
    if c.measure == "assessed":
        if c.verified_value is not None and c.self_value is not None:
            return _("Self-assessed %(self)s, appraised %(appraised)s: the appraised score counts = %(value)s") % {
                "self": num(c.self_value),
                "appraised": num(c.verified_value),
                "value": num(c.value),
            }
        if c.units and c.units > 1:
            return _("Self-assessed scores of %(units)s units, weighted by their headcount = %(value)s") % {
                "units": count(c.units),
                "value": num(c.value),
            }
        return _("Self-assessed score, not yet appraised = %(value)s") % {"value": num(c.value)}
    if c.formula == "no_discipline_share" and c.denominator:
        return _(
            "%(num)s staff without a discipline decision in the period ÷ %(den)s staff counted × 100 = %(value)s %%"
        ) % {"num": count(c.numerator), "den": count(c.denominator), "value": num(c.value)}
    if c.numerator is not None and c.denominator:
        return _("%(num)s ÷ %(den)s × 100 = %(value)s %%") % {
            "num": count(c.numerator),
            "den": count(c.denominator),
            "value": num(c.value),
        }
    source = {
        "verified": _("by inspectors"),
        "self": _("self-inspections"),
        "mixed": _("by inspectors where a unit has one, else self-inspections"),
    }.get(c.source or "", "")
    if c.units and c.units > 1:
        return _(
            "Mean total of %(records)s inspections (%(source)s): each unit's mean, weighted by its headcount over %(units)s units = %(value)s"
        ) % {"records": count(c.records), "source": source, "units": count(c.units), "value": num(c.value)}
    return _("Mean total of %(records)s inspections (%(source)s) = %(value)s") % {
        "records": count(c.records),
        "source": source,
        "value": num(c.value),
    }


def points_text(c: CriterionResult, score: UnitScore) -> str:
    """How the points come from the value, the target and the weight; or how the weight was shared."""
    total_weight = sum(x.weight for x in score.criteria)
    data_weight = sum(x.weight for x in score.criteria if x.has_data)
    if not c.has_data:
        if data_weight <= 0:
            return _("No data: no criterion has data, so there is no score.")
        return _(
            "No data: its weight %(weight)s is shared among the criteria with data in proportion to their weights "
            "(each weight × %(total)s ÷ %(data)s)."
        ) % {"weight": num(c.weight), "total": num(total_weight), "data": num(data_weight)}
    if c.direction == LOWER:
        achievement = _("achievement (lower is better, target %(target)s)") % {"target": num(c.target)}
    else:
        achievement = _("achievement min(%(value)s ÷ %(target)s; 1)") % {"value": num(c.value), "target": num(c.target)}
    weight = num(c.effective_weight)
    if c.redistributed:
        weight = _("%(eff)s (weight %(weight)s × %(total)s ÷ %(data)s, from the criteria without data)") % {
            "eff": num(c.effective_weight),
            "weight": num(c.weight),
            "total": num(total_weight),
            "data": num(data_weight),
        }
    return _("Points = %(achievement)s × effective weight %(weight)s = %(points)s") % {
        "achievement": achievement,
        "weight": weight,
        "points": num(c.points),
    }


def total_text(score: UnitScore) -> str:
    if score.total is None:
        return _("No criterion has data: no score.")
    total_weight = sum(x.weight for x in score.criteria)
    points = sum(x.points or 0 for x in score.criteria)
    return _("Total = Σ points %(points)s ÷ Σ weights %(weights)s × 100 = %(total)s") % {
        "points": num(points),
        "weights": num(total_weight),
        "total": num(score.total),
    }


def criterion_explanation(c: CriterionResult, score: UnitScore) -> dict:
    return {"value": value_text(c), "points": points_text(c, score)}


def criterion_rows(score: UnitScore, links: dict) -> list[dict]:
    """One row per criterion for the page and the Excel file: the result, its explanation and the links
    to the records of its numerator and denominator."""
    out = []
    for c in score.criteria:
        link = links.get(c.formula) or {}
        out.append({"c": c, "explain": criterion_explanation(c, score), "links": link, "pillar": c.pillar})
    return out


def rules(table) -> dict:
    """The rules of the period's year: the model (the publication's when published), bands, legal basis."""
    model = table.publication.scorecard_model if table.publication is not None else table.model
    spec = table.spec
    return {
        "model": model,
        "name": model.name if model is not None else "",
        "year": model.year if model is not None else spec.year,
        "legal_basis": model.legal_basis if model is not None else "",
        "excellent_min": spec.excellent_min,
        "good_min": spec.good_min,
        "satisfactory_min": spec.satisfactory_min,
        "bands": _("≥ %(e)s excellent; %(g)s – < %(e)s good; %(s)s – < %(g)s satisfactory; < %(s)s not satisfactory")
        % {"e": num(spec.excellent_min), "g": num(spec.good_min), "s": num(spec.satisfactory_min)},
    }
