import datetime as dt

from icalendar import Calendar

from staff.access import system_actor
from tests.training.conftest import make_class
from training import services


def _events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_person_feed_updates_the_same_entry_after_reschedule(client, klass, people, cast):
    services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"])
    token = services.calendar_token_for(user=cast["member"]).token
    url = f"/training/calendar/{token}/me.ics"
    before = _events(client.get(url))
    assert len(before) == 3
    first = klass.sessions.order_by("date").first()
    assert str(before[0]["uid"]) == f"{first.uid}@congvu" and int(before[0]["sequence"]) == 0
    services.session_update(actor=system_actor(), session=first, start_time=dt.time(13, 30), end_time=dt.time(17, 0))
    after = _events(client.get(url))
    moved = next(e for e in after if str(e["uid"]) == f"{first.uid}@congvu")
    assert len(after) == 3
    assert int(moved["sequence"]) == 1
    assert moved["dtstart"].dt.isoformat() == "2026-06-01T13:30:00+07:00"


def test_unit_feed_applies_the_token_owners_scope(client, course, tree, cast):
    make_class(course, tree["alpha1"], code="L-A1")
    make_class(course, tree["beta"], code="L-B")
    token = services.calendar_token_for(user=cast["hr"]).token
    events = _events(client.get(f"/training/calendar/{token}/unit/{tree['alpha'].pk}.ics"))
    assert {str(e["summary"]).split(" – ")[0] for e in events} == {"Văn hóa công vụ (L-A1)"}
    assert client.get(f"/training/calendar/{token}/unit/{tree['beta'].pk}.ics").status_code == 404
    assert client.get(f"/training/calendar/not-a-token/unit/{tree['alpha'].pk}.ics").status_code == 404


def test_reset_token_invalidates_old_feed(client, cast):
    old = services.calendar_token_for(user=cast["member"]).token
    services.calendar_token_for(user=cast["member"], reset=True)
    assert client.get(f"/training/calendar/{old}/me.ics").status_code == 404
