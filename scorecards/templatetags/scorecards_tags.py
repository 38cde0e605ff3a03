from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

BAND_CLASS = {"excellent": "ok", "good": "ok", "satisfactory": "warn", "not_satisfactory": "bad"}


HUNDREDTH = Decimal("0.01")


def _two_decimals(value, separator: str | None = None) -> str:
    """`floatformat(value, 2)` for the figures of a scorecard (|value| < 1000: no grouping), without its
    generic parsing: half-up rounding of the shown decimal, no sign on a zero, the language's decimal
    separator (`separator`: that separator, read once by a caller printing many figures). A province
    table shows 300 of them per page; floatformat took ~70 µs each."""
    if not isinstance(value, float | int) or isinstance(value, bool) or not -1000 < value < 1000:
        return floatformat(value, 2)
    text = repr(value)  # the shortest decimal that gives the float back, as Decimal(repr(value)) reads it
    if "e" in text:  # 1e-05 (nan and inf are out of the range above)
        return _two_decimals_by_decimal(value, separator)
    whole, _dot, fraction = text.lstrip("-").partition(".")
    hundredths = int(whole) * 100 + int((fraction + "00")[:2])
    if fraction[2:3] >= "5":  # half up, away from zero, on the digit after the hundredths
        hundredths += 1
    sign = "-" if text.startswith("-") and hundredths else ""
    return f"{sign}{hundredths // 100}{separator or get_format('DECIMAL_SEPARATOR')}{hundredths % 100:02d}"


def _two_decimals_by_decimal(value, separator: str | None = None) -> str:
    """_two_decimals() through Decimal: the reference it is tested against, and its path for exponents."""
    rounded = Decimal(repr(value)).quantize(HUNDREDTH, ROUND_HALF_UP)
    text = f"{abs(rounded):.2f}" if rounded else "0.00"
    if rounded < 0:
        text = "-" + text
    return text.replace(".", separator or get_format("DECIMAL_SEPARATOR"))


@register.filter
def score(value, digits=2, separator=None):
    """A figure with two decimals, or a dash when there is none."""
    if value is None or value == "":
        return "—"
    return _two_decimals(value, separator) if digits == 2 else floatformat(value, digits)


@register.filter
def signed(value, separator=None):
    if value is None:
        return "—"
    text = _two_decimals(value, separator)
    return f"+{text}" if value > 0 else text


@register.filter
def band_class(band):
    return BAND_CLASS.get(band, "")


@register.filter
def source_label(source):
    return {"verified": _("verified"), "self": _("self-inspection"), "mixed": _("verified where available")}.get(
        source or "", ""
    )


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def kind_label(kind):
    from staff.models import UnitKind

    return UnitKind(kind).label if kind in UnitKind.values else kind


@register.filter
def band_label(band):
    from scorecards.models import Band

    return Band(band).label if band in Band.values else band


@register.simple_tag
def unit_score_rows(rows, period):
    """The body rows of `_units_table.html`, built in Python: the same cells as the template loop had, at
    a fraction of the cost (the province table shows 100 rows of nine cells; the loop took ~30 ms). Each
    label is translated and escaped once a table, the decimal separator read once; only the unit's name
    is escaped for each row: the figures are digits, a sign, a dash and the separator (escaped once)."""
    from scorecards.models import Band
    from staff.models import UnitKind

    base = escape(reverse("scorecards:unit", args=[0]).removesuffix("0/"))
    query = escape(f"?period={period.key}")
    kinds = {value: escape(label) for value, label in UnitKind.choices}
    bands = {value: escape(label) for value, label in Band.choices}
    separator = escape(get_format("DECIMAL_SEPARATOR"))
    return mark_safe(
        "\n".join(
            f'<tr><th scope="row"><a href="{base}{int(s.unit.id)}/{query}">{escape(s.unit.name)}</a></th>'
            f"<td>{kinds.get(s.unit.kind) or escape(s.unit.kind)}</td>"
            f'<td class="num">{s.headcount}</td>'
            f'<td class="num">{score(s.total, 2, separator)}</td>'
            f'<td><span class="badge {BAND_CLASS.get(s.band, "")}">{bands.get(s.band) or escape(s.band)}</span></td>'
            f'<td class="num">{score(s.capability, 2, separator)}</td>'
            f'<td class="num">{score(s.service_culture, 2, separator)}</td>'
            f'<td class="num">{f"{int(s.rank)}/{int(s.rank_of)}" if s.rank else "—"}</td>'
            f'<td class="num">{signed(s.change, separator)}</td></tr>'
            for s in rows
        )
    )
