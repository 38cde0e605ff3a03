import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.xlsx import ImportRejected
from staff.access import system_actor
from tests.factories import make_staff
from tests.training.conftest import make_class
from training import exports, services
from training.importers import nominations_apply, nominations_parse
from training.models import Enrollment
from training.selectors import hours_ledger


def _book(data):
    return load_workbook(io.BytesIO(data))


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def closed(klass, people):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    b = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"]).enrollments[0]
    statuses = [("present", "present"), ("late", "unexcused"), ("present", "excused")]
    for session, (sa, sb) in zip(klass.sessions.order_by("date"), statuses, strict=True):
        services.attendance_save(
            actor=system_actor(),
            session_id=session.pk,
            marks=[
                {"enrollment": a.pk, "status": sa, "minutes": 180 if sa == "late" else None},
                {"enrollment": b.pk, "status": sb},
            ],
        )
    services.class_close(actor=system_actor(), training_class=klass, scores={a.pk: "8.5", b.pk: 6})
    return klass


def test_attendance_matrix_export_round_trip(closed, django_assert_num_queries):
    with django_assert_num_queries(3):
        data = exports.attendance_matrix_xlsx(training_class=closed)
    wb = _book(data)
    ws = wb["Chuyên cần"] if "Chuyên cần" in wb.sheetnames else wb.worksheets[0]
    rows = _rows(ws)
    assert rows[0] == [
        "Mã số",
        "Họ và tên",
        "Đơn vị",
        "01/06 08:00",
        "02/06 08:00",
        "03/06 08:00",
        "Số phút tham dự",
        "Số phút theo kế hoạch",
        "Tỷ lệ hoàn thành %",
        "Số buổi vắng",
    ]
    assert rows[1] == ["A001", "Nguyễn Văn An", "Sở Alpha", "x", "M 180'", "x", 660, 720, 91.7, 0]
    assert rows[2] == ["A002", "Trần Thị Bình", "Phòng Alpha-1", "x", "K 0'", "P 0'", 240, 720, 33.3, 2]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:J3"


def test_roster_export_lists_outcomes_and_certificates(closed):
    rows = _rows(_book(exports.class_roster_xlsx(training_class=closed)).worksheets[0])
    assert rows[1] == [
        1,
        "A001",
        "Nguyễn Văn An",
        "Sở Alpha",
        "Đã xác nhận",
        None,
        660,
        8.5,
        "Hoàn thành",
        "2026/000001",
    ]
    assert rows[2] == [
        2,
        "A002",
        "Trần Thị Bình",
        "Phòng Alpha-1",
        "Đã xác nhận",
        None,
        240,
        6,
        "Không hoàn thành",
        None,
    ]


def test_sign_in_sheet_has_one_sheet_per_session(closed):
    wb = _book(exports.sign_in_sheet_xlsx(training_class=closed))
    assert wb.sheetnames == ["01-06-2026 08h00", "02-06-2026 08h00", "03-06-2026 08h00"]
    assert _rows(wb.worksheets[0])[1] == [1, "A001", "Nguyễn Văn An", "Sở Alpha", None, None, None]


def test_hours_and_plan_exports(closed, cast):
    rows = hours_ledger(user=cast["hr"], year=2026)
    sheet = _rows(_book(exports.hours_xlsx(rows=rows, year=2026)).worksheets[0])
    assert sheet[1] == [
        "A001",
        "Nguyễn Văn An",
        "Sở Alpha",
        11.0,  # 660 of the class's 720 minutes: 11 of its 12 tiết
        0.0,
        11.0,
        40,
        "Định mức bồi dưỡng chung (40 tiết/năm)",
        "TT 01/2018/TT-BNV, Điều 3 (chương trình bồi dưỡng bắt buộc tối thiểu hằng năm); "
        "mức 1 tuần = 40 tiết theo kế hoạch ĐTBD của tỉnh",
        28,
        "Có nguy cơ không đạt",
        660,
    ]
    from training.selectors import year_plan

    plan = _rows(_book(exports.plan_xlsx(classes=year_plan(user=cast["hr"], year=2026), year=2026)).worksheets[0])
    assert plan[1][:3] == ["L-001", "Văn hóa công vụ", "Văn hóa công vụ"]
    assert plan[1][9:] == [3, 12, 30, 2, 0, "Hoàn thành"]


def test_formula_like_text_is_stored_as_text(course, tree):
    person = make_staff(tree["alpha"], '=HYPERLINK("x")', code="F001")
    cls = make_class(course, tree["alpha"], code="L-F")
    services.enrollment_nominate(actor=system_actor(), training_class=cls, staff=person)
    ws = _book(exports.class_roster_xlsx(training_class=cls)).worksheets[0]
    assert ws["C2"].data_type == "s" and ws["C2"].value == '=HYPERLINK("x")'


def test_nomination_import_all_or_nothing_with_cell_errors(klass, people, cast):
    data = _xlsx(
        [
            ["DANH SÁCH CỬ ĐI HỌC"],
            [],
            ["Mã số", "Họ và tên"],
            ["A001", "An"],
            ["ZZZ9", "?"],
            ["B001", "Cường"],
            ["A001", "An"],
        ]
    )
    with pytest.raises(ImportRejected) as exc:
        nominations_parse(data=data, training_class=klass, actor=cast["hr"])
    assert [str(e) for e in exc.value.errors] == [
        "Sheet, hàng 5, cột A: Không có cán bộ nào có mã ZZZ9.",
        "Sheet, hàng 6, cột A: Lê Văn Cường (B001) nằm ngoài phạm vi quản lý của bạn.",
        "Sheet, hàng 7, cột A: Mã số A001 lặp lại (lần đầu ở hàng 4).",
    ]
    assert not Enrollment.objects.exists()


