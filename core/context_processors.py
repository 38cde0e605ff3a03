"""Navigation: a menu entry is shown only to users who hold its permission."""

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm, user_perms, user_roles

MENU = [
    ("dashboard", _("Dashboard"), None),
    ("staff:unit-list", _("Organisation"), Perm.UNIT_VIEW),
    ("staff:staff-list", _("Staff"), Perm.STAFF_VIEW),
    ("training:home", _("Training"), (Perm.TRAINING_VIEW, Perm.TRAINING_MANAGE)),
    ("training:my-record", _("My training"), Perm.OWN_RECORD),
    ("inspections:home", _("Inspections"), (Perm.INSPECTION_VIEW, Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)),
    ("scorecards:home", _("Scorecards"), Perm.SCORECARD_VIEW),
    ("staff:role-list", _("Roles"), Perm.ROLE_MANAGE),
    ("notifications:list", _("Notifications"), None),
]


@lru_cache(maxsize=256)
def _menu_entries(perms: frozenset, language, script_prefix, urlconf, root_urlconf) -> tuple[tuple[str, str], ...]:
    """(url, label) of the entries these permissions open, in this language: computed once per process for
    each combination of everything it depends on (≈0.25 ms of reverse() and gettext per page before)."""
    entries = []
    for name, label, perm in MENU:
        if perm is not None and not perms & ({perm} if isinstance(perm, str) else set(perm)):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # an app whose screens are not there yet
            continue
        entries.append((url, str(label)))
    return tuple(entries)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    entries = _menu_entries(user_perms(user), get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    items = [
        {"url": url, "label": label, "active": request.path.startswith(url) and url != "/"} for url, label in entries
    ]
    return {"menu": items, "user_roles": sorted(user_roles(user))}
