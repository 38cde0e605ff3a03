"""Screens, charts, Excel, API and the command, on the records of conftest.py (Q2 2026)."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from core.charts import data_key
from inspections import services as inspection_services
from inspections.models import Inspection
from inspections.services import AnswerInput
from scorecards import charts, services
from scorecards.models import Criterion, PublishedPeriod, ScorecardModel
from scorecards.periods import Period
from staff.access import system_actor

Q2 = {"period": "2026-Q2"}
# + one count of the inspections each checklist score is the mean of (this period and the previous)
# + the appraiser's adjustments of the round (scorecards.kinds.apply_appraisals), this period and the previous
QUERIES_TABLE = 29  # attendance marks: one query per period (was two)
# The province's previous period is the province's summary (its subtree is the province: no `within` query).
QUERIES_API = 27


def test_unit_head_lands_on_their_unit_and_sees_every_criterion(login, cast, tree, records):
    client = login(cast["unit_head"])
    response = client.get(reverse("scorecards:home"), Q2)
    assert response.status_code == 302
    assert response["Location"] == reverse("scorecards:unit", args=[tree["alpha"].pk]) + "?period=2026-Q2"
    response = client.get(response["Location"])
    score = response.context["score"]
    assert round(score.total, 2) == 74.07
    assert [r["c"].key for r in response.context["capability"]] == ["hours", "mandatory", "attendance", "certificates"]
    assert [s.unit.code for s in response.context["children"]] == ["ALPHA-1"]
    html = response.content.decode()
    assert "74,07" in html  # Vietnamese decimal comma
    assert "Hoàn thành tốt nhiệm vụ" in html  # band
    assert "không có dữ liệu" in html  # discipline and actions have no data
    assert "13,33" in html  # redistributed weight shown beside the original 10


def test_administrator_lands_on_the_province(login, cast, tree, records):
    response = login(cast["admin"]).get(reverse("scorecards:home"))
    assert response["Location"].startswith(reverse("scorecards:unit", args=[tree["province"].pk]))


def test_unit_outside_scope_is_not_found_on_every_endpoint(login, api, cast, tree, records):
    client = login(cast["unit_head"])
    beta = tree["beta"].pk
    for url in (
        reverse("scorecards:unit", args=[beta]),
        reverse("scorecards:export", args=[beta]),
        reverse("scorecards:chart", args=[beta, "trend", "svg"]),
    ):
        assert client.get(url, Q2).status_code == 404, url
    assert api(cast["unit_head"]).get("/api/v1/scorecards/", {"unit": beta, **Q2}).status_code == 404
    assert api(cast["unit_head"]).get(f"/api/v1/scorecards/{beta}/charts/peers.png/", Q2).status_code == 404


def test_province_table_lists_only_units_in_scope_sorted_by_score(login, cast, tree, records):
    response = login(cast["unit_head"]).get(reverse("scorecards:table"), Q2)
    assert [s.unit.code for s in response.context["rows"]] == ["ALPHA", "ALPHA-1"]
    response = login(cast["admin"]).get(reverse("scorecards:table"), {**Q2, "kind": "department"})
    assert [(s.unit.code, s.rank) for s in response.context["rows"]] == [("ALPHA", 1), ("BETA", 2)]


def test_png_chart_decodes_and_is_cached_until_its_data_change(login, cast, tree, records):
    client = login(cast["admin"])
    url = reverse("scorecards:chart", args=[tree["gamma_office"].pk, "criteria", "png"])
    response = client.get(url, Q2)
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (750, 480)  # 7.5 in × (0.45 × 8 + 1.2) in at 100 dpi
    page = client.get(reverse("scorecards:unit", args=[tree["gamma_office"].pk]), Q2)
    data = page.context["chart_criteria"]
    key = data_key("scorecards:criteria", {"data": data, "fmt": "png"})
    assert cache.get(key) == response.content
    inspection_services.inspection_amend(
        actor=system_actor(), inspection=records["inspection"], reason="Sửa", answers=[AnswerInput("I1", "yes")]
    )
    changed = client.get(reverse("scorecards:unit", args=[tree["gamma_office"].pk]), Q2).context["chart_criteria"]
    assert data_key("scorecards:criteria", {"data": changed, "fmt": "png"}) != key
    assert client.get(url, Q2).content != response.content


def test_svg_charts_for_trend_and_peers(login, cast, tree, records):
    client = login(cast["unit_head"])
    for name in ("trend", "peers"):
        response = client.get(reverse("scorecards:chart", args=[tree["alpha"].pk, name, "svg"]), Q2)
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.lstrip().startswith(b"<?xml")
        assert b"<svg" in response.content


def test_peers_outside_scope_keep_their_bar_but_not_their_name(login, cast, tree, records):
    page = login(cast["unit_head"]).get(reverse("scorecards:unit", args=[tree["alpha"].pk]), Q2)
    assert [row[1] for row in page.context["chart_peers"]["rows"]] == ["Sở Alpha", "Đơn vị khác"]


def test_excel_export_has_summary_criteria_sheets_and_chart_images(login, cast, tree, records):
    response = login(cast["unit_head"]).get(reverse("scorecards:export", args=[tree["alpha"].pk]), Q2)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:3] == ["Tổng hợp", "Đơn vị trực thuộc", "Từng đơn vị"]
    assert wb.sheetnames[3:11] == [
        "1. Tỷ lệ công chức đạt số giờ…",
        "2. Tỷ lệ hoàn thành khóa bồi…",
        "3. Tỷ lệ chuyên cần",
        "4. Tỷ lệ đạt chứng chỉ",
        "5. Điểm kiểm tra văn hóa công…",
        "6. Điểm kiểm tra kỷ luật, kỷ…",
        "7. Tỷ lệ biện pháp khắc phục…",
        "8. Tỷ lệ tự kiểm tra nộp đúng…",
    ]
    summary = wb["Tổng hợp"]
    facts = {row[0]: row[1] for row in summary.iter_rows(min_row=1, max_row=11, max_col=2, values_only=True)}
    assert facts["Tổng điểm"] == 74.07
    assert facts["Xếp loại"] == "Hoàn thành tốt nhiệm vụ"
    table = list(summary.iter_rows(min_row=13, max_row=21, values_only=True))
    assert table[0][:7] == (
        "Nhóm tiêu chí",
        "Tiêu chí",
        "Giá trị (%)",
        "Chỉ tiêu (%)",
        "Trọng số",
        "Trọng số thực tế",
        "Điểm",
    )
    assert table[3][1:7] == ("Tỷ lệ chuyên cần", 83.33, 95.0, 10.0, 13.33, 11.7)
    assert table[6][2] == "không có dữ liệu"
    per_unit = list(wb["Từng đơn vị"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3], r[6]) for r in per_unit] == [("ALPHA", 2, 74.07, 83.33), ("ALPHA-1", 1, 14.04, 66.67)]
    # The records behind each criterion: the people and their hours, the enrollments, the inspections.
    hours = list(wb["1. Tỷ lệ công chức đạt số giờ…"].iter_rows(min_row=3, values_only=True))
    # Bình did not complete the class, so none of its minutes count towards the yearly hours.
    assert [(r[0], r[3], r[4], r[6]) for r in hours] == [("A001", 720, 540, "có"), ("A002", 0, 540, "không")]
    # Attendance: one mark per person and session (3 sessions × An, Bình), Bình absent on 02/06 → 5 of 6.
    marks = list(wb["3. Tỷ lệ chuyên cần"].iter_rows(min_row=3, values_only=True))
    # Labels, not codes; and the same explanation as the page.
    assert sorted((r[3], r[0].day, r[6], r[8]) for r in marks) == [
        ("A001", 1, "Có mặt", "có"),
        ("A001", 2, "Có mặt", "có"),
        ("A001", 3, "Có mặt", "có"),
        ("A002", 1, "Có mặt", "có"),
        ("A002", 2, "Vắng không phép", "không"),
        ("A002", 3, "Có mặt", "có"),
    ]
    assert table[3][12] == (
        "5 lượt điểm danh có mặt, đi muộn hoặc về sớm ÷ 6 lượt điểm danh của các buổi học đã diễn ra × 100 = 83,33 %"
    )
    inspections = list(wb["5. Điểm kiểm tra văn hóa công…"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[3], r[4]) for r in inspections] == [("ALPHA", "có", 100.0)]
    assert wb["8. Tỷ lệ tự kiểm tra nộp đúng…"]["D3"].value.date().isoformat() == "2026-06-29"
    images = wb["Biểu đồ"]._images
    assert len(images) == 3
    first = Image.open(io.BytesIO(images[0]._data()))
    assert first.format == "PNG" and first.size[0] == 750


def test_api_returns_the_scorecard_with_criteria_and_sub_units(api, cast, tree, records):
    response = api(cast["unit_head"]).get("/api/v1/scorecards/", {"unit": tree["alpha"].pk, **Q2})
    assert response.status_code == 200
    body = response.json()
    assert (body["unit_code"], body["period"], body["total"], body["band"]) == ("ALPHA", "2026-Q2", 74.07, "good")
    by_key = {c["key"]: c for c in body["criteria"]}
    assert (
        by_key["attendance"]["value"],
        by_key["attendance"]["weight"],
        by_key["attendance"]["effective_weight"],
    ) == (83.33, 10.0, 13.33)
    assert by_key["discipline"]["has_data"] is False
    assert [s["unit_code"] for s in body["sub_units"]] == ["ALPHA-1"]
    assert body["sub_units"][0]["total"] == 14.04
    assert body["charts"]["criteria_png"].endswith(
        f"/api/v1/scorecards/{tree['alpha'].pk}/charts/criteria.png/?period=2026-Q2"
    )
    image = api(cast["unit_head"]).get(f"/api/v1/scorecards/{tree['alpha'].pk}/charts/criteria.png/", Q2)
    assert Image.open(io.BytesIO(image.content)).format == "PNG"


def test_api_rejects_a_malformed_period(api, cast, tree, records):
    response = api(cast["unit_head"]).get("/api/v1/scorecards/", {"unit": tree["alpha"].pk, "period": "2026-Q5"})
    assert response.status_code == 400
    assert "period" in response.json()


def test_command_prints_json_for_a_unit(tree, records, capsys):
    call_command("scorecard", "--period", "2026-Q2", "--unit", "ALPHA", "--format", "json")
    body = json.loads(capsys.readouterr().out)
    assert [(u["unit_code"], u["total"]) for u in body["units"]] == [("ALPHA", 74.07), ("ALPHA-1", 14.04)]
    assert [c["key"] for c in body["criteria"]][:2] == ["hours", "mandatory"]


def test_command_prints_a_table(tree, records, capsys):
    call_command("scorecard", "--period", "2026-Q2")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Quý 2/2026 (live)"
    assert lines[2].startswith("ALPHA ") and "74.07" in lines[2]


def test_administrator_edits_the_model_as_data(login, cast, records, tree):
    client = login(cast["admin"])
    page = client.get(reverse("scorecards:model-edit", args=[2026]))
    formset = page.context["formset"]
    data = {
        "name": "Bảng điểm 2026",
        "legal_basis": "NĐ 335/2025",
        "excellent_min": "90",
        "good_min": "70",
        "satisfactory_min": "50",
        "criteria-TOTAL_FORMS": str(len(formset.forms)),
        "criteria-INITIAL_FORMS": "8",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(formset.forms):
        for name in ("key", "pillar", "label_vi", "label_en", "formula", "direction", "weight", "target", "order"):
            value = form.initial.get(name, "")
            data[f"criteria-{i}-{name}"] = "" if value is None else str(value)
    data["criteria-0-target"] = "50"  # hours: target 90 → 50
    data["criteria-7-DELETE"] = "on"  # drop self-inspections
    response = client.post(reverse("scorecards:model-edit", args=[2026]), data)
    assert response.status_code == 302
    model = ScorecardModel.objects.get(year=2026)
    assert model.name == "Bảng điểm 2026"
    assert list(Criterion.objects.filter(scorecard_model=model).values_list("key", flat=True)) == [
        "hours",
        "mandatory",
        "attendance",
        "certificates",
        "service_culture",
        "discipline",
        "actions",
    ]
    page = client.get(reverse("scorecards:unit", args=[tree["alpha"].pk]), Q2)
    # hours: 50 % against the new target 50 → full marks; weights with data 65 of 90 → 15 × 90 / 65.
    assert round(page.context["score"].criterion("hours").points, 4) == round(15 * 90 / 65, 4)


def test_model_edit_refuses_unordered_bands(cast, records):
    import pytest
    from django.core.exceptions import ValidationError

    model = ScorecardModel.objects.get(year=2026)
    with pytest.raises(ValidationError) as error:
        services.scorecard_model_update(
            actor=cast["admin"], model=model, name="x", excellent_min=60, good_min=70, satisfactory_min=50, criteria=[]
        )
    assert set(error.value.message_dict) == {"excellent_min", "criteria"}


def test_unit_head_cannot_edit_models_or_publish(login, cast, records):
    client = login(cast["unit_head"])
    assert client.get(reverse("scorecards:model-edit", args=[2026])).status_code == 404
    assert client.post(reverse("scorecards:publish"), {"period": "2026-Q2"}).status_code == 404
    assert not PublishedPeriod.objects.exists()


def test_administrator_publishes_and_the_page_shows_frozen_figures_and_corrections(
    login, cast, tree, records, run_db_worker, django_capture_on_commit_callbacks
):
    client = login(cast["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scorecards:publish"), {"period": "2026-Q2", "note": "Quý 2"})
    assert response.status_code == 302
    assert run_db_worker() == 1  # publishing runs in the background (see test_publishing.py)
    inspection_services.inspection_amend(
        actor=system_actor(), inspection=records["inspection"], reason="Sửa", answers=[AnswerInput("I1", "yes")]
    )
    page = client.get(reverse("scorecards:unit", args=[tree["gamma_office"].pk]), Q2)
    assert round(page.context["score"].total, 2) == 45.14
    assert [(d["published"], d["now"]) for d in page.context["differences"]][0] == (45.14, 51.39)
    assert "Số liệu đã sửa sau khi công bố" in page.content.decode()
    assert Period.parse("2026-Q2") == Period(2026, quarter=2)


def test_dashboard_card_shows_the_latest_published_score(login, cast, tree, records):
    services.period_publish(actor=cast["admin"], period=Period(2026, quarter=2))
    response = login(cast["unit_head"]).get(reverse("dashboard"))
    titles = {c["title"]: c for c in response.context["cards"]}
    card = titles["Bảng điểm đánh giá của Sở Alpha"]
    assert card["value"] == "74,07"  # the page's headline for that period, decimal comma
    page = login(cast["unit_head"]).get(card["url"]).content.decode()
    assert "data-headline>74,07<" in page and "đã công bố" in page
    assert charts.CHARTS == ("criteria", "trend", "peers")


def test_figures_link_to_the_records_behind_them(login, cast, tree, records):
    client = login(cast["unit_head"])
    page = client.get(reverse("scorecards:unit", args=[tree["alpha"].pk]), Q2)
    rows = {r["c"].key: r for r in page.context["capability"] + page.context["service_culture"]}
    hours = rows["hours"]["links"]
    alpha = tree["alpha"].pk
    member = f"member_unit={alpha}&member_start=2026-04-01&member_end=2026-06-30"
    assert hours["denominator"]["url"] == f"/training/hours/?{member}&year=2026"
    assert hours["numerator"]["url"] == f"/training/hours/?{member}&year=2026&status=met"
    response = client.get(hours["denominator"]["url"])
    html = response.content.decode()
    assert "Trần Thị Bình" in html and "Nguyễn Văn An" in html and "Lê Văn Cường" not in html
    # 1 of 2 people meet the hours: the value is exactly the two counts, and each opens its records.
    c = rows["hours"]["c"]
    assert (c.numerator, c.denominator, round(c.value, 2)) == (1, 2, 50.0)
    assert rows["hours"]["explain"]["value"] == "1 ÷ 2 × 100 = 50,00 %"
    mandatory = rows["mandatory"]["links"]
    response = client.get(mandatory["denominator"]["url"])
    assert [e.staff.full_name for e in response.context["object_list"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    response = client.get(mandatory["numerator"]["url"])
    assert [e.staff.full_name for e in response.context["object_list"]] == ["Nguyễn Văn An"]
    # The list states its condition in its own filters.
    form = response.context["filter"].form
    assert form.cleaned_data["member_unit"] == tree["alpha"] and form["outcome"].value() == "completed"
    # The service-culture score came from Sở Alpha's self-inspection: its list holds exactly that one.
    culture = rows["service_culture"]
    assert culture["c"].source == "self" and culture["c"].records == 1
    response = client.get(culture["links"]["numerator"]["url"])
    listed = [inspection.pk for inspection in response.context["object_list"]]
    assert list(Inspection.objects.filter(pk__in=listed).values_list("unit_id", "is_self")) == [(alpha, True)]
    assert f'href="{hours["numerator"]["url"].replace("&", "&amp;")}"' in page.content.decode()


def _grow(tree, n):
    from tests.factories import make_staff, make_unit

    for i in range(n):
        unit = make_unit(f"Phòng mở rộng {i}", parent=tree["gamma"])
        make_staff(unit, f"Người mở rộng {i}")


def test_table_and_api_take_the_same_queries_for_more_units(login, api, cast, tree, records, django_assert_num_queries):
    client = login(cast["admin"])
    client.get(reverse("scorecards:table"), Q2)  # warm the session and the user's grants
    rest = api(cast["admin"])
    rest.get(f"/api/v1/scorecards/{tree['province'].pk}/", Q2)  # warm up as well
    with django_assert_num_queries(QUERIES_TABLE) as first:
        client.get(reverse("scorecards:table"), Q2)
    with django_assert_num_queries(QUERIES_API):
        rest.get(f"/api/v1/scorecards/{tree['province'].pk}/", Q2)
    _grow(tree, 15)
    with django_assert_num_queries(QUERIES_TABLE):
        response = client.get(reverse("scorecards:table"), Q2)
    assert len(response.context["rows"]) == 21
    with django_assert_num_queries(QUERIES_API):
        body = rest.get(f"/api/v1/scorecards/{tree['province'].pk}/", Q2).json()
    assert len(body["sub_units"]) == 3
    assert first is not None


def test_excel_export_writes_formula_like_names_and_labels_as_text(login, cast, tree, records):
    """Issue #8: a unit name or criterion label that starts like a formula must stay text in Excel
    (a spreadsheet would otherwise run it: a HYPERLINK leaks data, a DDE call runs a program)."""
    from staff.models import Unit

    evil_unit = '=HYPERLINK("http://x","y")'
    evil_label = '=HYPERLINK("http://x","criterion")'
    Unit.objects.filter(pk=tree["alpha1"].pk).update(name=evil_unit)
    Criterion.objects.filter(scorecard_model__year=2026, key="attendance").update(label_vi=evil_label)
    Unit.objects.filter(pk=tree["alpha"].pk).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    response = login(cast["unit_head"]).get(reverse("scorecards:export", args=[tree["alpha"].pk]), Q2)
    wb = load_workbook(io.BytesIO(response.content))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {evil_unit, evil_label, "@SUM(1+1)*cmd|' /C calc'!A0"} <= texts
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=1, max_row=2, max_col=2, values_only=True)}
    assert summary["Đơn vị"] == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert [r[1] for r in wb["Đơn vị trực thuộc"].iter_rows(min_row=2, values_only=True)] == [evil_unit]
    assert evil_label in [c.value for c in next(wb["Từng đơn vị"].iter_rows(min_row=1, max_row=1))]


@pytest.mark.django_db(transaction=True)
def test_a_chart_is_served_again_from_the_cache_and_the_peers_chart_follows_the_scope(login, cast, tree, records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("scorecards:chart", args=[tree["alpha"].pk, "peers", "svg"])
    head = login(cast["unit_head"])
    first = head.get(url, Q2)
    with CaptureQueriesContext(connection) as again:
        second = head.get(url, Q2)
    assert second.content == first.content
    assert not [q["sql"] for q in again if "scorecards_" in q["sql"]]  # the scorecard was not computed again
    assert "Đơn vị khác".encode() in first.content and "Sở Beta".encode() not in first.content
    admin = login(cast["admin"]).get(url, Q2)
    assert "Sở Beta".encode() in admin.content


def test_api_gives_each_criterion_its_counts_and_the_lists_that_hold_them(api, cast, tree, records):
    rest = api(cast["unit_head"])
    body = rest.get("/api/v1/scorecards/", {"unit": tree["alpha"].pk, **Q2}).json()
    by_key = {c["key"]: c for c in body["criteria"]}
    mandatory = by_key["mandatory"]
    assert (mandatory["numerator"], mandatory["denominator"], mandatory["value"]) == (1, 2, 50.0)
    assert rest.get(mandatory["numerator_url"]).json()["count"] == 1
    assert rest.get(mandatory["denominator_url"]).json()["count"] == 2
    assert mandatory["explanation"]["value"] == "1 ÷ 2 × 100 = 50,00 %"
    assert mandatory["pillar_label"] == "Năng lực" and body["band_label"] == "Hoàn thành tốt nhiệm vụ"
    culture = by_key["service_culture"]
    assert (culture["records"], culture["denominator_url"]) == (1, None)
    assert rest.get(culture["numerator_url"]).json()["count"] == 1
    assert by_key["discipline"]["explanation"]["points"].startswith("Không có dữ liệu")
    assert body["rules"]["legal_basis"] == "Nghị định 335/2025/NĐ-CP; Nghị định 171/2025/NĐ-CP; Quyết định 1847/QĐ-TTg"


def test_enrollment_records_of_a_unit_outside_scope_are_not_found(login, cast, tree, records):
    client = login(cast["unit_head"])
    url = reverse("scorecards:enrollments")
    assert client.get(url, {"member_unit": tree["gamma"].pk}).status_code == 404
    assert client.get(url, {"unit": tree["gamma"].pk}).status_code == 404
    assert client.get(url, {"member_unit": tree["alpha"].pk}).status_code == 200
