from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

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
    from staff.models import UnitKind

    return UnitKind(kind).label if kind in UnitKind.values else kind


@register.filter
def band_label(band):
    from scorecards.models import Band

    return Band(band).label if band in Band.values else band
