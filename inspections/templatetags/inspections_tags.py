"""Display helpers for the inspection screens: badge classes, answer labels and the sub-navigation."""

from django import template
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm
from inspections import messages
from staff.access import user_perms

register = template.Library()

READ_PERMS = (Perm.INSPECTION_VIEW, Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)

BAND_CLASS = {"excellent": "ok", "good": "ok", "satisfactory": "warn", "not_satisfactory": "bad"}
STATUS_CLASS = {
    "approved": "ok",
    "submitted": "warn",
    "returned": "bad",
    "draft": "",
    "verified": "ok",
    "done": "ok",
    "in_progress": "warn",
    "open": "",
    "published": "ok",
    "retired": "",
}


@register.filter
def band_class(value):
    return BAND_CLASS.get(value or "", "")


@register.filter
def status_class(value):
    return STATUS_CLASS.get(value or "", "")


@register.filter
def answer_label(value, item=None):
    return messages.answer_label(value, item)


@register.filter
def localized(obj, field):
    """`obj.<field>_en` in the English interface when it is filled, else `obj.<field>_vi`."""
    if obj is None:
        return ""
    if (get_language() or "vi").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_vi", "")


@register.filter
def dmy(value):
    """An ISO date string (a stored date answer, a posted value) as dd/mm/yyyy; anything else as is."""
    text = str(value or "")
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return text


# The sub-navigation: (url name, label, permissions that open it), in order.
NAV = [
    ("inspections:home", _("My assignments"), (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)),
    ("inspections:inspection-list", _("Inspections"), READ_PERMS),
    ("inspections:assignment-list", _("Assignments"), READ_PERMS),
    ("inspections:plan-list", _("Plans and coverage"), (Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN)),
    ("inspections:finding-list", _("Findings and actions"), (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)),
    ("inspections:action-list", _("Corrective actions"), (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)),
    ("inspections:results", _("Results per unit"), (Perm.INSPECTION_VIEW,)),
    ("inspections:template-list", _("Checklist templates"), (Perm.TEMPLATE_VIEW, Perm.TEMPLATE_MANAGE)),
]


@register.inclusion_tag("inspections/_nav.html", takes_context=True)
def inspections_nav(context):
    """The entries the user's permissions open; the current page's is marked active."""
    request = context["request"]
    perms = user_perms(request.user)
    links = []
    for name, label, needed in NAV:
        if perms.isdisjoint(needed):
            continue
        url = reverse(name)
        links.append({"url": url, "label": label, "active": request.path == url})
    return {"links": links}
