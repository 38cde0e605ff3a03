"""The attendance register: every mark in the user's scope, filtered, paged, exported to Excel (on screen and in
the background), with the same scope as visible_to() and constant queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.permissions import Role
from jobs.models import ExportJob, ExportStatus
from staff.access import system_actor
from tests.factories import UserFactory, grant
from tests.jobs import conftest as jobs_fixtures
from tests.training.conftest import make_class
from training import services
from training.models import Attendance, AttendanceStatus
from training.selectors import attendance_records

run_db_worker = jobs_fixtures.run_db_worker  # the background export test runs the worker in this process
P, U, E = AttendanceStatus.PRESENT, AttendanceStatus.UNEXCUSED, AttendanceStatus.EXCUSED


def _roll_call(cls, people, statuses):
    enrollments = services.enrollment_nominate_many(
        actor=system_actor(), training_class=cls, staff_list=people
    ).enrollments
    for session in cls.sessions.order_by("date"):
        marks = [{"enrollment": e.pk, "status": s} for e, s in zip(enrollments, statuses, strict=True)]
        services.attendance_save(actor=system_actor(), session_id=session.pk, marks=marks)


@pytest.fixture
def marks(tree, people, course):
    """Class L-A of Sở Alpha (3 sessions from 01/06/2026): An present, Bình absent, Cường of Sở Beta excused.
    Class L-B of Sở Beta (2 sessions from 08/06/2026): Cường present, Dũng of xã Gamma present."""
    a = make_class(course, tree["alpha"], code="L-A")
    _roll_call(a, [people["an"], people["binh"], people["cuong"]], [P, U, E])
    b = make_class(course, tree["beta"], code="L-B", start=dt.date(2026, 6, 8), days=2)
    _roll_call(b, [people["cuong"], people["dung"]], [P, P])
    return {"a": a, "b": b}


def _rows(content: bytes):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_each_user_sees_the_marks_of_their_scope_as_visible_to(marks, cast, tree):
    province_hr = UserFactory(username="hr_tinh_att")
    grant(province_hr, Role.HR, tree["province"])
    for user in [*cast.values(), province_hr]:
        assert set(attendance_records(user=user)) == set(Attendance.objects.visible_to(user)), user
    names = lambda user: sorted({m.enrollment.staff.full_name for m in attendance_records(user=user)})  # noqa: E731
    # Sở Alpha's HR: its class (Cường of Sở Beta included) but not Sở Beta's class.
    assert names(cast["hr"]) == ["Lê Văn Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    assert attendance_records(user=cast["hr"]).filter(session__training_class=marks["b"]).count() == 0
    # Sở Beta's HR: its class and its person's marks in Sở Alpha's class, nobody else's there.
    assert attendance_records(user=cast["outsider_hr"]).count() == 2 * 2 + 3
    assert names(cast["member"]) == ["Trần Thị Bình"]  # own marks only
    assert attendance_records(user=cast["nobody"]).count() == 0
    assert attendance_records(user=province_hr).count() == 3 * 3 + 2 * 2


def test_register_is_newest_session_first_and_filters(marks, cast, people):
    user = cast["admin"]
    rows = list(attendance_records(user=user))
    assert [m.session.date for m in rows] == sorted((m.session.date for m in rows), reverse=True)
    assert rows[0].session.date == dt.date(2026, 6, 9)
    filtered = lambda **f: attendance_records(user=user, filters=f)  # noqa: E731
    assert filtered(status="unexcused").count() == 3  # Bình, three sessions
    assert filtered(training_class=str(marks["b"].pk)).count() == 4
    assert filtered(q="cuong").count() == 3 + 2  # folded name
    assert filtered(q="l-b").count() == 4  # class code
    assert filtered(start="02/06/2026", end="2026-06-08").count() == 2 * 3 + 2
    assert filtered(year="2025").count() == 0


def test_page_lists_marks_of_the_scope_and_links_to_the_class(login, marks, cast, people):
    html = login(cast["hr"]).get(reverse("training:attendance-list")).content.decode()
    assert "Sổ điểm danh" in html
    assert html.count("<tr>") == 1 + 9  # header and 3 people × 3 sessions
    assert reverse("training:class-detail", args=[marks["a"].pk]) in html
    assert "L-B" not in html and "Hoàng Đức Dũng" not in html
    assert "Vắng không phép" in html
    other = login(cast["outsider_hr"]).get(reverse("training:attendance-list"), {"training_class": marks["a"].pk})
    assert other.content.decode().count("<tr>") == 1 + 3  # only Cường's marks of Sở Alpha's class
    by_unit = login(cast["admin"]).get(reverse("training:attendance-list"), {"unit": people["cuong"].unit_id})
    assert by_unit.context["page_obj"].paginator.count == 3 + 2  # Cường's marks in both classes
    assert login(cast["nobody"]).get(reverse("training:attendance-list")).status_code == 404  # no training role


def test_page_costs_the_same_queries_for_few_or_many_marks(
    login, marks, cast, course, tree, people, django_assert_num_queries
):
    client = login(cast["hr"])
    client.get(reverse("training:attendance-list"))
    with django_assert_num_queries(5) as few:
        client.get(reverse("training:attendance-list"))
    more = make_class(course, tree["alpha"], code="L-A2", start=dt.date(2026, 5, 4), days=5)
    _roll_call(more, [people["an"], people["binh"]], [P, P])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("training:attendance-list"))
    assert response.context["page_obj"].paginator.count == 9 + 10


def test_export_has_the_registers_rows_in_its_order(login, marks, cast):
    client = login(cast["hr"])
    response = client.get(reverse("training:attendance-export"), {"status": "unexcused"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="so-diem-danh-')
    rows = _rows(b"".join(response.streaming_content))
    assert rows[0][:3] == ("Ngày", "Bắt đầu", "Mã lớp")
    assert [(r[0].date(), r[1], r[2], r[6], r[8], r[9]) for r in rows[1:]] == [
        (dt.date(2026, 6, 3), "08:00", "L-A", "Trần Thị Bình", "Vắng không phép", 0),
        (dt.date(2026, 6, 2), "08:00", "L-A", "Trần Thị Bình", "Vắng không phép", 0),
        (dt.date(2026, 6, 1), "08:00", "L-A", "Trần Thị Bình", "Vắng không phép", 0),
    ]
    everything = _rows(b"".join(client.get(reverse("training:attendance-export")).streaming_content))
    assert len(everything) == 1 + 9 and {r[2] for r in everything[1:]} == {"L-A"}  # scope kept


def test_export_with_a_wrong_date_says_which_filter_and_writes_nothing(login, marks, cast):
    client = login(cast["hr"])
    response = client.get(reverse("training:attendance-export"), {"start": "31/02/2026"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("training:attendance-list")
    text = response.content.decode()
    assert "Bộ lọc không hợp lệ" in text and "Từ ngày" in text


def test_export_query_count_does_not_grow_with_the_rows(
    login, marks, cast, course, tree, people, django_assert_num_queries
):
    client = login(cast["hr"])
    b"".join(client.get(reverse("training:attendance-export")).streaming_content)
    with django_assert_num_queries(4) as few:
        b"".join(client.get(reverse("training:attendance-export")).streaming_content)
    more = make_class(course, tree["alpha"], code="L-A2", start=dt.date(2026, 5, 4), days=5)
    _roll_call(more, [people["an"], people["binh"]], [P, P])
    with django_assert_num_queries(len(few.captured_queries)):
        rows = _rows(b"".join(client.get(reverse("training:attendance-export")).streaming_content))
    assert len(rows) == 1 + 19


def test_background_export_matches_the_screen_export(
    login, marks, cast, run_db_worker, django_capture_on_commit_callbacks
):
    client = login(cast["outsider_hr"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:export-start"), {"kind": "attendance_records", "year": "2026"})
    run_db_worker()
    job = ExportJob.objects.get()
    assert (job.status, job.rows_done) == (ExportStatus.DONE, 7)
    background = _rows(b"".join(client.get(reverse("jobs:export-download", args=[job.pk])).streaming_content))
    screen = _rows(b"".join(client.get(reverse("training:attendance-export"), {"year": "2026"}).streaming_content))
    assert background == screen and len(background) == 1 + 7
    bad = client.post(reverse("jobs:export-start"), {"kind": "attendance_records", "end": "2026-13-01"})
    assert bad.status_code == 400 and ExportJob.objects.count() == 1


def test_api_lists_the_marks_of_the_scope_with_the_scorecards_filters(api, marks, cast, tree):
    """/api/v1/attendance-records/: the register's marks in the user's scope, and the conditions the scorecards'
    attendance rate counts (the person's unit in the period, confirmed enrollments, attended or not)."""
    url = reverse("attendance-record-list")
    body = api(cast["hr"]).get(url).json()
    assert body["count"] == 3 * 3  # Sở Alpha's class only
    assert {r["class_code"] for r in body["results"]} == {"L-A"}
    assert {r["status_label"] for r in body["results"]} == {"Có mặt", "Vắng không phép", "Vắng có phép"}
    counted = {"member_unit": tree["alpha"].pk, "member_start": "2026-06-01", "member_end": "2026-06-30"}
    counted |= {
        "start": "2026-06-01",
        "end": "2026-06-30",
        "enrollment_status": "confirmed",
        "class_cancelled": "false",
    }
    assert api(cast["hr"]).get(url, counted).json()["count"] == 2 * 3  # An and Bình, three sessions
    assert api(cast["hr"]).get(url, {**counted, "attended": "true"}).json()["count"] == 3  # An
    # Another unit's people: not in the HR officer's scope (refused), and their marks never listed.
    outside = api(cast["hr"]).get(url, {**counted, "member_unit": tree["beta"].pk})
    assert outside.status_code in (400, 404) or outside.json()["count"] == 0
    assert api(cast["nobody"]).get(url).status_code in (403, 404) or api(cast["nobody"]).get(url).json()["count"] == 0
