"""Display helpers for the inspection screens: badge classes, answer labels and the sub-navigation."""

from django import template
from django.urls import reverse
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
def answer_label(value):
    return messages.answer_label(value)


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
