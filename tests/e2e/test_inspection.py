"""Journey 2: an inspector fills an assignment on the tablet (every item; one failure with a note and a
photo), submits and sees the score and band; the lead inspector approves; the failure becomes a finding,
and the lead adds a corrective action to it. Both work in English (switched with the visible switch)."""

import datetime as dt
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from core.permissions import Role
from inspections import services as inspection_services
from staff.access import system_actor
from tests.e2e.conftest import main_menu, set_language, tap
from tests.factories import UserFactory, grant
from tests.inspections.conftest import make_checklist

pytestmark = pytest.mark.e2e


def photo(name: str, colour) -> dict:
    image = Image.new("RGB", (320, 240), colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


@pytest.fixture
def assignment(e2e_cast):
    """Inspector Tâm (member) fills; the cast's inspector Huy leads and reviews. Checklist items:
    I1 yes/no (weight 2, note required on failure), I2 yes/no (3, critical), I3 scale 0–4 (2),
    I4 percent (1), I5 number, I6 text (optional), I7 photo (optional)."""
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    member = UserFactory(username="inspector2", first_name="Lý Thanh Tâm")
    grant(member, Role.INSPECTOR, tree["gamma"])
    version = make_checklist()
    plan = inspection_services.plan_create(
        actor=system_actor(), year=2026, name="Kế hoạch kiểm tra 2026", unit=tree["province"]
    )
    return inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 12, 31),
        lead=users["inspector"],
        members=[member],
        announced=True,
    )


def item(page, code):
    return page.get_by_role("group", name=re.compile(rf"^{code} "))


def subnav(page):
    return page.get_by_role("navigation", name="Inspections")


def test_inspector_fills_submits_lead_approves_finding_gets_action(
    page, page_at, journey, assignment, login_as, logout
):
    with journey.step("inspector logs in"):
        login_as(page, "inspector2")
        set_language(page, "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Lý Thanh Tâm")
        journey.check()

    with journey.step("my assignments"):
        main_menu(page, "Main menu").get_by_role("link", name="Inspections").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My assignments")
        tile = page.get_by_role("link", name=re.compile("Văn phòng xã Gamma"))
        expect(tile).to_contain_text("Not started")
        expect(tile).to_contain_text("31/12/2026")
        journey.check()

    with journey.step("open the checklist"):
        tile.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Văn phòng xã Gamma")
        expect(page.get_by_text("0 of 7 answered")).to_be_visible()
        journey.check()

    with journey.step("answer every item"):
        page.get_by_label("Inspection date").fill("20/11/2026")  # dd/mm/yyyy, as every date
        failing = item(page, "I1")
        tap(failing.get_by_text("No", exact=True))
        tap(failing.get_by_text("Note and photos"))
        failing.get_by_label("Note").fill("Hai công chức không đeo thẻ khi tiếp dân")
        failing.get_by_label("Add photos (camera)").set_input_files(photo("the-thieu.png", (200, 30, 30)))
        tap(item(page, "I2").get_by_text("Met", exact=True))  # a prohibition: Met / Not met
        tap(item(page, "I3").get_by_text("4 – Very good", exact=True))  # the labelled 0–4 scale
        item(page, "I4").get_by_label("Percentage (0–100)").fill("90")
        item(page, "I5").get_by_label("Number").fill("12")
        item(page, "I6").get_by_label("Answer").fill("Bộ phận một cửa sạch sẽ")
        item(page, "I7").get_by_label("Add photos (camera)").set_input_files(photo("bang-ten.png", (30, 120, 200)))
        page.get_by_label("Conclusion").fill("Cơ bản chấp hành tốt; cần chấn chỉnh việc đeo thẻ.")
        expect(page.get_by_text("7 of 7 answered")).to_be_visible()
        journey.check()

    with journey.step("submit and see the score"):
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_role("status")).to_contain_text("Inspection submitted for review.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Văn phòng xã Gamma · 20/11/2026")
        facts = page.locator("main dl.facts")
        # (0 + 3 + 2 + 0.9) / (2 + 3 + 2 + 1) = 73.75 % → good (70–< 90)
        expect(facts).to_contain_text("73.75 (5.90 / 8)")
        expect(facts).to_contain_text("Good")
        expect(facts).to_contain_text("Submitted")
        expect(page.get_by_role("img", name="Photo 1")).to_have_count(2)
        journey.check()
        logout(page)

    lead = page_at(journey.viewport)
    journey.page = lead
    with journey.step("lead opens the inspection"):
        login_as(lead, "inspector")
        set_language(lead, "en")
        main_menu(lead, "Main menu").get_by_role("link", name="Inspections").click()
        subnav(lead).get_by_role("link", name="Inspections").click()
        row = lead.locator("main table tbody tr", has_text="Văn phòng xã Gamma")
        expect(row).to_contain_text("Submitted")
        expect(row).to_contain_text("73.75")
        row.get_by_role("link", name="20/11/2026").click()
        expect(lead.get_by_role("heading", name="Review")).to_be_visible()
        journey.check()

    with journey.step("lead approves"):
        lead.get_by_role("button", name="Approve and lock").click()
        expect(lead.get_by_role("status")).to_contain_text("Inspection approved and locked.")
        expect(lead.locator("main dl.facts")).to_contain_text("Approved (locked)")
        finding = lead.locator("main .card", has_text="Hai công chức không đeo thẻ")
        expect(finding).to_contain_text("I1")
        expect(finding).to_contain_text("No corrective action yet.")
        journey.check()

    with journey.step("lead adds a corrective action"):
        # the form is open under each finding (no collapsed section to find first)
        finding.get_by_role("textbox", name="Corrective action").fill("Nhắc nhở và kiểm tra lại việc đeo thẻ hằng tuần")
        finding.get_by_label("Due date").fill("15/12/2026")
        finding.get_by_role("button", name="Add", exact=True).click()
        expect(lead.get_by_role("status")).to_contain_text("Corrective action added.")
        action = finding.get_by_role("listitem").filter(has_text="Nhắc nhở và kiểm tra lại")
        expect(action).to_contain_text("Văn phòng xã Gamma")
        expect(action).to_contain_text("15/12/2026")
        expect(action).to_contain_text("Open")
        journey.check()

    with journey.step("findings list"):
        subnav(lead).get_by_role("link", name="Findings and actions").click()
        row = lead.locator("main table tbody tr", has_text="Hai công chức không đeo thẻ")
        expect(row).to_contain_text("Văn phòng xã Gamma")
        expect(row).to_contain_text("Nhắc nhở và kiểm tra lại")
        expect(row).to_contain_text("Open")
        journey.check()
