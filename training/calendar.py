"""ICS feeds (icalendar): one VEVENT per session with a stable UID; SEQUENCE rises on every reschedule, so a
calendar app updates the entry it already has instead of adding a second one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from training.models import ClassStatus

PRODID = "-//CongVu//Training//VI"


def sessions_ics(*, sessions, name: str) -> bytes:
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for s in sessions:
        cls = s.training_class
        event = Event()
        event.add("uid", f"{s.uid}@congvu")
        event.add("sequence", s.sequence)
        event.add("dtstamp", s.updated_at or dt.datetime.now(tz))
        event.add("dtstart", dt.datetime.combine(s.date, s.start_time, tzinfo=tz))
        event.add("dtend", dt.datetime.combine(s.date, s.end_time, tzinfo=tz))
        summary = f"{cls.course.title} ({cls.code})"
        if s.topic:
            summary += f" – {s.topic}"
        event.add("summary", summary)
        if cls.venue:
            event.add("location", cls.venue)
        description = [cls.unit.name]
        if s.trainer or cls.trainers:
            description.append(s.trainer or cls.trainers)
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if cls.status == ClassStatus.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
