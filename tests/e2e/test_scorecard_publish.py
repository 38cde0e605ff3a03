"""Journey: an administrator publishes the last ended quarter (Vietnamese interface). Publishing is a
background job: the run page first says it is waiting for a worker; a real django-tasks database worker
then runs the job (in this process, as tests/jobs does) and the page, which polls the run's status, turns
to "published" without a reload and offers the frozen scorecards, which show the figures of the live
scorecard table at the time of publishing."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections import services as inspection_services
from inspections.services import AnswerInput
from scorecards import services as scorecard_services
from scorecards.models import PublishedPeriod, ScorecardModel
from scorecards.periods import Period
from staff.access import system_actor
from tests.e2e.conftest import main_menu, tap
from tests.inspections.conftest import make_checklist
from tests.jobs.conftest import run_db_worker  # noqa: F401

pytestmark = pytest.mark.e2e

STATUS_URL = re.compile(r"/scorecards/publish/\d+/status/")


def last_ended_quarter() -> Period:
    today = timezone.localdate()
    return Period(today.year, quarter=(today.month - 1) // 3 + 1).previous()


@pytest.fixture
def period(e2e_cast):
    """The last ended quarter, with a scorecard model for its year and an approved service-culture
    inspection of Sở Alpha inside it (73.75 %)."""
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    period = last_ended_quarter()
    if not ScorecardModel.objects.filter(year=period.year).exists():
        latest = ScorecardModel.objects.order_by("-year").first()
        scorecard_services.scorecard_model_create(actor=users["admin"], year=period.year, copy_from=latest)
    plan = inspection_services.plan_create(
        actor=system_actor(), year=period.year, name="Kế hoạch kiểm tra", unit=tree["province"]
    )
    assignment = inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["alpha"],
        template_version=make_checklist(),
        due_date=period.end,
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
        actor=system_actor(),
        assignment=assignment,
        answers=answers,
        submit=True,
        inspected_on=period.start + dt.timedelta(days=14),
    )
    inspection_services.inspection_approve(actor=system_actor(), inspection=inspection)
    return period


def figures(page, unit):
    """The row of `unit` in the units table, as {column header: cell text}."""
    table = page.locator("main table").filter(has=page.get_by_role("columnheader", name="Tổng điểm"))
    row = table.locator("tbody tr", has=page.get_by_role("rowheader", name=unit, exact=True))
    expect(row).to_have_count(1)
    headers = [h.strip() for h in table.locator("thead th").all_text_contents()]  # hidden on a phone (cards)
    return dict(zip(headers, [c.strip() for c in row.locator("th, td").all_inner_texts()], strict=True))


def test_admin_publishes_a_quarter_and_follows_the_background_run(
    page,
    journey,
    period,
    login_as,
    run_db_worker,  # noqa: F811
):
    label = f"Quý {period.quarter}/{period.year}"

    with journey.step("live table of the quarter"):
        login_as(page, "admin")
        page.goto(f"/scorecards/table/?period={period.key}")
        expect(page.get_by_text("Số liệu trực tiếp: kỳ này chưa công bố")).to_be_visible()
        live = figures(page, "Sở Alpha")
        # Nobody worked there in that quarter (the cast's people start today), so capability is not scored
        # and service culture carries all 100 points: 73.75 % of a 90 % target → 81.94.
        assert (live["Số CBCCVC"], live["Tổng điểm"], live["Văn hóa công vụ, kỷ luật kỷ cương"]) == (
            "0",
            "81,94",
            "81,94",
        ), live
        journey.check()

    with journey.step("publishing screen"):
        main_menu(page, "Trình đơn chính").get_by_role("link", name="Bảng điểm đánh giá").click()
        tap(page.get_by_role("link", name="Mẫu bảng điểm và công bố"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Mẫu bảng điểm và công bố")
        form = page.locator("main form", has=page.get_by_role("heading", name="Công bố một kỳ"))
        form.get_by_label("Kỳ").fill(period.key)
        form.get_by_label("Ghi chú").fill("Công bố kết quả quý")
        journey.check()

    with journey.step("run waits for a worker"):
        # Hold the page's status polls while the worker runs below: they are answered when the test next
        # talks to the browser, so the worker and the live server never use the database at once.
        page.route(STATUS_URL, lambda route: route.continue_())
        tap(form.get_by_role("button", name="Công bố"))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Công bố: {label}")
        expect(page.locator("ul.messages")).to_contain_text(f"Đã bắt đầu công bố {label}")
        status = page.locator("main [role=status]").filter(has=page.locator("[data-field=status_label]"))
        expect(status).to_contain_text("Đang chờ")
        expect(status).to_contain_text("Đang chờ tiến trình nền…")
        see = page.get_by_role("link", name="Xem bảng điểm đã công bố")
        expect(see).to_be_hidden()
        assert not PublishedPeriod.objects.exists()  # nothing is published inside the request
        journey.check()

    with journey.step("worker publishes; the page follows"):
        page.wait_for_load_state("load")
        assert run_db_worker() == 1
        expect(status).to_contain_text("Đã công bố")
        expect(status).to_contain_text(f"Đã công bố {label}; bảng điểm của kỳ đã được cố định.")
        expect(see).to_be_visible()
        expect(see).to_be_focused()  # the script moves the focus to the way on
        journey.check()

    with journey.step("frozen scorecards"):
        tap(see)
        expect(page).to_have_url(re.compile(rf"/scorecards/publications/{period.key}/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Bảng điểm đã công bố: {label}")
        facts = page.locator("main dl.facts")
        expect(facts).to_contain_text("Công bố kết quả quý")
        frozen = figures(page, "Sở Alpha")
        for column in ("Tổng điểm", "Xếp loại", "Năng lực", "Văn hóa công vụ, kỷ luật kỷ cương", "Số CBCCVC"):
            assert frozen[column] == live[column], (column, frozen, live)
        journey.check()

    with journey.step("listed as published"):
        tap(page.get_by_role("link", name="Mẫu bảng điểm và công bố"))
        runs = page.locator("main table", has=page.get_by_role("columnheader", name="Thông báo"))
        run = runs.locator("tbody tr", has_text=period.key)
        expect(run).to_contain_text("Đã công bố")
        expect(run.get_by_role("link", name="Xem bảng điểm đã công bố")).to_be_visible()
        journey.check()

    publication = PublishedPeriod.objects.get()
    assert (publication.period, publication.note, publication.published_by.username) == (
        period.key,
        "Công bố kết quả quý",
        "admin",
    )
