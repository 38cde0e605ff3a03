"""Journey: XLSForm `relevant` on the filling screen (Vietnamese interface). The checklist has a critical
yes/no item Q1 and a required text item Q2 asked only when `${Q1} = 'no'`. An inspector sees Q2 hidden
until Q1 is answered "Không", must answer it while it is shown, sees it hide again on "Có" (what was
typed into it is not sent), submits without answering it and gets a score of Q1 alone."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.permissions import Role
from inspections import services as inspection_services
from inspections.models import AnswerType, Inspection, TemplateKind
from inspections.services import ItemSpec, SectionSpec
from staff.access import system_actor
from tests.e2e.conftest import main_menu, tap
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.e2e

HIDDEN_TEXT = "Lịch tiếp dân bị gỡ khi sửa bảng tin"


def conditional_checklist():
    """The checklist the template editor journey builds on screen, made here through the services."""
    template = inspection_services.template_create(
        actor=system_actor(),
        code="VH-TIEPDAN",
        name_vi="Phiếu kiểm tra tiếp công dân",
        name_en="Citizen reception",
        kind=TemplateKind.OTHER,
    )
    version = template.versions.get()
    inspection_services.version_set_content(
        actor=system_actor(),
        version=version,
        sections=[
            SectionSpec(
                code="A",
                title_vi="Tiếp công dân",
                title_en="Citizen reception",
                items=[
                    ItemSpec(
                        code="Q1",
                        text_vi="Có niêm yết lịch tiếp công dân",
                        text_en="Reception hours posted",
                        answer_type=AnswerType.YES_NO_NA,
                        weight=Decimal(2),
                        critical=True,
                    ),
                    ItemSpec(
                        code="Q2",
                        text_vi="Lý do không niêm yết lịch tiếp dân",
                        text_en="Why not posted",
                        answer_type=AnswerType.TEXT,
                        required=True,
                        relevant="${Q1} = 'no'",
                    ),
                ],
            ),
        ],
    )
    return inspection_services.version_publish(actor=system_actor(), version=version)


@pytest.fixture
def assignment(e2e_cast):
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    member = UserFactory(username="inspector2", first_name="Lý Thanh Tâm")
    grant(member, Role.INSPECTOR, tree["gamma"])
    plan = inspection_services.plan_create(
        actor=system_actor(), year=2026, name="Kế hoạch kiểm tra 2026", unit=tree["province"]
    )
    return inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=conditional_checklist(),
        due_date=dt.date(2026, 12, 31),
        lead=users["inspector"],
        members=[member],
        announced=True,
    )


def item(page, code):
    return page.get_by_role("group", name=re.compile(rf"^{code} "))


def fieldset(page, code):
    """The item's fieldset whether it is shown or not (a hidden one has no accessible role)."""
    return page.locator(f"main fieldset#item-{code}")


def progress(page):
    return page.locator("#fill-progress-text")


def test_dependent_item_shows_only_when_its_condition_holds(page, journey, assignment, login_as):
    with journey.step("open the checklist"):
        login_as(page, "inspector2")
        main_menu(page, "Trình đơn chính").get_by_role("link", name="Kiểm tra công vụ").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Nhiệm vụ của tôi")
        page.get_by_role("link", name=re.compile("Văn phòng xã Gamma")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Văn phòng xã Gamma")
        expect(item(page, "Q1")).to_be_visible()
        expect(fieldset(page, "Q2")).to_be_hidden()  # Q1 unanswered: ${Q1} = 'no' is false
        expect(progress(page)).to_have_text("Đã trả lời 0/1")
        journey.check()

    with journey.step("no shows the dependent item"):
        tap(item(page, "Q1").get_by_text("Không", exact=True))
        dependent = item(page, "Q2")
        expect(dependent).to_be_visible()
        expect(dependent).to_contain_text("Chỉ trả lời khi: ${Q1} = 'no'")
        expect(progress(page)).to_have_text("Đã trả lời 1/2")
        journey.check()

    with journey.step("a shown required item must be answered"):
        tap(page.get_by_role("button", name="Nộp để duyệt"))
        expect(dependent).to_have_class(re.compile(r"\bmissing\b"))
        expect(dependent.get_by_label("Trả lời")).to_be_focused()
        expect(page.get_by_role("heading", level=1)).to_have_text("Văn phòng xã Gamma")  # not sent
        assert Inspection.objects.count() == 0
        dependent.get_by_label("Trả lời").fill(HIDDEN_TEXT)
        expect(progress(page)).to_have_text("Đã trả lời 2/2")
        journey.check()

    with journey.step("yes hides it again"):
        tap(item(page, "Q1").get_by_text("Có", exact=True))
        expect(fieldset(page, "Q2")).to_be_hidden()
        expect(progress(page)).to_have_text("Đã trả lời 1/1")
        journey.check()

    with journey.step("submit without the hidden item"):
        tap(page.get_by_role("button", name="Nộp để duyệt"))
        expect(page.get_by_role("status")).to_contain_text("Đã nộp phiếu kiểm tra để duyệt.")
        facts = page.locator("main dl.facts")
        expect(facts).to_contain_text("Đã nộp")
        # Only Q1 counts: 2 of a maximum of 2 (Q2 was not asked, so it adds nothing to the maximum).
        expect(facts).to_contain_text("100,00 (2 / 2)")
        expect(facts).to_contain_text("Hoàn thành xuất sắc")
        expect(page.locator("main")).not_to_contain_text(HIDDEN_TEXT)  # typed while shown, never sent
        answers = page.locator("main table", has=page.get_by_role("columnheader", name="Trả lời"))
        q1 = answers.locator("tbody tr", has_text="Q1")
        expect(q1.locator("td").nth(2)).to_have_text("Có")  # the interface's word, not the stored "yes"
        expect(q1.locator("td").nth(3)).to_have_text("2 / 2")
        expect(answers.locator("tbody tr", has_text="Q2").locator("td").nth(3)).to_have_text("—")
        journey.check()

    inspection = Inspection.objects.get()
    answers = {a.item.code: a.value for a in inspection.answers.select_related("item")}
    assert answers.get("Q1") == "yes"
    assert answers.get("Q2", "") == ""
