"""Small display helpers for the inspection screens."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from inspections import messages

register = template.Library()

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


@register.inclusion_tag("inspections/_nav.html", takes_context=True)
def inspections_nav(context):
    user = context["request"].user
    links = []
    if has_perm(user, (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)):
        links.append((reverse("inspections:home"), _("My assignments")))
    if has_perm(user, (Perm.INSPECTION_VIEW, Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)):
        links.append((reverse("inspections:inspection-list"), _("Inspections")))
        links.append((reverse("inspections:assignment-list"), _("Assignments")))
    if has_perm(user, (Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN)):
        links.append((reverse("inspections:plan-list"), _("Plans and coverage")))
    if has_perm(user, (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)):
        links.append((reverse("inspections:finding-list"), _("Findings and actions")))
        links.append((reverse("inspections:action-list"), _("Corrective actions")))
    if has_perm(user, Perm.INSPECTION_VIEW):
        links.append((reverse("inspections:results"), _("Results per unit")))
    if has_perm(user, (Perm.TEMPLATE_VIEW, Perm.TEMPLATE_MANAGE)):
        links.append((reverse("inspections:template-list"), _("Checklist templates")))
    path = context["request"].path
    return {"links": [{"url": u, "label": label, "active": path == u} for u, label in links]}
