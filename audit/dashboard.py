"""Dashboard cards: the audit log for those who may read it, two-step login for those who may use it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm


def cards(user) -> list[dict]:
    result = []
    if has_perm(user, Perm.AUDIT_VIEW):
        result.append(
            {
                "title": _("Audit log"),
                "value": None,
                "url": reverse("audit:log"),
                "note": _("Who changed what, when and from where"),
            }
        )
    if has_perm(user, Perm.SECOND_FACTOR):
        result.append(
            {
                "title": _("Two-step login"),
                "value": None,
                "url": reverse("audit:otp-enrol"),
                "note": _("Authenticator app codes at login"),
            }
        )
    return result
