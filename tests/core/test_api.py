"""core.api.datetime_json gives what DRF's DateTimeField gives (the lists' rows are built with it)."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from core.api import datetime_json

VALUES = [
    dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC),  # 10:00 in Hồ Chí Minh City
    dt.datetime(2026, 12, 31, 17, 30, 5, 123456, tzinfo=dt.UTC),  # the next day there
    dt.datetime(2026, 6, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")),
    dt.datetime(2025, 1, 1, 0, 0, 0, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
]


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "UTC", "America/New_York"])
def test_the_same_text_as_drfs_datetime_field(zone):
    field = serializers.DateTimeField()
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        tz = timezone.get_current_timezone()
        for value in VALUES:
            assert datetime_json(value, tz) == field.to_representation(value), (zone, value)
    assert datetime_json(None, tz) is None


def test_local_time_of_the_site():
    assert datetime_json(VALUES[1], timezone.get_current_timezone()) == "2027-01-01T00:30:05.123456+07:00"
    assert datetime_json(VALUES[0], dt.UTC) == "2026-03-01T03:00:00Z"
