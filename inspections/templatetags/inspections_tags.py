"""Small display helpers for the inspection screens."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
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


@lru_cache(maxsize=256)
def _nav_links(perms: frozenset, language, script_prefix, urlconf, root_urlconf) -> tuple[tuple[str, str], ...]:
    """(url, label) of the entries these permissions open, in this language: once per process for each
    combination of what it depends on, instead of eight reverse() and gettext on every page."""
    return tuple((reverse(name), str(label)) for name, label, needed in NAV if perms & set(needed))


@register.inclusion_tag("inspections/_nav.html", takes_context=True)
def inspections_nav(context):
    request = context["request"]
    links = _nav_links(
        user_perms(request.user), get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF
    )
    path = request.path
    return {"links": [{"url": u, "label": label, "active": path == u} for u, label in links]}
