"""Journey 3: a unit head opens the scorecard of their department, follows a criterion to the records
behind it, downloads the Excel scorecard and switches the interface to English and back."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from inspections import services as inspection_services
from inspections.services import AnswerInput
from staff.access import system_actor
from tests.e2e.conftest import download, ensure_default_scorecard_model, main_menu, open_workbook, set_language, tap
from tests.inspections.conftest import make_checklist
from training import services as training_services

pytestmark = pytest.mark.e2e

CRITERION_VI = "Điểm kiểm tra văn hóa công vụ"
CRITERION_EN = "Service-culture checklist score"


@pytest.fixture
def inspected_department(e2e_cast):
    """An approved service-culture inspection of Sở Alpha this year: I1 failed (0 of 2), I2 yes (3 of 3),
    I3 4/4 (2 of 2), I4 90 % (0.9 of 1) → 5.9 / 8 = 73.75 %. A yearly rule of 12 tiết for Sở Alpha's
    subtree, which neither of its two people (An, Bình: no training this year) meets."""
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    ensure_default_scorecard_model(2026)
    training_services.requirement_create(
        actor=system_actor(), name="Sở Alpha 12 tiết", periods_per_year=12, effective_year=2026, unit=tree["alpha"]
    )
    version = make_checklist()
    plan = inspection_services.plan_create(
        actor=system_actor(), year=2026, name="Kế hoạch kiểm tra 2026", unit=tree["province"]
    )
    assignment = inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["alpha"],
        template_version=version,
        due_date=dt.date(2026, 10, 31),
        lead=users["inspector"],
        members=[],
        announced=True,
    )
    answers = [
        AnswerInput("I1", "no", note="Cán bộ một cửa không đeo thẻ"),
        AnswerInput("I2", "yes"),
        AnswerInput("I3", "4"),
        AnswerInput("I4", "90"),
        AnswerInput("I5", "12"),
    ]
    inspection = inspection_services.inspection_save(
        actor=system_actor(), assignment=assignment, answers=answers, submit=True, inspected_on=dt.date(2026, 10, 15)
    )
    return inspection_services.inspection_approve(actor=system_actor(), inspection=inspection)


def criterion_row(page, label):
    return page.locator("main table.scorecard tbody tr", has=page.get_by_role("rowheader", name=re.compile(label)))


def tile(page, title):
    return page.locator("main .tile", has=page.locator(".tile-title", has_text=re.compile(f"^{title}$")))


def test_unit_head_drills_into_scorecard_exports_and_switches_language(page, journey, inspected_department, login_as):
    with journey.step("scorecard"):
        login_as(page, "unit_head")
        main_menu(page, "Trình đơn chính").get_by_role("link", name="Bảng điểm đánh giá").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điểm đánh giá: Sở Alpha · Năm 2026")
        # Capability: 0 of 2 people met their hours → 0 points of 50; service culture: 73.75 % of a 90 %
        # target → 73.75 / 90 × 50 = 40.97 points; total 40.97 → not satisfactory (< 50).
        expect(tile(page, "Tổng điểm")).to_contain_text("40,97")
        expect(tile(page, "Tổng điểm")).to_contain_text("Không hoàn thành nhiệm vụ")
        expect(criterion_row(page, CRITERION_VI)).to_contain_text("73,75")
        expect(criterion_row(page, CRITERION_VI)).to_contain_text("40,97")
        journey.check()

    with journey.step("records behind the criterion"):
        tap(criterion_row(page, CRITERION_VI).get_by_role("link", name="73,75"))
        expect(page).to_have_url(re.compile(r"/inspections/list/\?"))
        rows = page.locator("main table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("15/10/2026")
        expect(rows).to_contain_text("Sở Alpha")
        expect(rows).to_contain_text("73,75")
        journey.check()

    with journey.step("failed items behind the criterion"):
        page.go_back()
        tap(criterion_row(page, CRITERION_VI).get_by_role("link", name="Nội dung không đạt"))
        expect(page).to_have_url(re.compile(r"/inspections/findings/\?"))
        rows = page.locator("main table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("Sở Alpha")
        expect(rows).to_contain_text("I1")
        journey.check()

    with journey.step("excel scorecard"):
        page.go_back()
        filename, data = download(page, lambda: page.get_by_role("link", name="Xuất Excel").click())
        assert filename == "bang-diem-ALPHA-2026.xlsx"
        workbook = open_workbook(data)
        summary = workbook.worksheets[0]
        facts = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, 12)}
        assert facts["Đơn vị"] == "Sở Alpha"
        assert facts["Tổng điểm"] == 40.97
        assert facts["Xếp loại"] == "Không hoàn thành nhiệm vụ"
        criteria = {row[1]: row for row in summary.iter_rows(min_row=14, values_only=True) if row[1]}
        assert criteria[CRITERION_VI][2:7] == (73.75, 90, 15, 50, 40.97)
        sheet = next(ws for ws in workbook.worksheets if ws.title.startswith("5. Điểm kiểm tra văn hóa"))
        records = [row for row in sheet.iter_rows(min_row=3, values_only=True)]  # the inspections behind it
        assert [(r[0], r[1], r[2].date(), r[4]) for r in records] == [
            ("ALPHA", "Sở Alpha", dt.date(2026, 10, 15), 73.75)
        ]
        journey.shot()

    with journey.step("english"):
        set_language(page, "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard: Sở Alpha · Year 2026")
        expect(tile(page, "Total score")).to_contain_text("40.97")
        expect(criterion_row(page, CRITERION_EN)).to_contain_text("73.75")
        expect(page.get_by_role("link", name="Export to Excel")).to_be_visible()
        journey.check()

    with journey.step("back to vietnamese"):
        set_language(page, "vi")
        expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điểm đánh giá: Sở Alpha · Năm 2026")
        expect(criterion_row(page, CRITERION_VI)).to_contain_text("73,75")
        journey.check()
