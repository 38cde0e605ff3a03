from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

register = template.Library()

BAND_CLASS = {"excellent": "ok", "good": "ok", "satisfactory": "warn", "not_satisfactory": "bad"}


HUNDREDTH = Decimal("0.01")


def _two_decimals(value) -> str:
    """`floatformat(value, 2)` for the figures of a scorecard (|value| < 1000: no grouping), without its
    generic parsing: half-up rounding of the shown decimal, no sign on a zero, the language's decimal
    separator. A province table shows 300 of them per page; floatformat took ~70 µs each."""
    if not isinstance(value, float | int) or isinstance(value, bool) or not -1000 < value < 1000:
        return floatformat(value, 2)
    rounded = Decimal(repr(value)).quantize(HUNDREDTH, ROUND_HALF_UP)
    text = f"{abs(rounded):.2f}" if rounded else "0.00"
    if rounded < 0:
        text = "-" + text
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def score(value, digits=2):
    """A figure with two decimals, or a dash when there is none."""
    if value is None or value == "":
        return "—"
    return _two_decimals(value) if digits == 2 else floatformat(value, digits)


@register.filter
def signed(value):
    if value is None:
        return "—"
    text = _two_decimals(value)
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
    a fraction of the cost (the province table shows 100 rows of nine cells; the loop took ~30 ms)."""
    from scorecards.models import Band
    from staff.models import UnitKind

    base = reverse("scorecards:unit", args=[0]).removesuffix("0/")
    query = f"?period={period.key}"
    kinds = dict(UnitKind.choices)
    bands = dict(Band.choices)
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}{}/{}">{}</a></th><td>{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td><span class="badge {}">{}</span></td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                base,
                s.unit.id,
                query,
                s.unit.name,
                kinds.get(s.unit.kind, s.unit.kind),
                s.headcount,
                score(s.total),
                band_class(s.band),
                bands.get(s.band, s.band),
                score(s.capability),
                score(s.service_culture),
                f"{s.rank}/{s.rank_of}" if s.rank else "—",
                signed(s.change),
            )
            for s in rows
        ),
    )