def test_nomination_import_round_trip(klass, people, cast):
    template = _book(exports.nomination_template_xlsx())
    ws = template.worksheets[0]
    ws.append(["A001", "Nguyễn Văn An"])
    ws.append(["A002", "Trần Thị Bình"])
    buffer = io.BytesIO()
    template.save(buffer)
    plan = nominations_parse(data=buffer.getvalue(), training_class=klass, actor=cast["hr"])
    result = nominations_apply(plan=plan, actor=cast["hr"])
    assert (result.confirmed, result.waitlisted) == (2, 0)
    assert sorted(Enrollment.objects.values_list("staff__staff_code", flat=True)) == ["A001", "A002"]


def test_a_nomination_list_longer_than_its_limit_is_refused_with_the_limit(klass, people, cast, settings):
    """One class's list is capped by NOMINATION_IMPORT_MAX_ROWS (memory: bench/bench_upload_memory.py)."""
    settings.NOMINATION_IMPORT_MAX_ROWS = 1
    data = _xlsx([["Mã số", "Họ và tên"], ["A001", "An"], ["A002", "Bình"]])
    with pytest.raises(ImportRejected) as exc:
        nominations_parse(data=data, training_class=klass, actor=cast["hr"])
    assert [str(e) for e in exc.value.errors] == ["Sheet, hàng 3: Tệp có hơn 1 hàng; hãy chia nhỏ tệp."]
    settings.NOMINATION_IMPORT_MAX_ROWS = 2
    assert nominations_parse(data=data, training_class=klass, actor=cast["hr"]).total == 2


def test_nomination_import_after_the_registration_deadline_is_refused(course, tree, people, cast):
    cls = make_class(
        course, tree["alpha"], code="L-REG", start=dt.date(2026, 7, 1), registration_deadline=dt.date(2026, 6, 10)
    )
    with pytest.raises(ImportRejected) as exc:
        nominations_parse(data=_xlsx([["Mã số"], ["A001"]]), training_class=cls, actor=cast["hr"])
    assert [str(e) for e in exc.value.errors] == [
        "Sheet: Lớp L-REG đã hết hạn đăng ký ngày 10/06/2026; hãy dời hạn đăng ký để cử thêm người."
    ]
    assert not Enrollment.objects.exists()


# ------------------------------------------------------------------ formula injection (issue #8), every workbook
def test_every_training_workbook_writes_formula_like_text_as_text(course, tree, people, cast, login):
    """Each training download, fetched as a user would, with hostile text in every free-text column that reaches a
    workbook: staff name, unit name, course title, venue, requirement rule, external training title and provider.
    No cell holds a formula (raw sheet XML) and each text is a string cell (openpyxl)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.hardening.test_exports import HOSTILE, assert_text_not_formula, body

    name, unit, title, venue, rule, ext_title, provider = (
        HOSTILE,
        "-2+3",  # a leading tab is trimmed where text enters (core.text.clean_text)
        "+1+1",
        "@SUM(A1)",
        "=2+2",
        "-3-3",
        "@Học viện",
    )
    person = people["an"]
    person.full_name = name
    person.save()
    tree["alpha"].name = unit
    tree["alpha"].save()
    services.course_update(actor=system_actor(), course=course, title=title)
    cls = make_class(course, tree["alpha"], code="L-X", venue=venue)
    e = services.enrollment_nominate(actor=system_actor(), training_class=cls, staff=person).enrollments[0]
    for session in cls.sessions.all():
        services.attendance_save(
            actor=system_actor(), session_id=session.pk, marks=[{"enrollment": e.pk, "status": "present"}]
        )
    services.class_close(actor=system_actor(), training_class=cls, scores={e.pk: 9})
    services.requirement_create(actor=system_actor(), name=rule, periods_per_year=50, effective_year=2026)
    external = services.external_record(
        actor=system_actor(),
        staff=person,
        title=ext_title,
        provider=provider,
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 2),
        periods=4,
        evidence=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    services.external_decide(actor=system_actor(), external=external, approve=True)

    client = login(cast["hr"])
    downloads = {
        "roster": (reverse("training:class-roster-xlsx", args=[cls.pk]), [name, unit]),
        "attendance matrix": (reverse("training:class-matrix-xlsx", args=[cls.pk]), [name, unit]),
        "sign-in sheets": (reverse("training:class-signin-xlsx", args=[cls.pk]), [name, unit]),
        "hours report": (reverse("training:hours-export") + "?year=2026", [name, unit, rule]),
        "person record": (
            reverse("training:person-record-xlsx", args=[person.pk]) + "?year=2026",
            [title, ext_title, provider, rule],
        ),
        "year plan": (reverse("training:plan-export") + "?year=2026", [title, unit, venue]),
    }
    for label, (url, texts) in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, label
        assert_text_not_formula(body(response), *texts)
