"""XLSForm-shaped templates: export, import back unchanged, pyxform accepts them, bad workbooks
are refused with sheet, row and column and nothing is written."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from core.xlsx import ImportRejected
from inspections.exports import xlsform_export
from inspections.importers import xlsform_import
from inspections.models import ChecklistTemplate, Item, TemplateVersion, VersionStatus
from staff.access import system_actor

ITEM_FIELDS = [
    "code",
    "order",
    "text_vi",
    "text_en",
    "legal_basis",
    "answer_type",
    "weight",
    "critical",
    "failing_answers",
    "note_required_on_failure",
    "photo_required_on_failure",
    "required",
    "relevant",
]


def _content(version):
    return [
        (s.code, s.title_vi, s.title_en, [tuple(getattr(i, f) for f in ITEM_FIELDS) for i in s.items.order_by("order")])
        for s in version.sections.order_by("order")
    ]


def _sheets(data):
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_exported_template_imports_back_unchanged(checklist):
    data = xlsform_export(version=checklist)
    draft = xlsform_import(data=data, actor=system_actor())
    assert (draft.template_id, draft.number, draft.status) == (checklist.template_id, 2, VersionStatus.DRAFT)
    assert _content(draft) == _content(checklist)
    assert draft.pass_threshold == checklist.pass_threshold
    again = _sheets(xlsform_export(version=draft))
    first = _sheets(data)
    assert again["survey"] == first["survey"]
    assert again["choices"] == first["choices"]
    assert again["settings"][1][2] == "2" and first["settings"][1][2] == "1"
    assert again["settings"][1][:2] == first["settings"][1][:2]


def test_export_is_xlsform_shaped_and_pyxform_converts_it(checklist):
    data = xlsform_export(version=checklist)
    sheets = _sheets(data)
    assert sheets["survey"][0][:6] == [
        "type",
        "name",
        "label::Vietnamese (vi)",
        "label::English (en)",
        "required",
        "relevant",
    ]
    assert sheets["survey"][1][:4] == ["begin_group", "S1", "Trang phục", "Attire"]
    assert sheets["survey"][2][:2] == ["select_one yes_no_na", "I1"]
    assert sheets["survey"][2][7:11] == [2, None, "answer", "no"]
    assert sheets["choices"][1] == ["scale_0_4", "0", "0 – Không đạt", "0 – Not met", None]
    assert sheets["settings"][1][:4] == ["Phiếu thử nghiệm", "VH-TEST", "1", "Vietnamese (vi)"]
    result = convert(xlsform=data, file_type=".xlsx")
    assert "<h:title>Phiếu thử nghiệm</h:title>" in result.xform
    assert 'nodeset="/data/S1/I1"' in result.xform or "/S1/I1" in result.xform


def _workbook(survey_rows, *, settings_row=("Phiếu mới", "NEW-01", "1", "Vietnamese (vi)", "", "discipline", 50, "")):
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(
        [
            "type",
            "name",
            "label::Vietnamese (vi)",
            "label::English (en)",
            "required",
            "weight",
            "critical",
            "failing_answers",
        ]
    )
    for r in survey_rows:
        ws.append(list(r))
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", "label::Vietnamese (vi)", "label::English (en)"])
    for name, vi, en in (("yes", "Có", "Yes"), ("no", "Không", "No"), ("na", "Không áp dụng", "N/A")):
        ch.append(["yes_no_na", name, vi, en])
    st = wb.create_sheet("settings")
    st.append(
        ["form_title", "form_id", "version", "default_language", "title_en", "kind", "pass_threshold", "description"]
    )
    st.append(list(settings_row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_ROWS = [
    ("begin_group", "A", "Phần A", "Part A"),
    ("select_one yes_no_na", "A-01", "Có nội quy", "Rules", "yes", 2, "yes", ""),
    ("decimal", "A-02", "Số cán bộ", "Staff", "", 1, "", ""),
    ("end_group", "A"),
]


def test_new_workbook_creates_a_draft_template_with_defaults(db):
    version = xlsform_import(data=_workbook(GOOD_ROWS), actor=system_actor())
    assert (version.template.code, version.template.kind, version.number) == ("NEW-01", "discipline", 1)
    items = {i.code: i for i in version.items.all()}
    assert items["A-01"].failing_answers == ["no"] and items["A-01"].critical is True
    assert items["A-02"].answer_type == "number" and items["A-02"].required is False


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [*GOOD_ROWS[:2], ("select_one yes_no_na", "A-03", "Có thẻ", "Badge", "", 1, "có lẽ"), GOOD_ROWS[3]],
            "survey, hàng 4, cột G: ",
        ),
        (
            [*GOOD_ROWS[:2], ("select_one yes_no_na", "A-01", "Lặp", "Again"), GOOD_ROWS[3]],
            "survey, hàng 4, cột B: Không phải XLSForm hợp lệ (pyxform): [row : 4] On the 'survey' sheet, the 'name' "
            "value 'A-01' is invalid.",
        ),
        (
            [
                GOOD_ROWS[0],
                ("select_one yes_no_na", "A-01", "Lặp", "Again"),
                GOOD_ROWS[3],
                ("begin_group", "B", "B"),
                ("text", "A-01", "Lặp ở nhóm khác"),
                ("end_group", "B"),
            ],
            "survey, hàng 6, cột B: Mã tiêu chí A-01 bị trùng (lần đầu ở hàng 3).",
        ),
        (
            [*GOOD_ROWS[:2], ("select_one yes_no_na", "A-09", "Trọng số sai", "Bad", "", "nặng"), GOOD_ROWS[3]],
            "survey, hàng 4, cột F: Trọng số phải là số lớn hơn 0 và không quá 1000, không phải “nặng”.",
        ),
        (
            [*GOOD_ROWS[:2], ("select_one nope", "A-09", "Danh sách thiếu", "No list"), GOOD_ROWS[3]],
            "survey, hàng 4, cột A: Không phải XLSForm hợp lệ (pyxform): [row : 4] List name not in choices sheet: nope",
        ),
        (
            [*GOOD_ROWS[:3]],
            "survey, hàng 2: Không phải XLSForm hợp lệ (pyxform): [row : 2] Unmatched 'begin_group'.",
        ),
    ],
)
def test_bad_workbook_is_refused_with_sheet_row_and_column_and_nothing_written(db, rows, message):
    with pytest.raises(ImportRejected) as exc:
        xlsform_import(data=_workbook(rows), actor=system_actor())
    assert any(str(e).startswith(message) for e in exc.value.errors), [str(e) for e in exc.value.errors]
    assert not ChecklistTemplate.objects.exists()
    assert not Item.objects.exists()


def test_bad_settings_and_missing_sheet_are_named(db):
    data = _workbook(GOOD_ROWS, settings_row=("Phiếu", "NEW-02", "1", "Vietnamese (vi)", "", "secret", 150, ""))
    with pytest.raises(ImportRejected) as exc:
        xlsform_import(data=data, actor=system_actor())
    assert [str(e) for e in exc.value.errors] == [
        "settings, hàng 2, cột F: Loại phiếu không hợp lệ “secret”; dùng một trong: discipline, self_inspection, "
        "service_culture, other.",
        "settings, hàng 2, cột G: pass_threshold phải là số từ 0 đến 100.",
    ]
    wb = Workbook()
    wb.active.title = "survey"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as exc:
        xlsform_import(data=buf.getvalue(), actor=system_actor())
    assert str(exc.value.errors[0]).startswith("survey: Không phải XLSForm hợp lệ (pyxform):")
    assert not TemplateVersion.objects.exists()


def test_commands_export_and_import(checklist, tmp_path):
    path = tmp_path / "vh.xlsx"
    call_command("export_checklist", "VH-TEST", str(path))
    assert path.stat().st_size > 1000
    out = io.StringIO()
    call_command("import_checklist", str(path), stdout=out)
    assert "VH-TEST" in out.getvalue()
    assert TemplateVersion.objects.filter(template__code="VH-TEST").count() == 2
