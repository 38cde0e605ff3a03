"""Checklists read naturally: answer sets per item kind, the item's English only in the English
interface (headings translated there), and one dd/mm/yyyy date input."""

import datetime as dt
import re

from django.conf import settings
from django.urls import reverse

from core.widgets import DateInput
from inspections.models import Inspection
from inspections.services import AnswerInput
from tests.inspections.conftest import GOOD_ANSWERS, fill


def _labels(html: str, code: str) -> list[str]:
    block = html.split(f'id="item-{code}"')[1].split("</fieldset>")[0]
    return re.findall(r'<input type="radio" name="a-' + code + r'" value="[^"]+"[^>]*><span>([^<]+)</span>', block)


def test_a_prohibition_is_answered_met_or_not_met_and_the_scale_has_words(login, assignment, team):
    html = login(team["lead"]).get(reverse("inspections:fill", args=[assignment.pk])).content.decode()
    assert _labels(html, "I1") == ["Có", "Không", "Không áp dụng"]  # "Đeo thẻ"
    assert _labels(html, "I2") == ["Đạt", "Không đạt", "Không áp dụng"]  # "Không uống rượu"
    assert _labels(html, "I3") == [
        "0 – Không thực hiện",
        "1 – Yếu",
        "2 – Trung bình",
        "3 – Khá",
        "4 – Tốt",
        "Không áp dụng",
    ]


def test_the_detail_page_uses_the_same_words(login, assignment, team):
    answers = [AnswerInput("I1", "yes"), AnswerInput("I2", "no"), AnswerInput("I3", "3"), *GOOD_ANSWERS[3:]]
    inspection = fill(assignment, answers)
    html = login(team["lead"]).get(reverse("inspections:inspection-detail", args=[inspection.pk])).content.decode()
    rows = {
        code: re.sub(r"<[^>]+>", " ", row)
        for code, row in re.findall(r"<tr>\s*<td>(I\d)</td>(.*?)</tr>", html, flags=re.S)
    }
    assert "Không đạt" in rows["I2"] and "Có" in rows["I1"] and "3 – Khá" in rows["I3"]


def test_english_text_only_in_the_english_interface(login, client, assignment, team):
    url = reverse("inspections:fill", args=[assignment.pk])
    vi = login(team["lead"]).get(url).content.decode()
    assert "Card worn" not in vi and "Attire" not in vi
    assert "Đeo thẻ" in vi and "Trang phục" in vi
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(url).content.decode()
    assert "Card worn" in en and '<h2 id="section-S1">Attire</h2>' in en
    assert "Đeo thẻ" not in en and "Trang phục" not in en
    assert _labels(en, "I2") == ["Met", "Not met", "Not applicable"]


def test_the_inspection_date_is_one_dd_mm_yyyy_text_input(login, assignment, team):
    client = login(team["member"])
    url = reverse("inspections:fill", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert 'type="date"' not in html
    assert re.search(r'<input type="text" name="inspected_on" value="" placeholder="dd/mm/yyyy"', html)
    assert client.post(url, {"a-I1": "yes", "inspected_on": "04/05/2026", "action": "save"}).status_code == 302
    assert Inspection.objects.get().inspected_on == dt.date(2026, 5, 4)
    again = client.get(url).content.decode()
    assert 'name="inspected_on" value="04/05/2026"' in again


def test_the_shared_date_widget_is_text_in_dd_mm_yyyy():
    html = DateInput().render("start_date", dt.date(2026, 12, 4))
    assert 'type="text"' in html and 'value="04/12/2026"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html and "data-date-input" in html
    assert 'pattern="\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{2}-\\d{2}"' in html


def test_no_page_form_uses_the_browsers_date_picker(login, cast):
    client = login(cast["admin"])
    for url in (
        reverse("inspections:inspection-list"),
        reverse("inspections:action-list"),
        reverse("training:class-list"),
        reverse("training:hours"),
    ):
        html = client.get(url).content.decode()
        assert 'type="date"' not in html, url
