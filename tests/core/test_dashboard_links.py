"""Every dashboard figure opens a list showing exactly what it counts (the link carries the filter)."""

from django.urls import reverse

from jobs.dashboard import cards as job_cards
from notifications.dashboard import cards as notification_cards
from staff.dashboard import cards as staff_cards


def _card(cards, title):
    return next(c for c in cards if c["title"] == title)


def test_staff_cards_link_to_the_active_records_they_count(cast):
    cards = staff_cards(cast["admin"])
    assert _card(cards, "Đơn vị trong phạm vi")["url"] == "/staff/units/?active=true"
    assert _card(cards, "CBCCVC trong phạm vi")["url"] == "/staff/people/?status=active"


def test_unread_notifications_and_running_exports_open_their_own_lists(login, cast):
    member = cast["member"]
    assert notification_cards(member)[0]["url"] == reverse("notifications:list") + "?unread=1"
    assert job_cards(member)[0]["url"] == reverse("jobs:export-list") + "?in_progress=1"
