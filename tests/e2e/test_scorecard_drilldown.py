"""Journey: a unit head goes from the dashboard card to the scorecard it summarises (the same figure, for
the same published period) and opens three figures: each list holds as many records as the figure says."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from inspections import services as inspection_services
from inspections.services import AnswerInput
from scorecards import services as scorecard_services
from scorecards.periods import Period
from staff.access import system_actor
from tests.e2e.conftest import ensure_default_scorecard_model, tap
from tests.inspections.conftest import make_checklist

pytestmark = pytest.mark.e2e

CULTURE = "Điểm kiểm tra văn hóa công vụ"
ACTIONS = "Tỷ lệ biện pháp khắc phục hoàn thành đúng hạn"


@pytest.fixture
def published_quarter(e2e_cast):
    """Q3 2026 of Sở Alpha, published: an inspector's service-culture inspection on 15/09/2026 at 73.75 %
    (I1 failed), two corrective actions due 30/09/2026, one done on 20/09 (on time), one still open."""
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    ensure_default_scorecard_model(2026)
    plan = inspection_services.plan_create(actor=system_actor(), year=2026, name="Kế hoạch 2026", unit=tree["province"])
    assignment = inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["alpha"],
        template_version=make_checklist(),
        due_date=dt.date(2026, 9, 30),
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
        actor=system_actor(), assignment=assignment, answers=answers, submit=True, inspected_on=dt.date(2026, 9, 15)
    )
    inspection = inspection_services.inspection_approve(actor=system_actor(), inspection=inspection)
    finding = inspection.findings.get()
    on_time, _open = (
        inspection_services.action_create(
            actor=system_actor(), finding=finding, description=text, due_date=dt.date(2026, 9, 30)
        )
        for text in ("Nhắc đeo thẻ", "Kiểm tra lại")
    )
    with time_machine.travel(dt.datetime(2026, 9, 20, 3, 0, tzinfo=dt.UTC), tick=False):
        inspection_services.action_update_progress(actor=system_actor(), action=on_time, status="done", note="Xong")
    scorecard_services.period_publish(actor=system_actor(), period=Period(2026, quarter=3))


def criterion_row(page, label):
    return page.locator("main table.scorecard tbody tr", has=page.get_by_role("rowheader", name=re.compile(label)))


def expect_records(page, n: int):
    expect(page.locator("main p.count")).to_have_text(f"{n} bản ghi")
    expect(page.locator("main table tbody tr")).to_have_count(n)


def test_unit_head_opens_three_figures_from_the_dashboard_card(page, journey, published_quarter, login_as):
    with journey.step("dashboard card"):
        login_as(page, "unit_head")
        card = page.locator("main a.tile", has_text="Bảng điểm đánh giá của Sở Alpha")
        expect(card).to_contain_text("đã công bố, Quý 3/2026")
        value = card.locator(".tile-value").inner_text()
        assert re.fullmatch(r"\d+,\d\d", value), value  # a decimal comma
        journey.check()

    with journey.step("scorecard of the card's period"):
        tap(card)
        expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điểm đánh giá: Sở Alpha · Quý 3/2026")
        headline = page.locator("main .tile.headline")
        expect(headline.locator("[data-headline]")).to_have_text(value)  # the card's figure
        expect(headline).to_contain_text("đã công bố, Quý 3/2026")
        expect(criterion_row(page, ACTIONS)).to_contain_text("1 ÷ 2 × 100 = 50,00 %")
        journey.check()

    with journey.step("the inspections a checklist score is the mean of"):
        tap(criterion_row(page, CULTURE).get_by_role("link", name="73,75"))
        expect(page).to_have_url(re.compile(r"/inspections/list/\?.*scored=true"))
        expect_records(page, 1)
        expect(page.locator("main table tbody tr")).to_contain_text("15/09/2026")
        journey.check()

    with journey.step("corrective actions closed on time (numerator)"):
        page.go_back()
        tap(criterion_row(page, ACTIONS).locator("a.figure-num"))
        expect(page).to_have_url(re.compile(r"/inspections/actions/\?.*on_time=true"))
        expect_records(page, 1)
        expect(page.locator("main table tbody tr")).to_contain_text("Nhắc đeo thẻ")
        journey.check()

    with journey.step("corrective actions due (denominator)"):
        page.go_back()
        tap(criterion_row(page, ACTIONS).locator("a.figure-den"))
        expect_records(page, 2)
        journey.check()
