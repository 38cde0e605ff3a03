"""Dashboard card: how many of the person's notifications are unread."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from notifications.selectors import notification_unread_count


def cards(user) -> list[dict]:
    if not has_perm(user, Perm.OWN_RECORD):
        return []
    return [
        {
            "title": _("My notifications"),
            "value": notification_unread_count(user=user),
            "note": _("unread"),
            "url": reverse("notifications:list") + "?unread=1",
        }
    ]
