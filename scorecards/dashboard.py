"""Dashboard cards: the latest published score of the user's unit (one cheap query; the live
computation stays on the scorecard screen)."""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from scorecards import selectors
from scorecards.models import Band
from scorecards.periods import Period


def cards(user) -> list[dict]:
    if not has_perm(user, Perm.SCORECARD_VIEW):
        return []
    unit = selectors.home_unit(user=user)
    if unit is None:
        return []
    out = []
    snapshot = selectors.latest_snapshot(user=user, unit=unit)
    url = reverse("scorecards:unit", args=[unit.pk])
    if snapshot is not None:
        # The figure the linked page shows as its headline: the published total of that period.
        out.append(
            {
                "title": _("Scorecard of %(unit)s") % {"unit": unit.name},
                "value": "—" if snapshot.total is None else number_format(snapshot.total, 2),
                "url": f"{url}?period={snapshot.publication.period}",
                "note": _("%(band)s · published, %(period)s")
                % {"band": Band(snapshot.band).label, "period": Period.parse(snapshot.publication.period).label},
            }
        )
    else:
        out.append(
            {
                "title": _("Scorecard of %(unit)s") % {"unit": unit.name},
                "value": None,
                "url": url,
                "note": _("Live figures for this year"),
            }
        )
    out.append(
        {
            "title": _("Scorecards of all units"),
            "value": None,
            "url": reverse("scorecards:table"),
            "note": _("Ranks within kind and change since the previous period"),
        }
    )
    return out
