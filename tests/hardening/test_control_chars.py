"""Issue 22 (1): a vertical tab pasted into a name (Word's Shift+Enter) broke every Excel export with
openpyxl's IllegalCharacterError, the audit export for good. Text is now cleaned where it enters, and the
Excel writer drops what a cell cannot hold, so even rows written around the models (SQL console) export."""

import io
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import ChecklistTemplate, Item, Section
from staff.models import Staff, Unit
from tests.inspections.conftest import make_checklist

VT_NAME = "Trần\u000bThị Tab"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def texts(data: bytes) -> set[str]:
    wb = load_workbook(io.BytesIO(data))
    return {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}


def export_urls(person, tree, version):
    return {
        "staff": (reverse("staff:staff-export"), {}),
        "hours": (reverse("training:hours-export"), {}),
        "person record": (reverse("training:person-record-xlsx", args=[person.pk]), {}),
        "scorecard": (reverse("scorecards:export", args=[tree["alpha"].pk]), {"period": "2026-Q2"}),
        "audit log": (reverse("audit:log-export"), {}),
        "xlsform": (reverse("inspections:version-export", args=[version.pk]), {}),
    }


def assert_every_export_opens(client, urls, expected_name):
    found = {}
    for label, (url, params) in urls.items():
        response = client.get(url, params)
        assert response.status_code == 200, f"{label}: {response.status_code}"
        found[label] = texts(body(response))
    assert expected_name in found["staff"]
    assert any(expected_name in t for t in found["person record"])
    assert any(expected_name in t for t in found["audit log"])
    return found


def test_a_vertical_tab_posted_to_the_api_is_cleaned_and_every_export_still_opens(api, login, cast, tree, people):
    response = api(cast["admin"]).post(
        "/api/v1/staff/",
        {"staff_code": "VT1", "full_name": VT_NAME, "unit": tree["alpha"].pk, "category": "vien_chuc"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["full_name"] == "Trần Thị Tab"
    person = Staff.objects.get(staff_code="VT1")
    assert person.full_name == "Trần Thị Tab" and person.history.get().full_name == "Trần Thị Tab"
    version = make_checklist(code="VT-TPL")
    assert_every_export_opens(login(cast["admin"]), export_urls(person, tree, version), "Trần Thị Tab")


@pytest.mark.django_db(transaction=True)
def test_text_written_around_the_models_cannot_break_an_export(login, cast, tree, people):
    person = people["an"]
    Staff.objects.filter(pk=person.pk).update(full_name="Trần\u000bThị\x01 Tab")
    person.history.model.objects.filter(id=person.pk).update(
        full_name="Trần\u000bThị\x01 Tab", history_change_reason="a\x0cb"
    )
    Unit.objects.filter(pk=tree["alpha"].pk).update(name="Sở\x0b Alpha")
    version = make_checklist(code="VT-RAW")
    ChecklistTemplate.objects.filter(pk=version.template_id).update(name_vi="Bộ\x0bcâu hỏi")
    Section.objects.filter(version=version).update(title_vi="Phần\x0b1")
    Item.objects.filter(version=version).update(text_vi="Câu\x0bhỏi")
    found = assert_every_export_opens(login(cast["admin"]), export_urls(person, tree, version), "TrầnThị Tab")
    assert "Sở Alpha" in found["scorecard"]
    assert "Câuhỏi" in found["xlsform"] and "Phần1" in found["xlsform"]


def test_a_name_typed_in_nfd_is_found_by_an_nfc_search(api, cast, tree):
    nfd = unicodedata.normalize("NFD", "Phạm Thị Hường")
    response = api(cast["admin"]).post(
        "/api/v1/staff/",
        {"staff_code": "NFD1", "full_name": nfd, "unit": tree["alpha"].pk, "category": "vien_chuc"},
        format="json",
    )
    assert response.status_code == 201
    assert Staff.objects.get(staff_code="NFD1").full_name == unicodedata.normalize("NFC", nfd)
    for query in ("Phạm Thị Hường", nfd, "huong"):
        found = api(cast["admin"]).get("/api/v1/staff/", {"q": query}).json()["results"]
        assert [r["staff_code"] for r in found] == ["NFD1"], query
