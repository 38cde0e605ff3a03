"""Navigation: a menu entry is shown only to users who hold its permission."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm, has_perm

MENU = [
    ("dashboard", _("Dashboard"), None),
    ("staff:unit-list", _("Organisation"), Perm.UNIT_VIEW),
    ("staff:staff-list", _("Staff"), Perm.STAFF_VIEW),
    ("training:home", _("Training"), (Perm.TRAINING_VIEW, Perm.TRAINING_MANAGE)),
    ("training:my-record", _("My training"), Perm.OWN_RECORD),
    ("inspections:home", _("Inspections"), (Perm.INSPECTION_VIEW, Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)),
    ("scorecards:home", _("Scorecards"), Perm.SCORECARD_VIEW),
    (
        "scorecards:rounds",
        _("Self-assessment, appraisal"),
        (Perm.SCORECARD_VIEW, Perm.SCORECARD_ASSESS, Perm.SCORECARD_APPRAISE),
    ),
    ("scorecards:indicators", _("CCHC indicators"), (Perm.SCORECARD_VIEW, Perm.INDICATOR_MANAGE)),
    (
        "documents:home",
        _("Documents"),
        (Perm.TRAINING_VIEW, Perm.TRAINING_MANAGE, Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN, Perm.SCORECARD_VIEW),
    ),
    ("staff:discipline-list", _("Discipline decisions"), Perm.DISCIPLINE_VIEW),
    ("staff:role-list", _("Roles"), Perm.ROLE_MANAGE),
    ("notifications:list", _("Notifications"), None),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    items = []
    for name, label, perm in MENU:
        if perm is not None and not has_perm(user, perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # an app whose screens are not installed
            continue
        items.append({"url": url, "label": label, "active": False})
    # The current page's entry: the longest url it starts with (/scorecards/rounds/ rather than /scorecards/).
    current = max(
        (i for i in items if i["url"] != "/" and request.path.startswith(i["url"])),
        key=lambda i: len(i["url"]),
        default=None,
    )
    if current is not None:
        current["active"] = True
    return {"menu": items}
