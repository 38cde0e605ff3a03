"""Dashboard card: the way in to the offline pages for people who have work to do there."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.permissions import has_perm
from offline.views import FILL_PERMS, may_take_attendance


def cards(user) -> list[dict]:
    if not (has_perm(user, FILL_PERMS) or may_take_attendance(user)):
        return []
    return [
        {
            "title": pgettext("offline page", "Work offline"),
            "value": None,
            "url": reverse("offline:home"),
            "note": _("Checklists and attendance without network"),
        }
    ]
