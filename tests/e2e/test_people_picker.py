"""The people picker on the nomination page and on an inspection plan (the team).
The nomination page: the HR officer types part of a name without diacritics, sees
the person's unit and this year's tiết, picks with the keyboard (a chip appears), removes a chip, leaves a name
typed but not picked (the server resolves it), and nominates; the class lists both people."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.permissions import Role
from inspections import services as inspection_services
from staff.access import system_actor
from tests.factories import UserFactory, grant, make_staff
from tests.inspections.conftest import make_checklist
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


@pytest.fixture
def gamma_plan(e2e_cast):
    """A plan on xã Gamma with a published checklist; Huy (the inspector, Inspector on Gamma) plans it and Tâm, an
    inspector of the same commune, can join the team. Both have staff records under their own names."""
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    make_checklist()
    tam = UserFactory(username="inspector.tam")
    grant(tam, Role.INSPECTOR, tree["gamma"])
    make_staff(tree["gamma"], "Đỗ Quang Huy", code="G100", user=users["inspector"])
    make_staff(tree["gamma_office"], "Phạm Minh Tâm", code="G101", user=tam)
    return inspection_services.plan_create(
        actor=system_actor(), year=2026, name="Kiểm tra xã Gamma 2026", unit=tree["gamma"]
    )


def test_inspector_picks_the_team_by_typing_names_without_diacritics(page, journey, e2e_cast, login_as, gamma_plan):
    with journey.step("plan page"):
        login_as(page, "inspector")
        page.goto(f"/inspections/plans/{gamma_plan.pk}/")
        members = page.get_by_role("combobox", name="Thành viên đoàn")
        expect(members).to_be_visible()
        journey.check()
    with journey.step("type a team member's name without diacritics"):
        page.get_by_label("Đơn vị được kiểm tra").select_option(str(e2e_cast["tree"]["gamma_office"].pk))
        page.get_by_label("Phiếu kiểm tra").select_option(index=1)
        page.get_by_label("Thời hạn").fill("30/06/2026")
        lead = page.get_by_role("combobox", name="Trưởng đoàn")
        lead.fill("do quang")
        lead_option = page.get_by_role("option", name="Đỗ Quang Huy")
        expect(lead_option).to_contain_text("G100 · UBND xã Gamma")
        lead.press("ArrowDown")
        lead.press("Enter")
        members.fill("pham minh")
        option = page.get_by_role("option", name="Phạm Minh Tâm")
        expect(option).to_contain_text("G101 · Văn phòng xã Gamma")
        journey.check()
    with journey.step("pick with the keyboard and save"):
        members.press("ArrowDown")
        members.press("Enter")
        expect(page.locator(".people-chip", has_text="Phạm Minh Tâm (G101)")).to_be_visible()
        page.locator("form", has=members).locator("button[type=submit]").click()
        expect(page.get_by_text("Đã thêm nhiệm vụ kiểm tra.")).to_be_visible()
        journey.check()
    assignment = gamma_plan.assignments.get()
    assert (assignment.lead.username, [m.user.username for m in assignment.memberships.all()]) == (
        "inspector",
        ["inspector.tam"],
    )
