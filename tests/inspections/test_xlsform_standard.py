"""XLSForms as KoboToolbox's form builder and ODK's examples write them import; the summary says what
was skipped; the export of what was imported converts with pyxform's xls2xform."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook
from pyxform.xls2xform import convert

from core.xlsx import ImportRejected
from inspections import services
from inspections.exports import xlsform_export
from inspections.importers import xlsform_import, xlsform_import_with_summary, xlsform_parse
from inspections.models import ChecklistTemplate, Item, VersionStatus
from inspections.scoring import normalise, score_item
from staff.access import system_actor


def xlsform(survey_header, survey, choices_header=None, choices=(), settings=None):
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(list(survey_header))
    for r in survey:
        ws.append(list(r))
    if choices_header:
        ch = wb.create_sheet("choices")
        ch.append(list(choices_header))
        for r in choices:
            ch.append(list(r))
    if settings:
        st = wb.create_sheet("settings")
        st.append(list(settings[0]))
        st.append(list(settings[1]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The shape Kobo's form builder downloads: metadata rows, a note, questions outside any group, its
# own lists, one `label` column, `required` as true/false, a closing group.
KOBO = xlsform(
    ("type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message", "calculation"),
    [
        ("start", "start"),
        ("end", "end"),
        ("today", "today"),
        ("deviceid", "deviceid"),
        ("username", "username"),
        ("note", "gioi_thieu", "Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính"),
        ("select_one cokhong", "deo_the", "Cán bộ có đeo thẻ công chức?", "Quan sát tại bộ phận một cửa", "true"),
        ("select_one danhgia", "thai_do", "Thái độ phục vụ", "", "false"),
        ("integer", "so_cb", "Số cán bộ có mặt", "", "false", "", ". >= 0", "Không được âm"),
        ("calculate", "tong", "", "", "", "", "", "", "${so_cb} * 2"),
        ("begin_group", "ho_so", "Hồ sơ"),
        ("select_multiple loi", "cac_loi", "Các lỗi phát hiện", "", "false", "${deo_the} = 'khong'"),
        ("date", "ngay_ht", "Ngày hoàn thành"),
        ("image", "anh", "Ảnh hiện trường"),
        ("geopoint", "vi_tri", "Vị trí"),
        ("end_group", ""),
    ],
    ("list_name", "name", "label"),
    [
        ("cokhong", "co", "Có"),
        ("cokhong", "khong", "Không"),
        ("danhgia", "tot", "Tốt"),
        ("danhgia", "kha", "Khá"),
        ("danhgia", "kem", "Kém"),
        ("loi", "muon", "Đi muộn"),
        ("loi", "som", "Về sớm"),
    ],
    (("form_title", "form_id", "version"), ("Kiểm tra kỷ luật hành chính", "kt_kyluat", "2026050401")),
)


def test_kobo_form_imports_with_its_lists_and_a_summary(db):
    version, summary = xlsform_import_with_summary(data=KOBO, actor=system_actor())
    assert (version.template.code, version.template.name_vi, version.status) == (
        "kt_kyluat",
        "Kiểm tra kỷ luật hành chính",
        VersionStatus.DRAFT,
    )
    sections = [(s.code, s.title_vi, [i.code for i in s.items.order_by("order")]) for s in version.sections.all()]
    assert sections == [
        ("chung", "Kiểm tra kỷ luật hành chính", ["gioi_thieu", "deo_the", "thai_do", "so_cb"]),
        ("ho_so", "Hồ sơ", ["cac_loi", "ngay_ht", "anh", "vi_tri"]),
    ]
    items = {i.code: i for i in version.items.all()}
    assert [(c, items[c].answer_type) for c in items] == [
        ("gioi_thieu", "note"),
        ("deo_the", "select_one"),
        ("thai_do", "select_one"),
        ("so_cb", "integer"),
        ("cac_loi", "select_multi"),
        ("ngay_ht", "date"),
        ("anh", "photo"),
        ("vi_tri", "note"),
    ]
    deo = items["deo_the"]
    assert deo.choices == [
        {"name": "co", "label_vi": "Có", "label_en": "", "score": "1"},
        {"name": "khong", "label_vi": "Không", "label_en": "", "score": "0"},
    ]
    assert (deo.failing_answers, deo.required, deo.hint, deo.choice_list) == (
        ["khong"],
        True,
        "Quan sát tại bộ phận một cửa",
        "cokhong",
    )
    assert (items["so_cb"].hint, items["so_cb"].constraint, items["so_cb"].constraint_message) == (
        "",
        ". >= 0",
        "Không được âm",
    )
    assert items["cac_loi"].relevant == "${deo_the} = 'khong'"
    assert items["gioi_thieu"].text_vi == "Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính"
    assert (summary.sections, summary.items) == (2, 8)
    assert summary.scored == ["deo_the"]
    assert summary.unscored == ["thai_do", "so_cb", "cac_loi", "ngay_ht", "anh"]
    assert summary.guidance == ["gioi_thieu"]
    assert summary.notes_only == [(16, "geopoint", "vi_tri")]
    assert [s[1] for s in summary.skipped] == ["start", "end", "today", "deviceid", "username", "calculate"]


def test_yes_no_choices_score_as_today_and_other_lists_are_unscored(db):
    version = xlsform_import(data=KOBO, actor=system_actor())
    deo = version.items.get(code="deo_the")
    assert normalise(deo.answer_type, "Có", deo.choices) == "co"
    yes = score_item(
        answer_type=deo.answer_type,
        weight=Decimal(2),
        failing_answers=deo.failing_answers,
        value="co",
        choices=deo.choices,
    )
    no = score_item(
        answer_type=deo.answer_type,
        weight=Decimal(2),
        failing_answers=deo.failing_answers,
        value="khong",
        choices=deo.choices,
    )
    assert (yes.score, yes.max_score, yes.failed) == (Decimal("2.000"), Decimal(2), False)
    assert (no.score, no.max_score, no.failed) == (Decimal("0.000"), Decimal(2), True)
    thai = version.items.get(code="thai_do")
    assert (
        score_item(
            answer_type=thai.answer_type, weight=1, failing_answers=[], value="tot", choices=thai.choices
        ).max_score
        is None
    )
    loi = version.items.get(code="cac_loi")
    assert normalise(loi.answer_type, "muon som", loi.choices) == "muon som"
    with pytest.raises(ValueError):
        normalise(loi.answer_type, "muon vang", loi.choices)


# ODK's examples: label::English (en) and a default language in settings, a score column on the
# choices sheet, a repeat, nested groups, a not-applicable choice without score.
ODK = xlsform(
    ("type", "name", "label::English (en)", "label::Vietnamese (vi)", "hint::Vietnamese (vi)", "required", "relevant"),
    [
        ("begin group", "facility", "Facility", "Cơ sở"),
        ("select_one level", "cleanliness", "Cleanliness", "Vệ sinh", "Chấm theo thang", "yes"),
        ("begin group", "inner", "Inner", "Bên trong"),
        ("text", "remarks", "Remarks", "Nhận xét"),
        ("end group", "inner"),
        ("end group", "facility"),
        ("begin repeat", "staff", "Staff", "Cán bộ"),
        ("text", "staff_name", "Name", "Tên"),
        ("decimal", "hours", "Hours", "Số giờ"),
        ("end repeat", "staff"),
        ("audio", "voice", "Voice note", "Ghi âm"),
    ],
    ("list_name", "name", "label::English (en)", "label::Vietnamese (vi)", "score"),
    [
        ("level", "good", "Good", "Tốt", 2),
        ("level", "fair", "Fair", "Đạt", 1),
        ("level", "poor", "Poor", "Kém", 0),
        ("level", "na", "N/A", "Không áp dụng", None),
    ],
    (("form_title", "form_id", "default_language"), ("Facility check", "facility_check", "English (en)")),
)


def test_odk_form_with_score_column_repeat_and_nested_groups(db):
    version, summary = xlsform_import_with_summary(data=ODK, actor=system_actor())
    sections = [
        (s.code, s.title_vi, s.title_en, [i.code for i in s.items.order_by("order")]) for s in version.sections.all()
    ]
    assert sections == [
        ("facility", "Cơ sở", "Facility", ["cleanliness", "remarks"]),
        ("staff", "Cán bộ", "Staff", ["staff_name", "hours"]),
        ("chung", "Facility check", "", ["voice"]),
    ]
    c = version.items.get(code="cleanliness")
    assert [(x["name"], x["score"]) for x in c.choices] == [("good", "2"), ("fair", "1"), ("poor", "0"), ("na", None)]
    assert (c.text_vi, c.text_en, c.hint, c.failing_answers) == ("Vệ sinh", "Cleanliness", "Chấm theo thang", ["poor"])
    fair = score_item(
        answer_type=c.answer_type, weight=Decimal(1), failing_answers=c.failing_answers, value="fair", choices=c.choices
    )
    na = score_item(
        answer_type=c.answer_type, weight=Decimal(1), failing_answers=c.failing_answers, value="na", choices=c.choices
    )
    assert (fair.score, fair.max_score, na.score, na.max_score) == (Decimal("0.500"), Decimal(1), None, None)
    assert summary.scored == ["cleanliness"] and summary.notes_only == [(12, "audio", "voice")]
    assert any("staff" in r and "lặp" in r for r in summary.remarks), summary.remarks
    assert any("inner" in r for r in summary.remarks), summary.remarks


def test_single_label_follows_the_default_language(db):
    data = xlsform(
        ("type", "name", "label"),
        [("text", "q1", "Remarks")],
        settings=(("form_title", "form_id", "default_language"), ("English form", "en_form", "English (en)")),
    )
    _settings, sections, summary = xlsform_parse(data=data)
    item = sections[0].items[0]
    assert (item.text_vi, item.text_en, summary.language) == ("Remarks", "Remarks", "English (en)")
    plain = xlsform(("type", "name", "label"), [("text", "q1", "Nhận xét")])
    settings, sections, summary = xlsform_parse(data=plain)
    assert (sections[0].items[0].text_vi, sections[0].items[0].text_en) == ("Nhận xét", "")
    assert (sections[0].title_vi, summary.language) == (settings["form_title"], "Vietnamese (vi)")


def test_export_of_an_imported_kobo_form_passes_xls2xform_and_imports_back(db):
    version = xlsform_import(data=KOBO, actor=system_actor())
    services.version_publish(actor=system_actor(), version=version)
    exported = xlsform_export(version=version)
    result = convert(xlsform=exported, file_type=".xlsx")
    assert "<h:title>Kiểm tra kỷ luật hành chính</h:title>" in result.xform
    assert 'nodeset="/kt_kyluat/chung/deo_the"' in result.xform or "/chung/deo_the" in result.xform
    again = xlsform_import(data=exported, actor=system_actor())
    assert again.number == 2
    fields = ("code", "answer_type", "choices", "failing_answers", "required", "relevant", "hint", "text_vi")
    assert list(again.items.order_by("order").values_list(*fields)) == list(
        version.items.order_by("order").values_list(*fields)
    )


@pytest.mark.parametrize(
    ("survey", "choices", "expected"),
    [
        (
            [("select_one missing", "q", "Câu hỏi")],
            [("other", "a", "A")],
            "survey, hàng 2, cột A: Không phải XLSForm hợp lệ (pyxform): [row : 2] List name not in choices sheet: missing",
        ),
        (
            [("begin_group", "g", "Nhóm"), ("text", "q", "Q")],
            [("other", "a", "A")],
            "survey, hàng 2: Không phải XLSForm hợp lệ (pyxform): [row : 2] Unmatched 'begin_group'.",
        ),
        (
            [("text", "a very bad name", "Q")],
            [("other", "a", "A")],
            "survey, hàng 2, cột B: Không phải XLSForm hợp lệ (pyxform)",
        ),
    ],
    ids=["missing-list", "unclosed-group", "bad-name"],
)
def test_pyxform_refusals_name_sheet_row_and_nothing_is_written(db, survey, choices, expected):
    with pytest.raises(ImportRejected) as exc:
        xlsform_import(
            data=xlsform(("type", "name", "label"), survey, ("list_name", "name", "label"), choices),
            actor=system_actor(),
        )
    assert str(exc.value.errors[0]).startswith(expected), [str(e) for e in exc.value.errors]
    assert not ChecklistTemplate.objects.exists() and not Item.objects.exists()


def _upload(data, name="form.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_screen_shows_the_summary_before_saving_a_draft(login, cast):
    client = login(cast["admin"])
    url = reverse("inspections:template-list")
    preview = client.post(url, {"file": _upload(KOBO)})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 phần" in page and "8 tiêu chí" in page
    assert "vi_tri (geopoint, hàng 16)" in page
    assert not ChecklistTemplate.objects.exists()
    done = client.post(url, {"import_token": preview.context["import_token"]})
    assert done.status_code == 302
    version = ChecklistTemplate.objects.get(code="kt_kyluat").versions.get()
    assert done["Location"] == reverse("inspections:version-detail", args=[version.pk])


def test_screen_refuses_import_without_template_manage(login, cast):
    response = login(cast["inspector"]).post(reverse("inspections:template-list"), {"file": _upload(KOBO)})
    assert response.status_code == 404
    assert not ChecklistTemplate.objects.exists()


def test_fill_screen_shows_guidance_hints_and_choice_lists(login, cast, plan, tree, team):
    import datetime as dt

    version = xlsform_import(data=KOBO, actor=system_actor())
    version = services.version_publish(actor=system_actor(), version=version)
    assignment = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 6, 30),
        lead=team["lead"],
        members=[],
        announced=False,
    )
    client = login(team["lead"])
    page = client.get(reverse("inspections:fill", args=[assignment.pk])).content.decode()
    assert "Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính" in page
    assert "Hướng dẫn: không cần trả lời." in page
    assert '<p class="item-hint">Quan sát tại bộ phận một cửa</p>' in page
    assert 'type="checkbox" name="a-cac_loi" value="muon"' in page
    assert 'type="radio" name="a-thai_do" value="kem"' in page
    saved = client.post(
        reverse("inspections:fill", args=[assignment.pk]),
        {"a-deo_the": "khong", "a-thai_do": "tot", "a-cac_loi": ["muon", "som"], "inspected_on": "2026-05-04"},
    )
    assert saved.status_code == 302
    inspection = assignment.inspection
    answers = dict(inspection.answers.values_list("item__code", "value"))
    assert answers == {"deo_the": "khong", "thai_do": "tot", "cac_loi": "muon som"}
    assert (inspection.score, inspection.max_score) == (Decimal("0.00"), Decimal("1.00"))
