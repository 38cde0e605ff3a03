"""Answer parsing and scoring, pure functions (no database), used by services and tests.

Item score = answer score × weight; N/A leaves both score and maximum out. yes_no_na: yes = 1,
no = 0; scale_0_4: value / 4; percent: value / 100; number, text, date and photo are unscored
unless failing answers are set (then pass = 1, fail = 0). Sections and total are percentages of the
answered maximum; a failed critical item flags the inspection; the band follows Decree 335/2025.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.text import fold
from inspections.models import AnswerType, Band

NA = "na"
SCORED_TYPES = {AnswerType.YES_NO_NA, AnswerType.SCALE_0_4, AnswerType.PERCENT}
NUMERIC_TYPES = {AnswerType.SCALE_0_4, AnswerType.PERCENT, AnswerType.NUMBER, AnswerType.INTEGER}
NA_ALLOWED = {AnswerType.YES_NO_NA, AnswerType.SCALE_0_4, AnswerType.PERCENT, AnswerType.NUMBER, AnswerType.INTEGER}
DEFAULT_FAILING = {
    AnswerType.YES_NO_NA: ["no"],
    AnswerType.SCALE_0_4: ["0", "1"],
    AnswerType.PERCENT: ["<50"],
}
_COMPARISON = re.compile(r"^(<=|>=|<|>|=)\s*(-?\d+(?:[.,]\d+)?)$")


class AnswerError(ValueError):
    """The value does not fit the item's answer type; the message is for the user."""


@dataclass(frozen=True)
class ItemScore:
    score: Decimal | None
    max_score: Decimal | None
    failed: bool


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise AnswerError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise AnswerError(_("“%(value)s” is not a number.") % {"value": text})
    return value


def _choice(choices, text: str) -> dict | None:
    """The choice named `text` (its name, else its label, case and accents ignored)."""
    for c in choices or ():
        if str(c.get("name")) == text:
            return c
    folded = fold(text)
    for c in choices or ():
        if folded in (fold(str(c.get("name"))), fold(c.get("label_vi")), fold(c.get("label_en"))):
            return c
    return None


