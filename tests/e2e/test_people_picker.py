"""The people picker on the nomination page: the HR officer types part of a name without diacritics, sees
the person's unit and this year's tiết, picks with the keyboard (a chip appears), removes a chip, leaves a name
typed but not picked (the server resolves it), and nominates; the class lists both people."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from staff.access import system_actor
from training import services
from training.models import ClassStatus, CourseCategory, TrainingRequirement

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_class(e2e_cast):
    alpha = e2e_cast["tree"]["alpha"]
    if not TrainingRequirement.objects.filter(unit__isnull=True, staff_category="").exists():
        # the migrated default rule, in case an earlier transactional test flushed it
        services.requirement_create(
            actor=system_actor(), name="Định mức chung", periods_per_year=40, effective_year=2018
        )
    course = services.course_create(
        actor=system_actor(),
        code="VHCV-01",
        title="Văn hóa công vụ",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=480,
        owner_unit=alpha,
    )
    cls = services.class_create(
        actor=system_actor(),
        course=course,
        code="L-PICK",
        unit=alpha,
        capacity=10,
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 3, 1),
    )
    return services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.OPEN)


def test_hr_nominates_by_name_with_the_people_picker(page, journey, e2e_cast, login_as, open_class):
    with journey.step("nominate page"):
        login_as(page, "hr")
        page.goto(f"/training/classes/{open_class.pk}/nominate/")
        box = page.get_by_role("combobox", name="Người được cử")
        expect(box).to_be_visible()
        journey.check()
    with journey.step("type a name without diacritics"):
        box.fill("tran thi")
        option = page.get_by_role("option", name="Trần Thị Bình")
        expect(option).to_be_visible()
        expect(option).to_contain_text("A002 · Phòng Alpha-1")
        expect(option).to_contain_text("0/40 tiết")
        journey.check()
    with journey.step("pick with the keyboard, remove one, leave a typed name"):
        box.press("ArrowDown")
        box.press("Enter")
        expect(page.locator(".people-chip", has_text="Trần Thị Bình (A002)")).to_be_visible()
        box.fill("nguyen van an")
        expect(page.get_by_role("option", name="Nguyễn Văn An")).to_be_visible()
        box.press("ArrowDown")
        box.press("Enter")
        page.get_by_role("button", name="Bỏ Trần Thị Bình (A002)").click()
        expect(page.locator(".people-chip")).to_have_count(1)
        box.fill("tran thi binh")
        box.press("Escape")
        journey.check()
    with journey.step("nominate"):
        page.get_by_role("button", name="Cử đi học", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("L-PICK")
        journey.check()
    assert sorted(open_class.enrollments.values_list("staff__staff_code", flat=True)) == ["A001", "A002"]
