"""Rosters as HR offices keep them: headers in any common wording, accents or not, broken over
lines, under merged title rows; when the columns cannot be told apart the user maps them, the
mapping is kept for next time, and the command line takes --map."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.xlsx import ImportRejected
from staff.access import system_actor
from staff.importers import MappingNeeded, normalise_header, roster_import
from staff.models import RosterColumnMapping, Staff

ROWS = [
    ["N001", "Hà Thị Thu", "ALPHA", "Công chức", "05/04/1990"],
    ["N002", "Bế Văn Hải", "ALPHA-1", "Viên chức", "01/12/1988"],
]


def workbook(header, rows=ROWS, *, titles=(), merge_to=None, extra_header_rows=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    for t in titles:
        ws.append([t])
    if merge_to and titles:
        for r in range(1, len(titles) + 1):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=merge_to)
    for extra in extra_header_rows:
        ws.append(extra)
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def imported():
    return sorted(
        Staff.objects.filter(staff_code__startswith="N").values_list(
            "staff_code", "full_name", "unit__code", "category", "date_of_birth__year"
        )
    )


EXPECTED = [("N001", "Hà Thị Thu", "ALPHA", "cong_chuc", 1990), ("N002", "Bế Văn Hải", "ALPHA-1", "vien_chuc", 1988)]


@pytest.mark.parametrize(
    ("header", "titles", "merge_to"),
    [
        # the wording the issue quotes
        (["Mã số CBCCVC", "Họ và tên", "Đơn vị công tác", "Phân loại", "Ngày tháng năm sinh"], (), None),
        # no accents, upper case, punctuation
        (["MA SO", "HO VA TEN", "CO QUAN, DON VI", "PHAN LOAI:", "NGAY SINH (dd/mm/yyyy)"], (), None),
        # line breaks inside header cells, under two merged title rows
        (
            ["Số hiệu\ncông chức", "Họ và\ntên", "Cơ quan,\nđơn vị", "Đối\ntượng", "Ngày,\ntháng, năm sinh"],
            ("UBND TỈNH THỬ NGHIỆM", "DANH SÁCH CÁN BỘ, CÔNG CHỨC NĂM 2026"),
            5,
        ),
        # English wording, mixed case, extra spaces
        (["  Staff  ID ", "Full Name", "Department", "category", "Date of Birth"], ("Staff list",), 5),
        # headers that contain a field's name (candidates)
        (
            ["Mã số cán bộ (*)", "Họ và tên cán bộ", "Tên đơn vị công tác hiện nay", "Phân loại CBCCVC", "Ngày sinh"],
            (),
            None,
        ),
    ],
    ids=["cbccvc", "no-accents", "line-breaks-merged-titles", "english", "contains"],
)
def test_header_variants_import(people, header, titles, merge_to):
    plan = roster_import(data=workbook(header, titles=titles, merge_to=merge_to), actor=system_actor())
    assert (plan.created, plan.scan.row) == (2, len(titles) + 1)
    assert imported() == EXPECTED


def test_header_normalisation():
    assert normalise_header("MÃ SỐ\nCBCCVC (*)") == "ma so cbccvc"
    assert normalise_header("  Đơn  vị\r\ncông tác ") == "don vi cong tac"


def test_columns_not_used_are_listed_as_ignored(people):
    header = ["STT", "Mã số", "Họ và tên", "Đơn vị", "Phân loại", "Ngày sinh", "Ghi chú"]
    rows = [[i + 1, *r, "x"] for i, r in enumerate(ROWS)]
    plan = roster_import(data=workbook(header, rows), actor=system_actor(), dry_run=True)
    assert [(c.letter, c.text) for c in plan.scan.ignored] == [("A", "STT"), ("G", "Ghi chú")]


def test_two_columns_claiming_one_field_need_a_mapping(people):
    header = ["Mã số", "Họ và tên", "Đơn vị sử dụng", "Đơn vị quản lý", "Phân loại"]
    rows = [["N001", "Hà Thị Thu", "ALPHA", "TINH", "Công chức"]]
    with pytest.raises(MappingNeeded) as info:
        roster_import(data=workbook(header, rows), actor=system_actor())
    assert [str(e) for e in info.value.errors] == [
        "DS, hàng 1, cột C, D: Cột “Đơn vị sử dụng”, “Đơn vị quản lý” đều có thể là “Đơn vị”; hãy chọn cột đúng."
    ]
    plan = roster_import(
        data=workbook(header, rows), actor=system_actor(), mapping={"Đơn vị sử dụng": "unit", "Đơn vị quản lý": ""}
    )
    assert plan.created == 1 and Staff.objects.get(staff_code="N001").unit.code == "ALPHA"


@pytest.mark.parametrize(
    ("header", "kwargs", "expected"),
    [
        (
            ["Mã số", "Mã số", "Họ và tên", "Đơn vị", "Phân loại"],
            {},
            "DS, hàng 1, cột A, B: Tiêu đề “Mã số” xuất hiện ở nhiều cột; hãy đổi tên một cột.",
        ),
        (
            ["Ghi chú", "Nội dung"],
            {},
            "DS: Không tìm thấy hàng tiêu đề trong 4 hàng đầu",
        ),
        (
            ["Mã", "Họ và tên", "Đơn vị", "Phân loại"],
            {"mapping": {"Mã CB": "code"}},
            "DS, hàng 1: Bảng ghép cột nêu cột “Mã CB”, không có trong hàng tiêu đề.",
        ),
    ],
    ids=["duplicate-headers", "no-header-row", "mapping-to-missing-column"],
)
def test_bad_headers_are_refused_and_nothing_is_written(people, header, kwargs, expected):
    before = Staff.objects.count()
    with pytest.raises(ImportRejected) as info:
        roster_import(
            data=workbook(header, [["N001", "Hà Thị Thu", "ALPHA", "Công chức"]] * 3), actor=system_actor(), **kwargs
        )
    assert any(str(e).startswith(expected) for e in info.value.errors), [str(e) for e in info.value.errors]
    assert Staff.objects.count() == before


ODD = ["Số TT", "Mã", "Tên người", "Nơi làm", "Nhóm", "Ngày sinh"]
ODD_ROWS = [[i + 1, *r[:4], r[4]] for i, r in enumerate(ROWS)]
ODD_ROWS = [[n, code, name, unit, cat, dob] for n, code, name, unit, cat, dob in ODD_ROWS]


def _upload(data):
    f = io.BytesIO(data)
    f.name = "ds.xlsx"
    return f


def test_screen_asks_for_the_mapping_keeps_it_and_offers_it_next_time(login, cast, people):
    client = login(cast["hr"])
    url = reverse("staff:staff-import")
    first = client.post(url, {"file": _upload(workbook(ODD, ODD_ROWS))})
    assert first.status_code == 400 and first.context["mapping_needed"] is True
    assert [(c.letter, c.text, c.field) for c in first.context["scan"].cells][:3] == [
        ("A", "Số TT", ""),
        ("B", "Mã", ""),
        ("C", "Tên người", ""),
    ]
    assert "Thiếu cột bắt buộc: Mã số, Họ và tên, Đơn vị, Phân loại." in first.content.decode()
    choice = {
        "Mã": "staff_code",
        "Tên người": "full_name",
        "Nơi làm": "unit",
        "Nhóm": "category",
        "Ngày sinh": "date_of_birth",
    }
    posted = {"token": first.context["token"]}
    for cell in first.context["scan"].cells:
        posted[f"col-{cell.index}"] = cell.text
        posted[f"map-{cell.index}"] = choice.get(cell.text, "")
    preview = client.post(url, posted)
    assert preview.status_code == 200 and preview.context["plan"].created == 2
    assert [c.text for c in preview.context["scan"].ignored] == ["Số TT"]
    assert not Staff.objects.filter(staff_code="N001").exists()
    done = client.post(url, {**posted, "confirm": "1"})
    assert done.status_code == 302
    assert imported() == EXPECTED
    assert RosterColumnMapping.objects.get(user=cast["hr"]).mapping["Nơi làm"] == "unit"
    # next time the same columns need no mapping
    again = client.post(url, {"file": _upload(workbook(ODD, [["3", "N003", "Lê Văn Ba", "ALPHA", "Công chức", ""]]))})
    assert again.status_code == 200 and again.context["plan"].created == 1
    assert [(c.text, c.field, c.how) for c in again.context["scan"].cells][1] == ("Mã", "staff_code", "mapped")


def test_upload_screen_offers_the_template_workbook(login, cast, people):
    client = login(cast["hr"])
    page = client.get(reverse("staff:staff-import"))
    assert reverse("staff:staff-import-template") in page.content.decode()
    response = client.get(reverse("staff:staff-import-template"))
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[:6] == ["Mã số", "Họ và tên", "Giới tính", "Ngày sinh", "Đơn vị", "Phân loại"]
    # the template itself imports (its example unit aside)
    assert ws[2][0].value == "CB0001"


def test_template_and_screen_are_refused_without_staff_manage(login, cast):
    client = login(cast["member"])
    assert client.get(reverse("staff:staff-import-template")).status_code in (403, 404)


def test_command_takes_a_mapping(people, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(workbook(ODD, ODD_ROWS))
    with pytest.raises(CommandError) as info:
        call_command("import_staff", str(path))
    assert "B “Mã”" in str(info.value)
    call_command("import_staff", str(path), "--map", "Mã=code,Tên người=name,Nơi làm=unit,Nhóm=category,Số TT=-")
    assert imported() == EXPECTED
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), "--map", "Mã=chức vụ trưởng")
