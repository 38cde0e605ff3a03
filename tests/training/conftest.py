"""Training fixtures on top of the fixed cast: a course of Sở Alpha, a class with three past sessions of
4 hours (240 minutes each) and a helper to build more. The clock is fixed at 15/06/2026 10:00 (Asia/Ho_Chi_Minh)."""

import datetime as dt

import pytest
import time_machine

from staff.access import system_actor
from training import services
from training.models import ClassStatus, CourseCategory

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def course(tree):
    return services.course_create(
        actor=system_actor(),
        code="VHCV-01",
        title="Văn hóa công vụ",
        title_en="Public-service culture",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=720,
        owner_unit=tree["alpha"],
        min_attendance_percent=80,
        pass_mark=5,
        certificate_validity_months=24,
    )


def make_class(
    course,
    unit,
    *,
    code="L-001",
    capacity=30,
    start=dt.date(2026, 6, 1),
    days=3,
    status=ClassStatus.IN_PROGRESS,
    times=(dt.time(8, 0), dt.time(12, 0)),
    **fields,
):
    cls = services.class_create(
        actor=system_actor(),
        course=course,
        code=code,
        unit=unit,
        capacity=capacity,
        start_date=start,
        end_date=start + dt.timedelta(days=max(days - 1, 0)),
        **fields,
    )
    for i in range(days):
        services.session_create(
            actor=system_actor(),
            training_class=cls,
            date=start + dt.timedelta(days=i),
            start_time=times[0],
            end_time=times[1],
            topic=f"Chuyên đề {i + 1}",
        )
    path = {
        ClassStatus.PLANNED: [],
        ClassStatus.OPEN: [ClassStatus.OPEN],
        ClassStatus.IN_PROGRESS: [ClassStatus.OPEN, ClassStatus.IN_PROGRESS],
    }[status]
    for step in path:
        cls = services.class_set_status(actor=system_actor(), training_class=cls, status=step)
    cls.refresh_from_db()
    return cls


@pytest.fixture
def klass(course, tree):
    return make_class(course, tree["alpha"])
