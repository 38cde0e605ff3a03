"""Journey: self-assessment, then appraisal, then publication (Vietnamese interface). The unit head of
Sở Alpha scores the self-assessed CCHC criterion with a link as evidence and submits; the appraiser
(Sở Nội vụ) adjusts it with a reason and publishes the round; the unit head sees the self score, the
appraised score and the difference."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.permissions import Role
from scorecards import indicators, rounds
from scorecards import services as scorecard_services
from scorecards.models import PublishedPeriod, ScorecardModel
from scorecards.periods import Period
from staff.access import system_actor
from tests.e2e.conftest import tap
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.e2e

CRITERION = "Công tác chỉ đạo, điều hành CCHC (tự đánh giá)"


@pytest.fixture
def round_(e2e_cast):
    today = timezone.localdate()
    period = Period(today.year, quarter=(today.month - 1) // 3 + 1).previous()
    model = ScorecardModel.objects.filter(year__lte=period.year).order_by("-year").first()
    if model is None:  # a transactional test before this one may have emptied the table
        model = scorecard_services.scorecard_model_create(actor=system_actor(), year=period.year)
    indicators.scorecard_model_add_cchc(actor=system_actor(), model=model)
    appraiser = UserFactory(username="thamdinh", first_name="Vi Thị Thu")
    grant(appraiser, Role.APPRAISER, e2e_cast["tree"]["province"])
    return rounds.round_open(actor=appraiser, period=period, deadline=today + dt.timedelta(days=10))


def criterion(page):
    return page.locator("section.assessment-criterion", has=page.get_by_role("heading", name=CRITERION))


def test_unit_head_assesses_appraiser_adjusts_and_publishes(page, page_at, journey, round_, e2e_cast, login_as):
    alpha = e2e_cast["tree"]["alpha"]

    with journey.step("unit head opens the round"):
        login_as(page, "unit_head")
        page.goto("/scorecards/rounds/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Các đợt tự đánh giá và thẩm định")
        tap(page.get_by_role("link", name=round_.period))
        tap(page.get_by_role("link", name="Sở Alpha", exact=True))
        expect(page.get_by_role("heading", level=1)).to_have_text("Tự đánh giá: Sở Alpha")
        journey.check()

    with journey.step("unit head scores with evidence and submits"):
        box = criterion(page)
        box.get_by_label("Điểm tự chấm (0–100)").fill("85")
        box.get_by_label("Giải trình").fill("Ban hành kế hoạch CCHC, kiểm tra hằng quý")
        box.get_by_label("Đường dẫn minh chứng").fill("https://sonoivu.example.gov.vn/ke-hoach.pdf")
        tap(page.get_by_role("button", name="Nộp bản tự đánh giá"))
        expect(page.locator("ul.messages")).to_contain_text("Đã nộp bản tự đánh giá.")
        expect(page.locator("[data-status]").first).to_have_text("Đã nộp")
        expect(criterion(page).locator(".self-score")).to_have_text("85,00")
        journey.check()

    judge = page_at(journey.viewport)
    with journey.step("appraiser adjusts with a reason"):
        login_as(judge, "thamdinh")
        judge.goto(f"/scorecards/rounds/{round_.pk}/units/{alpha.pk}/")
        box = criterion(judge)
        box.get_by_label("Kết luận thẩm định").select_option("adjusted")
        box.get_by_label("Điểm thẩm định (nếu điều chỉnh)").fill("70")
        tap(judge.get_by_role("button", name="Lưu kết quả thẩm định"))
        expect(judge.locator("[role=alert]")).to_contain_text("điều chỉnh phải có lý do")
        criterion(judge).get_by_label("Kết luận thẩm định").select_option("adjusted")
        criterion(judge).get_by_label("Điểm thẩm định (nếu điều chỉnh)").fill("70")
        criterion(judge).get_by_label("Lý do điều chỉnh").fill("Chưa có minh chứng kiểm tra hằng quý")
        tap(judge.get_by_role("button", name="Lưu kết quả thẩm định"))
        expect(judge.locator("ul.messages")).to_contain_text("Đã lưu kết quả thẩm định.")
        expect(criterion(judge).locator(".difference")).to_have_text("-15,00")
        journey.check(judge)

    with journey.step("appraiser publishes the round"):
        judge.goto(f"/scorecards/rounds/{round_.pk}/")
        tap(judge.get_by_role("button", name="Công bố đợt đánh giá"))
        expect(judge.locator("ul.messages")).to_contain_text(f"Đợt đánh giá đã được công bố thành kỳ {round_.period}.")
        assert PublishedPeriod.objects.filter(period=round_.period).exists()
        journey.check(judge)

    with journey.step("unit head sees the difference"):
        page.reload()
        box = criterion(page)
        expect(box.locator(".self-score")).to_have_text("85,00")
        expect(box.locator(".appraised-score")).to_have_text("70,00")
        expect(box.locator(".difference")).to_have_text("-15,00")
        expect(box).to_contain_text("Chưa có minh chứng kiểm tra hằng quý")
        journey.check()
