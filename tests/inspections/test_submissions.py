"""KoboToolbox / ODK Central submissions exports become draft inspections of a plan: once only,
all or nothing, with photos from a zip, and refused for units outside the plan or the team."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from core.xlsx import ImportRejected
from inspections.models import Answer, Inspection, InspectionStatus
from inspections.submissions import submissions_import

KOBO_HEADER = [
    "start",
    "end",
    "today",
    "ma_don_vi",
    "S1/I1",
    "S1/I2",
    "S1/I3",
    "S2/I4",
    "S2/I5",
    "S2/I6",
    "S2/I7",
    "_id",
    "_uuid",
    "_submission_time",
    "_submitted_by",
]
ROW = [
    "2026-05-04T08:01:00.000+07:00",
    "2026-05-04T08:30:00.000+07:00",
    dt.datetime(2026, 5, 4),
    "GAMMA-VP",
    "yes",
    "no",
    3,
    95.5,
    12,
    "Đã nhắc nhở",
    "bang_ten.jpg",
    101,
    "3f1c2a9e-5b7d-4c11-9e0a-1a2b3c4d5e6f",
    "2026-05-04T01:31:00",
    "inspector",
]


def kobo_xlsx(rows, header=KOBO_HEADER):
    wb = Workbook()
    ws = wb.active
    ws.title = "Kiểm tra"
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def photo():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def bundle(table: bytes, name="submissions.xlsx", photos=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, table)
        for fname, data in (photos or {}).items():
            z.writestr(f"media/{fname}", data)
    return buf.getvalue()


COLUMNS = {"unit_column": "ma_don_vi", "date_column": "today", "inspector_column": "_submitted_by"}


def test_kobo_export_imports_once_then_is_refused_as_duplicate(assignment, cast):
    data = bundle(kobo_xlsx([ROW]), photos={"bang_ten.jpg": photo()})
    result = submissions_import(actor=cast["inspector"], plan=assignment.plan, data=data, **COLUMNS)
    assert (len(result.created), len(result.duplicates)) == (1, 0)
    inspection = Inspection.objects.get(assignment=assignment)
    assert (inspection.status, inspection.inspected_on, inspection.external_id, inspection.created_by) == (
        InspectionStatus.DRAFT,
        dt.date(2026, 5, 4),
        "3f1c2a9e-5b7d-4c11-9e0a-1a2b3c4d5e6f",
        cast["inspector"],
    )
    answers = dict(Answer.objects.filter(inspection=inspection).values_list("item__code", "value"))
    assert answers == {"I1": "yes", "I2": "no", "I3": "3", "I4": "95.5", "I5": "12", "I6": "Đã nhắc nhở", "I7": ""}
    assert Answer.objects.get(inspection=inspection, item__code="I7").evidence.count() == 1
    assert inspection.critical_failed is True  # I2 (critical) answered no
    assert result.ignored == ["start", "end", "_id", "_submission_time"]

    again = submissions_import(actor=cast["inspector"], plan=assignment.plan, data=data, **COLUMNS)
    assert (len(again.created), again.duplicates) == (0, [(2, "3f1c2a9e-5b7d-4c11-9e0a-1a2b3c4d5e6f")])
    assert Inspection.objects.count() == 1


def test_odk_central_csv_with_group_dash_paths_and_uuid_prefix(assignment, cast):
    csv_text = (
        "SubmissionDate,today,unit,S1-I1,S1-I2,S1-I3,S2-I4,S2-I5,meta-instanceID,KEY\n"
        "2026-05-05T03:00:00.000Z,2026-05-05,GAMMA-VP,yes,yes,4,100,7,uuid:aa11,uuid:aa11\n"
    )
    result = submissions_import(
        actor=cast["inspector"], plan=assignment.plan, data=csv_text.encode(), unit_column="unit", date_column="today"
    )
    inspection = result.created[0]
    assert (inspection.external_id, inspection.inspected_on, str(inspection.total_percent)) == (
        "aa11",
        dt.date(2026, 5, 5),
        "100.00",
    )


def rejected(assignment, actor, data, **columns):
    with pytest.raises(ImportRejected) as info:
        submissions_import(actor=actor, plan=assignment.plan, data=data, **{**COLUMNS, **columns})
    assert not Inspection.objects.exists()
    return [str(e) for e in info.value.errors]


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(assignment, cast):
    beta = list(ROW)
    beta[3], beta[12] = "BETA", "other-id"
    wrong = list(ROW)
    wrong[5] = "có lẽ"
    errors = rejected(assignment, cast["inspector"], kobo_xlsx([wrong, beta]))
    assert errors == [
        "Kiểm tra, hàng 2, cột F: I2: Trả lời “yes”, “no” hoặc “na”, không phải “có lẽ”.",
        "Kiểm tra, hàng 3, cột D: Đơn vị BETA không có phân công với mẫu phiếu này trong kế hoạch “Kế hoạch kiểm tra 2026”.",
    ]


def test_unit_outside_the_users_team_is_refused(assignment, team):
    errors = rejected(assignment, team["stranger"], kobo_xlsx([ROW]))
    assert errors == [
        "Kiểm tra, hàng 2, cột D: Đơn vị GAMMA-VP nằm ngoài phạm vi của bạn: bạn không thuộc đoàn kiểm tra đơn vị này."
    ]


def test_columns_matching_no_item_and_missing_photo_are_refused(assignment, cast):
    errors = rejected(
        assignment,
        cast["inspector"],
        kobo_xlsx([["GAMMA-VP", "x", "id1"]], header=["ma_don_vi", "q1", "_uuid"]),
        date_column="",
        inspector_column="",
    )
    assert errors[0].startswith("Kiểm tra, hàng 1: Không có cột nào khớp với tiêu chí")
    errors = rejected(assignment, cast["inspector"], bundle(kobo_xlsx([ROW])))
    assert errors == ["Kiểm tra, hàng 2, cột K: Ảnh “bang_ten.jpg” không có trong tệp zip."]


def _upload(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_screen_previews_confirms_and_says_nothing_new_the_second_time(login, assignment, cast):
    client = login(cast["inspector"])
    url = reverse("inspections:submissions-import", args=[assignment.plan.pk])
    data = kobo_xlsx([ROW])
    form = {"unit_column": "ma_don_vi", "date_column": "today", "inspector_column": "_submitted_by"}
    preview = client.post(url, {**form, "file": _upload(data, "kobo.xlsx")})
    assert preview.status_code == 200
    assert "1 bài nộp: 1 mới, 0 đã nhập trước đó." in preview.content.decode()
    assert not Inspection.objects.exists()
    done = client.post(url, {**form, "token": preview.context["token"]})
    assert done.status_code == 302 and Inspection.objects.count() == 1
    second = client.post(url, {**form, "file": _upload(data, "kobo.xlsx")})
    assert "Không có gì mới để nhập" in second.content.decode()
    assert Inspection.objects.count() == 1


def test_screen_is_refused_for_a_plan_outside_scope(login, assignment, cast):
    response = login(cast["member"]).get(reverse("inspections:submissions-import", args=[assignment.plan.pk]))
    assert response.status_code in (403, 404)


def test_an_answer_breaking_its_items_constraint_is_refused_with_its_message(assignment, cast):
    from inspections.models import Item

    Item.objects.filter(version=assignment.template_version, code="I5").update(
        constraint=". >= 0 and . <= 10", constraint_message="Tối đa 10 người"
    )
    errors = rejected(assignment, cast["inspector"], kobo_xlsx([ROW]))
    assert errors == ["Kiểm tra, hàng 2, cột I: I5: Tối đa 10 người"]
