import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from core.xlsx import ImportRejected
from staff.access import system_actor
from staff.importers import roster_import
from staff.models import Staff, StaffUnitHistory

VI_HEADER = ["Mã số", "Họ và tên", "Giới tính", "Ngày sinh", "Đơn vị", "Phân loại", "Chức vụ"]
EN_HEADER = ["Staff code", "Full name", "Gender", "Date of birth", "Unit", "Category", "Position title"]


def workbook(header, rows, *, title_rows=0, merged_title=False):
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for i in range(title_rows):
        ws.append([f"DANH SÁCH CÁN BỘ – dòng tiêu đề {i + 1}"])
    if merged_title and title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    ["N001", "Hà Thị Thu", "Nữ", "05/04/1990", "ALPHA", "Công chức", "Chuyên viên"],
    ["N002", "Bế Văn Hải", "Nam", dt.datetime(1988, 12, 1), "Phòng Alpha-1", "Viên chức", ""],
    ["A001", "Nguyễn Văn An", "Nam", "", "ALPHA-1", "Công chức", "Trưởng phòng"],  # existing: moves unit
]


def snapshot():
    return (
        sorted(Staff.objects.values_list("staff_code", "full_name", "unit__code")),
        StaffUnitHistory.objects.count(),
    )


def test_import_under_title_rows_and_merged_cells_upserts_by_code(people):
    plan = roster_import(data=workbook(VI_HEADER, GOOD_ROWS, title_rows=3, merged_title=True), actor=system_actor())
    assert (plan.created, plan.updated, plan.unchanged) == (2, 1, 0)
    thu = Staff.objects.get(staff_code="N001")
    assert (thu.full_name, thu.gender, thu.date_of_birth, thu.unit.code, thu.category) == (
        "Hà Thị Thu",
        "female",
        dt.date(1990, 4, 5),
        "ALPHA",
        "cong_chuc",
    )
    assert Staff.objects.get(staff_code="N002").date_of_birth == dt.date(1988, 12, 1)
    an = Staff.objects.get(staff_code="A001")
    assert (an.unit.code, an.position_title) == ("ALPHA-1", "Trưởng phòng")
    assert an.unit_history.filter(end_date__isnull=True).get().unit.code == "ALPHA-1"


def test_english_headers_are_accepted(tree):
    rows = [["E001", "Lý Văn Bình", "Male", "1991-02-03", "BETA", "civil servant", ""]]
    plan = roster_import(data=workbook(EN_HEADER, rows), actor=system_actor())
    assert plan.created == 1
    assert Staff.objects.get(staff_code="E001").category == "cong_chuc"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(people):
    data = workbook(VI_HEADER, GOOD_ROWS)
    roster_import(data=data, actor=system_actor())
    plan = roster_import(data=data, actor=system_actor())
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 3)


def test_dry_run_writes_nothing(people):
    before = snapshot()
    plan = roster_import(data=workbook(VI_HEADER, GOOD_ROWS), dry_run=True, actor=system_actor())
    assert plan.created == 2
    assert snapshot() == before


def rejected(data, **kwargs):
    with pytest.raises(ImportRejected) as info:
        roster_import(data=data, **{"actor": system_actor(), **kwargs})
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize(
    ("row_change", "expected"),
    [
        ({4: "KHÔNG-CÓ"}, "hàng 2, cột E: Không có đơn vị “KHÔNG-CÓ”"),
        ({3: "31/02/1990"}, "hàng 2, cột D: “31/02/1990” không phải là ngày có thật"),
        ({3: "năm chín mươi"}, "hàng 2, cột D: “năm chín mươi” không phải là ngày"),
        ({5: "Bộ đội"}, "hàng 2, cột F: “Bộ đội” không phải là giá trị hợp lệ"),
        ({1: ""}, "hàng 2, cột B: Họ và tên để trống"),
    ],
)
def test_each_bad_cell_is_reported_and_nothing_is_written(people, row_change, expected):
    rows = [list(r) for r in GOOD_ROWS]
    for index, value in row_change.items():
        rows[0][index] = value
    before = snapshot()
    errors = rejected(workbook(VI_HEADER, rows))
    assert any(expected in e for e in errors), errors
    assert all(e.startswith("Danh sách, hàng") for e in errors)
    assert snapshot() == before


