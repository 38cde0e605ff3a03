"""Journey: the lead inspector opens the corrective-actions register (Vietnamese interface), sees which
action is overdue, keeps only the overdue ones with the filter and exports exactly those rows to Excel."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections import services as inspection_services
from inspections.services import AnswerInput
from staff.access import system_actor
from tests.e2e.conftest import download, main_menu, open_workbook, tap
from tests.inspections.conftest import make_checklist

pytestmark = pytest.mark.e2e

OVERDUE = "Niêm yết lại lịch tiếp công dân tại bộ phận một cửa"
UPCOMING = "Tập huấn quy tắc ứng xử cho công chức một cửa"
DONE_LATE = "Nhắc nhở công chức đeo thẻ khi tiếp dân"


@pytest.fixture
def actions(e2e_cast):
    """An approved inspection of Văn phòng xã Gamma whose failed item I1 has three corrective actions,
    due relative to today: one open and past due (overdue), one open and due later, one done."""
    tree, users, people = e2e_cast["tree"], e2e_cast["users"], e2e_cast["people"]
    today = timezone.localdate()
    plan = inspection_services.plan_create(
        actor=system_actor(), year=today.year, name="Kế hoạch kiểm tra", unit=tree["province"]
    )
    assignment = inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=make_checklist(),
        due_date=today + dt.timedelta(days=30),
        lead=users["inspector"],
        members=[],
        announced=True,
    )
    answers = [
        AnswerInput("I1", "no", note="Không niêm yết lịch tiếp dân"),
        AnswerInput("I2", "yes"),
        AnswerInput("I3", "3"),
        AnswerInput("I4", "80"),
        AnswerInput("I5", "7"),
    ]
    inspection = inspection_services.inspection_save(
        actor=system_actor(),
        assignment=assignment,
        answers=answers,
        submit=True,
        inspected_on=today - dt.timedelta(days=40),
    )
    finding = inspection_services.inspection_approve(actor=system_actor(), inspection=inspection).findings.get()
    overdue = inspection_services.action_create(
        actor=system_actor(),
        finding=finding,
        description=OVERDUE,
        due_date=today - dt.timedelta(days=10),
        responsible_person=people["dung"],
    )
    inspection_services.action_create(
        actor=system_actor(), finding=finding, description=UPCOMING, due_date=today + dt.timedelta(days=20)
    )
    done = inspection_services.action_create(
        actor=system_actor(), finding=finding, description=DONE_LATE, due_date=today - dt.timedelta(days=20)
    )
    inspection_services.action_update_progress(actor=system_actor(), action=done, status="done", note="Đã nhắc nhở")
    return {"overdue": overdue, "today": today}


def rows(page):
    return page.locator("main table tbody tr")


def row(page, text):
    return page.locator("main table tbody tr", has_text=text)


def test_lead_filters_overdue_actions_and_exports_them(page, journey, actions, login_as):
    due = (actions["today"] - dt.timedelta(days=10)).strftime("%d/%m/%Y")

    with journey.step("register"):
        login_as(page, "inspector")
        main_menu(page, "Trình đơn chính").get_by_role("link", name="Kiểm tra công vụ").click()
        page.get_by_role("navigation", name="Kiểm tra công vụ").get_by_role("link", name="Biện pháp khắc phục").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Biện pháp khắc phục")
        expect(rows(page)).to_have_count(3)
        late = row(page, OVERDUE)
        expect(late).to_contain_text(due)
        expect(late).to_contain_text("Hoàng Đức Dũng")
        expect(late.locator(".badge", has_text="Quá hạn")).to_be_visible()
        expect(late.locator("td.date.overdue")).to_have_text(due)  # the due date itself is marked
        for other in (UPCOMING, DONE_LATE):  # due later, or done (even if after its date): not overdue
            expect(row(page, other).get_by_text("Quá hạn")).to_have_count(0)
        journey.check()

    with journey.step("only overdue"):
        page.get_by_label("Quá hạn").select_option("true")
        tap(page.get_by_role("button", name="Lọc"))
        expect(page).to_have_url(re.compile(r"[?&]overdue=true"))
        expect(rows(page)).to_have_count(1)
        expect(rows(page)).to_contain_text(OVERDUE)
        expect(page.get_by_label("Quá hạn")).to_have_value("true")  # the filter stays as chosen
        journey.check()

    with journey.step("excel of the filtered rows"):
        filename, data = download(page, lambda: tap(page.get_by_role("link", name="Xuất Excel")))
        assert filename == f"bien-phap-khac-phuc-{actions['today']:%Y%m%d}.xlsx"
        sheet = open_workbook(data).worksheets[0]
        header, *body = list(sheet.iter_rows(values_only=True))
        columns = {name: index for index, name in enumerate(header)}
        assert len(body) == 1, body
        (record,) = body
        assert record[columns["Biện pháp khắc phục"]] == OVERDUE
        assert record[columns["Người chịu trách nhiệm"]] == "Hoàng Đức Dũng"
        assert record[columns["Thời hạn"]].date() == actions["today"] - dt.timedelta(days=10)
        assert record[columns["Quá hạn"]] == "có"
        assert record[columns["Đơn vị được kiểm tra"]] == "Văn phòng xã Gamma"
        journey.shot()