def normalise(answer_type: str, raw, choices=None) -> str:
    """The stored text of an answer, or AnswerError. Empty means not answered. Choice items take a
    choice name (or label); several choices are stored space-separated, as XLSForm does."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    text = str(raw).strip()
    if text == "":
        return ""
    lowered = text.lower()
    if answer_type == AnswerType.SELECT_ONE:
        choice = _choice(choices, text)
        if choice is None:
            raise AnswerError(
                _("“%(value)s” is not one of the choices: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(c["name"]) for c in choices or ())}
            )
        return str(choice["name"])
    if answer_type == AnswerType.SELECT_MULTIPLE:
        picked = []
        for token in re.split(r"[\s,;]+", text):
            choice = _choice(choices, token) if token else None
            if token and choice is None:
                raise AnswerError(
                    _("“%(value)s” is not one of the choices: %(choices)s.")
                    % {"value": token, "choices": ", ".join(str(c["name"]) for c in choices or ())}
                )
            if choice is not None and str(choice["name"]) not in picked:
                picked.append(str(choice["name"]))
        return " ".join(picked)
    if answer_type == AnswerType.NOTE:
        raise AnswerError(_("A guidance item takes no answer; write in its note instead."))
    if lowered in (NA, "n/a") and answer_type in NA_ALLOWED:
        return NA
    if answer_type == AnswerType.YES_NO_NA:
        if lowered in ("yes", "no"):
            return lowered
        raise AnswerError(_("Answer “yes”, “no” or “na”, not “%(value)s”.") % {"value": text})
    if answer_type == AnswerType.SCALE_0_4:
        value = _decimal(text)
        if value != value.to_integral_value() or not 0 <= value <= 4:
            raise AnswerError(_("Answer a whole number from 0 to 4, not “%(value)s”.") % {"value": text})
        return str(int(value))
    if answer_type == AnswerType.PERCENT:
        value = _decimal(text)
        if not 0 <= value <= 100:
            raise AnswerError(_("A percentage is between 0 and 100, not “%(value)s”.") % {"value": text})
        return _plain(value)
    if answer_type == AnswerType.NUMBER:
        return _plain(_decimal(text))
    if answer_type == AnswerType.INTEGER:
        value = _decimal(text)
        if value != value.to_integral_value():
            raise AnswerError(_("Answer a whole number, not “%(value)s”.") % {"value": text})
        return str(int(value))
    if answer_type == AnswerType.DATE:
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        raise AnswerError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text})
    if answer_type == AnswerType.TEXT:
        if len(text) > 1000:
            raise AnswerError(_("The answer is longer than 1,000 characters."))
        return text
    if answer_type == AnswerType.PHOTO:
        raise AnswerError(_("A photo item is answered with photos, not with text."))
    raise AnswerError(_("Unknown answer type “%(type)s”.") % {"type": answer_type})


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def is_failing(answer_type: str, value: str, failing_answers: list[str]) -> bool:
    if value in ("", NA) or not failing_answers:
        return False
    for token in failing_answers:
        token = str(token).strip()
        match = _COMPARISON.match(token)
        if match and answer_type in NUMERIC_TYPES:
            op, number = match.group(1), Decimal(match.group(2).replace(",", "."))
            current = Decimal(value)
            if (
                (op == "<" and current < number)
                or (op == "<=" and current <= number)
                or (op == ">" and current > number)
                or (op == ">=" and current >= number)
                or (op == "=" and current == number)
            ):
                return True
        elif answer_type in NUMERIC_TYPES and _is_number(token):
            if Decimal(value) == Decimal(token.replace(",", ".")):
                return True
        elif token.lower() == value.lower() or (answer_type == AnswerType.SELECT_MULTIPLE and token in value.split()):
            return True
    return False


def failing_answers_problem(answer_type: str, tokens: list) -> str | None:
    """Why these failing answers cannot be used with this answer type (None if they can)."""
    tokens = [str(t).strip() for t in tokens or [] if str(t).strip()]
    if answer_type == AnswerType.YES_NO_NA:
        allowed = ("yes", "no", NA)
    elif answer_type == AnswerType.SCALE_0_4:
        allowed = ("0", "1", "2", "3", "4", NA)
    elif answer_type == AnswerType.PHOTO:
        allowed = ("missing", "none")
    else:
        allowed = None
    if allowed is not None:
        wrong = [t for t in tokens if t.lower() not in allowed]
        if wrong:
            return _("“%(values)s” is not an answer of this type; use: %(allowed)s.") % {
                "values": "; ".join(wrong),
                "allowed": ", ".join(allowed),
            }
        return None
    if answer_type in NUMERIC_TYPES:
        wrong = [t for t in tokens if not (_COMPARISON.match(t) or _is_number(t))]
        if wrong:
            return _("“%(values)s” is not a number or a comparison such as <50.") % {"values": "; ".join(wrong)}
    return None


def _is_number(token: str) -> bool:
    try:
        Decimal(token.replace(",", "."))
        return True
    except InvalidOperation:
        return False


def choice_scores(choices) -> dict[str, Decimal | None]:
    """{choice name: score} for a scored list, {} for an unscored one."""
    scores = {}
    for c in choices or ():
        raw = c.get("score")
        scores[str(c["name"])] = Decimal(str(raw)) if raw not in (None, "") else None
    return scores if any(v is not None for v in scores.values()) else {}


def score_item(
    *,
    answer_type: str,
    weight: Decimal,
    failing_answers: list[str],
    value: str,
    has_photo: bool = False,
    choices=None,
) -> ItemScore:
    """Score one answer. `value` is normalised; for photo items `has_photo` says whether one is
    attached. A select_one item with a scored list scores choice / best choice; its choice without
    a score is "not applicable"."""
    weight = Decimal(weight)
    if answer_type == AnswerType.NOTE:
        return ItemScore(None, None, False)
    if answer_type == AnswerType.SELECT_ONE and value:
        scores = choice_scores(choices)
        if scores:
            if scores.get(value) is None:
                return ItemScore(None, None, False)
            best = max(v for v in scores.values() if v is not None)
            base = scores[value] / best if best else Decimal(0)
            failed = is_failing(answer_type, value, failing_answers)
            return ItemScore((base * weight).quantize(Decimal("0.001"), ROUND_HALF_UP), weight, failed)
    if answer_type == AnswerType.PHOTO:
        if not failing_answers:
            return ItemScore(None, None, False)
        failed = not has_photo and any(str(t).strip().lower() in ("", "none", "missing") for t in failing_answers)
        return ItemScore(Decimal(0) if failed else weight, weight, failed)
    if value in ("", NA):
        return ItemScore(None, None, False)
    failed = is_failing(answer_type, value, failing_answers)
    if answer_type == AnswerType.YES_NO_NA:
        base = Decimal(1) if value == "yes" else Decimal(0)
    elif answer_type == AnswerType.SCALE_0_4:
        base = Decimal(value) / 4
    elif answer_type == AnswerType.PERCENT:
        base = Decimal(value) / 100
    elif failing_answers:
        base = Decimal(0) if failed else Decimal(1)
    else:
        return ItemScore(None, None, False)
    return ItemScore((base * weight).quantize(Decimal("0.001"), ROUND_HALF_UP), weight, failed)


def percent(score: Decimal, maximum: Decimal) -> Decimal | None:
    if not maximum:
        return None
    return (Decimal(score) * 100 / Decimal(maximum)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def band_for(total: Decimal | None) -> str:
    if total is None:
        return ""
    if total >= 90:
        return Band.EXCELLENT
    if total >= 70:
        return Band.GOOD
    if total >= 50:
        return Band.SATISFACTORY
    return Band.NOT_SATISFACTORY