def test_duplicate_staff_code_names_both_rows(people):
    rows = GOOD_ROWS + [["N001", "Người Trùng", "Nữ", "", "ALPHA", "Công chức", ""]]
    errors = rejected(workbook(VI_HEADER, rows))
    assert errors == ["Danh sách, hàng 5, cột A: Mã số N001 lặp lại (lần đầu ở hàng 2)."]


def test_missing_required_column_is_named(people):
    header = [h for h in VI_HEADER if h != "Đơn vị"]
    rows = [[c for i, c in enumerate(r) if i != 4] for r in GOOD_ROWS]
    assert rejected(workbook(header, rows)) == ["Danh sách, hàng 1: Thiếu cột bắt buộc: Đơn vị."]


def test_empty_workbook_is_refused(db):
    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    assert rejected(buffer.getvalue()) == ["Sheet: Trang tính trống."]


def test_a_file_that_is_not_excel_is_refused(db):
    errors = rejected("Mã số,Họ và tên\nN1,Ai đó\n".encode())
    assert errors == ["tệp: Đây không phải là tệp Excel (.xlsx). Hãy lưu tệp dưới dạng .xlsx rồi thử lại."]


def test_an_empty_file_is_refused(db):
    assert rejected(b"") == ["tệp: Tệp trống."]


def test_a_file_over_the_size_limit_is_refused(people, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    errors = rejected(workbook(VI_HEADER, GOOD_ROWS))
    assert errors[0].startswith("tệp: Tệp có dung lượng")


def test_too_many_rows_is_refused(people, settings):
    settings.IMPORT_MAX_ROWS = 2
    errors = rejected(workbook(VI_HEADER, GOOD_ROWS))
    assert "hàng 4" in errors[0] and "2" in errors[0]


def test_hr_cannot_import_into_units_outside_scope(cast, people):
    rows = [["N009", "Ngoài Phạm Vi", "Nam", "", "BETA", "Công chức", ""]]
    errors = rejected(workbook(VI_HEADER, rows), actor=cast["hr"])
    assert errors == ["Danh sách, hàng 2, cột E: Đơn vị “Sở Beta” nằm ngoài phạm vi của bạn."]


def test_command_dry_run_and_failure_exit_code(people, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(VI_HEADER, GOOD_ROWS))
    call_command("import_staff", str(good), "--dry-run")
    assert not Staff.objects.filter(staff_code="N001").exists()
    call_command("import_staff", str(good))
    assert Staff.objects.filter(staff_code="N001").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(VI_HEADER, [["Z1", "", "Nam", "", "ALPHA", "Công chức", ""]]))
    with pytest.raises(CommandError):
        call_command("import_staff", str(bad))


def test_upload_screen_previews_then_confirms(login, cast, people):
    client = login(cast["hr"])
    upload = io.BytesIO(workbook(VI_HEADER, GOOD_ROWS))
    upload.name = "roster.xlsx"
    preview = client.post(reverse("staff:staff-import"), {"file": upload})
    assert preview.status_code == 200
    assert preview.context["plan"].created == 2
    assert not Staff.objects.filter(staff_code="N001").exists()
    done = client.post(reverse("staff:staff-import"), {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    assert Staff.objects.filter(staff_code__in=["N001", "N002"]).count() == 2


def test_upload_screen_lists_every_error(login, cast, people):
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][4] = "KHÔNG-CÓ"
    rows[1][3] = "32/13/1990"
    upload = io.BytesIO(workbook(VI_HEADER, rows))
    upload.name = "roster.xlsx"
    response = login(cast["hr"]).post(reverse("staff:staff-import"), {"file": upload})
    assert response.status_code == 400
    assert len(response.context["errors"]) == 2
