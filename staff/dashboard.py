"""Dashboard cards for the organisation and staff directory."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from staff.models import Staff, StaffStatus, Unit


def cards(user) -> list[dict]:
    result = []
    if has_perm(user, Perm.UNIT_VIEW):
        result.append(
            {
                "title": _("Units in your scope"),
                "value": Unit.objects.visible_to(user).filter(active=True).count(),
                "url": reverse("staff:unit-list") + "?active=true",
            }
        )
    if has_perm(user, Perm.STAFF_VIEW):
        result.append(
            {
                "title": _("Staff in your scope"),
                "value": Staff.objects.visible_to(user).filter(status=StaffStatus.ACTIVE).count(),
                "url": reverse("staff:staff-list") + f"?status={StaffStatus.ACTIVE}",
            }
        )
    if has_perm(user, Perm.STAFF_MANAGE):
        result.append(
            {
                "title": _("Import a staff roster"),
                "value": None,
                "note": _("Excel, with a preview"),
                "url": reverse("staff:staff-import"),
            }
        )
    if has_perm(user, Perm.ROLE_MANAGE):
        result.append({"title": _("Roles and scopes"), "value": None, "url": reverse("staff:role-list")})
    me = Staff.objects.filter(user=user).only("pk").first() if user.is_authenticated else None
    if me is not None:
        result.append({"title": _("My record"), "value": None, "url": reverse("staff:staff-detail", args=[me.pk])})
    return result
