"""Filters for scorecard figures: two decimals in the language's format (floatformat: "54,12" in
Vietnamese), a dash where there is no figure, and the labels and colours of bands and unit kinds."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from scorecards.models import Band
from staff.models import UnitKind

register = template.Library()

BAND_CLASS = {"excellent": "ok", "good": "ok", "satisfactory": "warn", "not_satisfactory": "bad"}


@register.filter
def score(value, digits=2):
    """A figure with two decimals, or a dash when there is none."""
    if value is None or value == "":
        return "—"
    return floatformat(value, digits)


@register.filter
def signed(value):
    """A change: two decimals with its sign (+1,50, -0,25, 0,00), or a dash."""
    if value is None:
        return "—"
    text = floatformat(value, 2)
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
    return UnitKind(kind).label if kind in UnitKind.values else kind


@register.filter
def band_label(band):
    return Band(band).label if band in Band.values else band
