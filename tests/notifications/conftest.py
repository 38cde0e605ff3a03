"""Reminder fixtures: the clock stands at 15/06/2026 10:00 (Asia/Ho_Chi_Minh); a course of Sở Alpha;
cast members get e-mail addresses (the factory gives <username>@example.org)."""

import datetime as dt

import pytest
import time_machine

from staff.access import system_actor
from training import services as training_services
from training.models import CourseCategory

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(tree):
    return training_services.course_create(
        actor=system_actor(),
        code="VHCV-01",
        title="Văn hóa công vụ",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=240,
        owner_unit=tree["alpha"],
    )
