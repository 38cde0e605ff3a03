"""Journey 1: an HR officer creates a course and a class with three sessions, nominates people from an
Excel file, takes attendance for the first session, closes the class after the last session and
downloads the attendance matrix. In English (switched with the visible language switch)."""

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.e2e.conftest import download, main_menu, open_workbook, set_language, tap
from tests.factories import make_staff

pytestmark = pytest.mark.e2e

SESSIONS = [
    ("03/11/2026", "Khai giảng, văn hóa công vụ"),
    ("10/11/2026", "Kỹ năng tiếp dân"),
    ("17/11/2026", "Thực hành"),
]


@pytest.fixture
def people(e2e_cast):
    make_staff(e2e_cast["tree"]["alpha1"], "Nguyễn Văn Hải", code="A003")
    return e2e_cast


def nominations_xlsx() -> dict:
    book = Workbook()
    sheet = book.active
    sheet.append(["Danh sách cử đi học"])
    sheet.append(["Mã số", "Họ và tên"])
    for row in (["A001", "Nguyễn Văn An"], ["A002", "Trần Thị Bình"], ["A003", "Nguyễn Văn Hải"]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return {
        "name": "cu-di-hoc.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": out.getvalue(),
    }


def fill_form(page, values: dict) -> None:
    for label, value in values.items():
        field = page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))
        if field.evaluate("(el) => el.tagName") == "SELECT":
            field.select_option(label=value)
        elif field.get_attribute("type") == "checkbox":
            field.set_checked(value)
        else:
            field.fill(value)


def roll_row(page, name):
    return page.locator("li.roll-row", has_text=name)


def test_hr_runs_a_class_from_course_to_attendance_matrix(page, journey, people, login_as):
    with journey.step("training home"):
        login_as(page, "hr")
        set_language(page, "en")
        main_menu(page, "Main menu").get_by_role("link", name="Training", exact=True).click()
        journey.check()

    with journey.step("new course"):
        page.get_by_role("navigation", name="Training").get_by_role("link", name="Courses").click()
        page.get_by_role("link", name="New course").click()
        fill_form(
            page,
            {
                "Code": "VHCV-01",
                "Title (Vietnamese)": "Văn hóa công vụ cho cán bộ một cửa",
                "Content group": "Public-service culture",
                "Planned duration (minutes)": "540",
                "Owner unit": "Sở Alpha",
                "Minimum attendance (%)": "30",
            },
        )
        journey.check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Changes saved.")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Văn hóa công vụ cho cán bộ một cửa")

    with journey.step("schedule a class"):
        page.get_by_role("link", name="Schedule a class").click()
        fill_form(
            page,
            {
                "Class code": "VHCV-01-2026",
                "Organising unit": "Sở Alpha",
                "Venue": "Hội trường Sở Alpha",
                "Capacity": "30",
                "Start date": "02/11/2026",
            },
        )
        end_date = page.get_by_label("End date")
        end_date.press_sequentially("20112026")  # digit by digit: the slashes appear as one types
        expect(end_date).to_have_value("20/11/2026")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("VHCV-01-2026 – Văn hóa công vụ cho cán bộ một cửa")
        journey.check()

    for number, (date, topic) in enumerate(SESSIONS, 1):
        with journey.step(f"session {number}"):
            page.get_by_role("link", name="Add a session").click()
            fill_form(page, {"Date": date, "Start time": "08:00", "End time": "11:00", "Topic": topic})
            page.get_by_role("button", name="Save").click()
            expect(page.locator("main table").first.locator("tbody tr")).to_have_count(number)
    journey.check()

    with journey.step("open for registration"):
        page.get_by_role("button", name="Set to “Open for registration”").click()
        expect(page.locator("main dl.facts")).to_contain_text("Open for registration")

    with journey.step("nominate from excel"):
        page.get_by_role("link", name="Import nominations").click()
        page.get_by_label("Excel file (.xlsx)").set_input_files(nominations_xlsx())
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_text("3 people will be nominated.")).to_be_visible()
        journey.check(suffix="preview")
        page.get_by_role("button", name="Confirm import").click()
        expect(page.get_by_role("status")).to_contain_text("3 confirmed, 0 on the waitlist.")
        participants = page.locator("main table").nth(1).locator("tbody tr")
        expect(participants).to_have_count(3)
        journey.check()

    with journey.step("roll call first session"):
        page.get_by_role("button", name="Set to “In progress”").click()
        page.locator("main table").first.locator("tbody tr").first.get_by_role("link", name="Roll call").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Roll call: VHCV-01-2026")
        tap(roll_row(page, "Trần Thị Bình").get_by_text("Late"))
        roll_row(page, "Trần Thị Bình").get_by_label("Minutes").fill("150")
        tap(roll_row(page, "Nguyễn Văn Hải").get_by_text("Unexcused absence"))
        expect(roll_row(page, "Nguyễn Văn Hải").get_by_label("Minutes")).to_have_value("0")
        expect(roll_row(page, "Nguyễn Văn An").get_by_label("Minutes")).to_have_value("180")
        journey.check()
        page.get_by_role("button", name="Save the roll call").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Attendance saved: 1 present, 1 late, 0 left early, 0 excused, 1 unexcused."
        )

    with journey.step("close the class"):
        page.get_by_role("link", name="Close the class").click()
        # 30 % attendance and a score of at least 5/10 (the default pass mark) are needed.
        page.get_by_role("row", name=re.compile("Nguyễn Văn An")).get_by_label("Score").fill("8")
        page.get_by_role("row", name=re.compile("Trần Thị Bình")).get_by_label("Score").fill("7")
        journey.check(suffix="scores")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Close the class").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Class closed: 1 completed, 1 not completed, 1 no-show; 1 certificates issued."
        )
        expect(page.locator("main dl.facts")).to_contain_text("Completed")
        journey.check()

    with journey.step("attendance matrix"):
        _, data = download(page, lambda: page.get_by_role("link", name="Attendance matrix (Excel)").click())
        rows = [list(r) for r in open_workbook(data).worksheets[0].iter_rows(values_only=True)]
        assert rows[0] == [
            "Staff code",
            "Full name",
            "Unit",
            "03/11 08:00",
            "10/11 08:00",
            "17/11 08:00",
            "Attended minutes",
            "Planned minutes",
            "Completion %",
            "Absences",
        ]
        assert sorted(rows[1:]) == [
            ["A001", "Nguyễn Văn An", "Sở Alpha", "x", None, None, 180, 540, 33.3, 0],
            ["A002", "Trần Thị Bình", "Phòng Alpha-1", "M 150'", None, None, 150, 540, 27.8, 0],
            ["A003", "Nguyễn Văn Hải", "Phòng Alpha-1", "K 0'", None, None, 0, 540, 0, 1],
        ]
        journey.shot()
