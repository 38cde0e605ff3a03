"""Demo data: publish the previous year and the quarters of the demo year that have ended, so
scorecards have snapshots, trends and a change since the previous period from the start (and the
yearly table does not have to recompute last year live)."""

from django.utils import timezone

from scorecards import services
from scorecards.periods import Period
from staff.access import system_actor


def seed(ctx) -> None:
    today = timezone.localdate()
    actor = system_actor()
    published = []
    previous_year = Period(ctx.year - 1)
    if previous_year.end < today:
        services.period_publish(actor=actor, period=previous_year, note="Demo", today=today)
        published.append(previous_year.key)
    for quarter in range(1, 5):
        period = Period(ctx.year, quarter=quarter)
        if period.end >= today:
            break
        services.period_publish(actor=actor, period=period, note="Demo", today=today)
        published.append(period.key)
    ctx.notes.append(f"scorecards published: {', '.join(published) or 'none'}")
