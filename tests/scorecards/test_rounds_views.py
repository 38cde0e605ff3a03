"""The journey on screen: the unit head fills and submits, the appraiser adjusts with a reason, both see
the difference, the Excel file has Vietnamese sheet names; another unit's pages are 404; indicators
are imported on screen all or nothing; reminders reach the unit head before the deadline."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from notifications.models import Notification
from notifications.services import reminders_send
from scorecards.models import AssessmentStatus, IndicatorValue, UnitAssessment
from tests.scorecards.test_indicators import sheet
from tests.scorecards.test_rounds import LINK, appraiser, cchc  # noqa: F401


def test_the_journey_on_screen(cchc, cast, tree, appraiser, login, client):  # noqa: F811
    url = f"/scorecards/rounds/{cchc.pk}/units/{tree['alpha'].pk}/"
    head = login(cast["unit_head"])
    page = head.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Công tác chỉ đạo, điều hành CCHC (tự đánh giá)" in html and "Nộp bản tự đánh giá" in html

    missing = head.post(url, {"step": "submit", "self_value-cchc_direction": "88"})
    assert missing.status_code == 400
    assert "Hãy cho điểm và minh chứng (tệp hoặc đường dẫn) cho" in missing.content.decode()

    done = head.post(
        url,
        {
            "step": "submit",
            "self_value-cchc_direction": "88",
            "explanation-cchc_direction": "Có kế hoạch",
            "evidence_link-cchc_direction": LINK,
        },
    )
    assert done.status_code == 302
    assert UnitAssessment.objects.get(round=cchc, unit=tree["alpha"]).status == AssessmentStatus.SUBMITTED

    client.logout()
    judge = login(appraiser)
    keys = [c.key for c in UnitAssessment.objects.get(round=cchc, unit=tree["alpha"]).criteria.all()]
    form = {"step": "appraise", **{f"decision-{k}": "accepted" for k in keys}}
    form.update({"decision-cchc_direction": "adjusted", "appraised_value-cchc_direction": "80"})
    refused = judge.post(url, form)
    assert refused.status_code == 400
    assert "điều chỉnh phải có lý do" in refused.content.decode()
    form["reason-cchc_direction"] = "Thiếu minh chứng kiểm tra"
    assert judge.post(url, form).status_code == 302

    client.logout()
    seen = login(cast["unit_head"]).get(url).content.decode()
    assert "Thiếu minh chứng kiểm tra" in seen and "-8,00" in seen

    export = login(cast["unit_head"]).get(url + "export.xlsx")
    workbook = load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames == ["Tự đánh giá và thẩm định", "Tóm tắt"]
    rows = {r[0]: r for r in workbook["Tự đánh giá và thẩm định"].iter_rows(min_row=2, values_only=True)}
    row = rows["Công tác chỉ đạo, điều hành CCHC (tự đánh giá)"]
    assert (row[4], row[7], row[8], row[9], row[10]) == (88, "Điều chỉnh", 80, -8, "Thiếu minh chứng kiểm tra")


def test_another_units_pages_are_404(cchc, cast, tree, login):  # noqa: F811
    head = login(cast["unit_head"])
    url = f"/scorecards/rounds/{cchc.pk}/units/{tree['beta'].pk}/"
    assert head.get(url).status_code == 404
    assert head.post(url, {"step": "submit"}).status_code == 404
    assert head.get(url + "export.xlsx").status_code == 404
    assert login(cast["member"]).get("/scorecards/rounds/").status_code == 404
    assert login(cast["member"]).get("/scorecards/indicators/").status_code == 404


def test_the_round_list_shows_the_unit_its_own_units_only(cchc, cast, tree, login):  # noqa: F811
    html = login(cast["unit_head"]).get(f"/scorecards/rounds/{cchc.pk}/").content.decode()
    assert "Sở Alpha" in html and "Phòng Alpha-1" in html and "Sở Beta" not in html


def test_indicator_import_on_screen_is_all_or_nothing(cchc, appraiser, login):  # noqa: F811
    page = login(appraiser)
    bad = sheet([["ALPHA", "2026-Q3", "late_dossiers", 3, ""], ["ALPHA", "2026-Q3", "nope", 3, ""]])
    response = page.post("/scorecards/indicators/", {"file": io.BytesIO(bad)}, format="multipart")
    assert response.status_code == 400
    assert "Không có chỉ số “nope”" in response.content.decode()
    assert IndicatorValue.objects.filter(period="2026-Q3").count() == 0
    good = io.BytesIO(sheet([["ALPHA", "2026-Q3", "late_dossiers", 3, "TTHC"]]))
    good.name = "q3.xlsx"
    assert page.post("/scorecards/indicators/", {"file": good}).status_code == 302
    assert IndicatorValue.objects.get(period="2026-Q3").file_name == "q3.xlsx"


def test_reminders_reach_the_unit_head_before_the_deadline_until_submitted(cchc, cast):  # noqa: F811
    counts = reminders_send(today=dt.date(2026, 7, 29), only={"assessment_deadlines"})
    assert counts["assessment_deadlines"] == 1
    note = Notification.objects.get(recipient=cast["unit_head"])
    assert note.title == "Tự đánh giá kỳ 2026-Q2 hạn ngày 31/07/2026"
    assert reminders_send(today=dt.date(2026, 7, 29), only={"assessment_deadlines"})["assessment_deadlines"] == 0


@pytest.mark.parametrize("path", ["/scorecards/rounds/", "/scorecards/indicators/"])
def test_screens_answer_for_the_appraiser(cchc, appraiser, login, path):  # noqa: F811
    assert login(appraiser).get(path).status_code == 200
