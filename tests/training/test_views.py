import datetime as dt
import io
import uuid

from django.urls import reverse

from staff.access import system_actor
from tests.factories import make_staff
from tests.training.conftest import make_class
from training import services
from training.models import Attendance, Certificate, ClassStatus, Enrollment, TrainingClass


def test_hr_schedules_a_class_on_screen(login, course, tree, cast):
    client = login(cast["hr"])
    response = client.post(
        reverse("training:class-create"),
        {
            "course": course.pk,
            "code": "L-NEW",
            "unit": tree["alpha1"].pk,
            "venue": "Hội trường",
            "trainers": "TS. Hà",
            "capacity": 40,
            "start_date": "01/07/2026",
            "end_date": "03/07/2026",
            "trainer_usernames": "member",
        },
    )
    cls = TrainingClass.objects.get(code="L-NEW")
    assert response.status_code == 302 and response["Location"] == reverse("training:class-detail", args=[cls.pk])
    assert [u.username for u in cls.trainer_users.all()] == ["member"]
    bad = client.post(
        reverse("training:class-create"),
        {
            "course": course.pk,
            "code": "L-BAD",
            "unit": tree["alpha"].pk,
            "capacity": 10,
            "start_date": "10/07/2026",
            "end_date": "01/07/2026",
        },
    )
    assert bad.status_code == 400
    assert "Ngày kết thúc lớp trước ngày bắt đầu." in bad.content.decode()


def test_roll_call_screen_plain_form_without_js(login, klass, people, cast):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    b = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"]).enrollments[0]
    session = klass.sessions.first()
    client = login(cast["hr"])
    page = client.get(reverse("training:roll-call", args=[session.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="status-{a.pk}" value="present" checked' in html
    assert "<script>" not in html and "style=" not in html
    key = str(uuid.uuid4())
    form = {
        "client_uuid": key,
        "version": 0,
        f"status-{a.pk}": "present",
        f"minutes-{a.pk}": "240",
        f"status-{b.pk}": "late",
        f"minutes-{b.pk}": "200",
    }
    response = client.post(reverse("training:roll-call", args=[session.pk]), form)
    assert response.status_code == 302
    again = client.post(reverse("training:roll-call", args=[session.pk]), form)  # double submit
    assert again.status_code == 302
    assert sorted(Attendance.objects.values_list("enrollment_id", "status", "minutes")) == [
        (a.pk, "present", 240),
        (b.pk, "late", 200),
    ]


def test_roll_call_refused_keeps_what_was_posted(login, klass, people, cast):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    b = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"]).enrollments[0]
    session = klass.sessions.first()
    form = {
        "client_uuid": str(uuid.uuid4()),
        "version": 0,
        f"status-{a.pk}": "late",
        f"minutes-{a.pk}": "999",
        f"status-{b.pk}": '"><b>x',
        f"minutes-{b.pk}": "",
    }
    response = login(cast["hr"]).post(reverse("training:roll-call", args=[session.pk]), form)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count(" checked>") == 1
    assert f'<input type="radio" name="status-{a.pk}" value="late" checked>' in html
    assert f'name="minutes-{a.pk}" value="999"' in html
    assert f'name="status-{b.pk}" value="present">' in html and "<b>x" not in html
    assert not Attendance.objects.exists()


def test_roll_call_refuses_future_session(login, course, tree, people, cast):
    cls = make_class(course, tree["alpha"], start=dt.date(2026, 6, 20))
    services.enrollment_nominate(actor=system_actor(), training_class=cls, staff=people["an"])
    page = login(cast["hr"]).get(reverse("training:roll-call", args=[cls.sessions.first().pk]))
    assert "trong tương lai; chưa thể điểm danh" in page.content.decode()
    assert 'name="client_uuid"' not in page.content.decode()


def test_trainer_without_hr_role_can_take_attendance_of_their_class_only(login, klass, course, tree, people, cast):
    klass.trainer_users.add(cast["member"])
    other = make_class(course, tree["alpha"], code="L-OTHER")
    client = login(cast["member"])
    assert client.get(reverse("training:roll-call", args=[klass.sessions.first().pk])).status_code == 200
    assert client.get(reverse("training:roll-call", args=[other.sessions.first().pk])).status_code == 404


def test_close_on_screen_issues_certificates_and_public_verification(login, klass, people, cast, client):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    for s in klass.sessions.all():
        services.attendance_save(
            actor=system_actor(), session_id=s.pk, marks=[{"enrollment": a.pk, "status": "present"}]
        )
    hr = login(cast["hr"])
    response = hr.post(reverse("training:class-close", args=[klass.pk]), {f"score-{a.pk}": "7,5"})
    assert response.status_code == 302
    cert = Certificate.objects.get()
    assert (cert.number, str(Enrollment.objects.get().score)) == ("2026/000001", "7.50")
    hr.logout()
    public = client.get(reverse("training:certificate-verify", args=[cert.verify_code]))
    assert public.status_code == 200 and "N. V. An" in public.content.decode()
    assert "Nguyễn Văn An" not in public.content.decode()
    assert (
        client.get(reverse("training:certificate-verify-legacy", kwargs={"year": 2026, "serial": 1})).status_code == 404
    )


def test_nominate_by_unit_on_screen_with_waitlist(login, klass, tree, cast):
    klass.capacity = 2
    klass.save()
    for i in range(3):
        make_staff(tree["alpha1"], f"Người {i}", code=f"U{i}")
    response = login(cast["hr"]).post(reverse("training:class-nominate", args=[klass.pk]), {"unit": tree["alpha1"].pk})
    assert response.status_code == 302
    assert sorted(Enrollment.objects.values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]


def test_my_record_shows_own_hours_and_certificates(login, klass, people, cast):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"]).enrollments[0]
    for s in klass.sessions.all():
        services.attendance_save(
            actor=system_actor(), session_id=s.pk, marks=[{"enrollment": a.pk, "status": "present"}]
        )
    services.class_close(actor=system_actor(), training_class=klass, scores={a.pk: 9})
    page = login(cast["member"]).get(reverse("training:my-record"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026/000001" in html and "L-001" in html
    assert ">12</span> / 40 tiết theo định mức" in html


def test_hours_screen_constant_queries(login, tree, cast, django_assert_num_queries):
    for i in range(10):
        make_staff(tree["alpha1"], f"Người {i}", code=f"H{i:03d}")
    client = login(cast["hr"])
    client.get(reverse("training:hours"))  # warm the session
    with django_assert_num_queries(5):
        small = client.get(reverse("training:hours"), {"year": 2026})
    for i in range(10, 60):
        make_staff(tree["alpha1"], f"Người {i}", code=f"H{i:03d}")
    with django_assert_num_queries(5):
        big = client.get(reverse("training:hours"), {"year": 2026})
    assert small.status_code == big.status_code == 200
    assert big.content.decode().count("badge warn") == 62


def test_class_list_constant_queries(login, course, tree, cast, django_assert_num_queries):
    client = login(cast["hr"])
    make_class(course, tree["alpha"], code="L-1")
    client.get(reverse("training:class-list"))
    with django_assert_num_queries(5):
        client.get(reverse("training:class-list"))
    for i in range(2, 8):
        make_class(course, tree["alpha"], code=f"L-{i}", days=1, status=ClassStatus.OPEN)
    with django_assert_num_queries(5):
        response = client.get(reverse("training:class-list"))
    assert response.content.decode().count("/training/classes/") >= 7


def test_hr_deletes_a_session_without_attendance_on_screen(login, klass, people, cast):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    marked, second, third = klass.sessions.order_by("date")
    services.attendance_save(
        actor=system_actor(), session_id=marked.pk, marks=[{"enrollment": a.pk, "status": "present"}]
    )
    client = login(cast["hr"])
    page = client.get(reverse("training:class-detail", args=[klass.pk])).content.decode()
    # A delete button only for sessions without attendance.
    assert reverse("training:session-delete", args=[marked.pk]) not in page
    assert reverse("training:session-delete", args=[third.pk]) in page
    response = client.post(reverse("training:session-delete", args=[third.pk]), follow=True)
    assert "Đã xóa buổi học ngày 03/06/2026." in response.content.decode()
    refused = client.post(reverse("training:session-delete", args=[marked.pk]), follow=True).content.decode()
    assert "Buổi học ngày 01/06/2026 đã có điểm danh (1 lượt); không thể xóa." in refused
    assert sorted(klass.sessions.values_list("pk", flat=True)) == [marked.pk, second.pk]
    assert Attendance.objects.filter(session=marked).count() == 1
    # A trainer who may take attendance but not manage the class cannot delete.
    klass.trainer_users.add(cast["member"])
    assert login(cast["member"]).post(reverse("training:session-delete", args=[second.pk])).status_code == 404
    assert klass.sessions.count() == 2


def test_nominating_after_the_registration_deadline_is_refused_on_screen_and_api(
    login, api, course, tree, people, cast
):
    cls = make_class(
        course,
        tree["alpha"],
        code="L-REG",
        start=dt.date(2026, 7, 1),
        status=ClassStatus.OPEN,
        registration_deadline=dt.date(2026, 6, 14),
    )
    client = login(cast["hr"])
    assert "hết hạn đăng ký" in client.get(reverse("training:class-detail", args=[cls.pk])).content.decode()
    assert (
        "Đã hết hạn đăng ký ngày 14/06/2026."
        in client.get(reverse("training:class-nominate", args=[cls.pk])).content.decode()
    )
    refused = client.post(reverse("training:class-nominate", args=[cls.pk]), {"staff_codes": "A001"})
    assert refused.status_code == 400
    assert "Lớp L-REG đã hết hạn đăng ký ngày 14/06/2026" in refused.content.decode()
    answer = api(cast["hr"]).post(f"/api/v1/classes/{cls.pk}/nominate/", {"staff": [people["an"].pk]}, format="json")
    assert answer.status_code == 400 and "hết hạn đăng ký" in str(answer.json())
    assert not Enrollment.objects.exists()


def _history(html: str) -> str:
    """The audit section of a record page ("Lịch sử thay đổi"), whitespace collapsed."""
    assert 'id="history-title"' in html
    return " ".join(html.split('id="history-title"', 1)[1].split("</section>", 1)[0].split())


def test_record_pages_show_who_changed_what(login, api, klass, course, people, cast):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"]).enrollments[0]
    for session in klass.sessions.all():
        services.attendance_save(
            actor=system_actor(), session_id=session.pk, marks=[{"enrollment": e.pk, "status": "present"}]
        )
    client = login(cast["hr"])
    # Class: edited on screen.
    client.post(
        reverse("training:class-edit", args=[klass.pk]),
        {
            "unit": klass.unit_id,
            "venue": "Hội trường B",
            "capacity": 35,
            "start_date": "01/06/2026",
            "end_date": "03/06/2026",
        },
    )
    page = _history(client.get(reverse("training:class-detail", args=[klass.pk])).content.decode())
    assert (
        "hr" in page
        and "<strong>sức chứa</strong>: 30 → 35" in page
        and "<strong>địa điểm</strong>: — → Hội trường B" in page
    )
    # Course and enrollment: edited through the API.
    hr_api = api(cast["hr"])
    etag = hr_api.get(f"/api/v1/courses/{course.pk}/")["ETag"]
    assert (
        hr_api.patch(
            f"/api/v1/courses/{course.pk}/", {"title": "Văn hóa công vụ 2026"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    page = _history(client.get(reverse("training:course-detail", args=[course.pk])).content.decode())
    assert "<td>hr</td>" in page and "Văn hóa công vụ → Văn hóa công vụ 2026" in page
    assert (
        api(cast["hr"]).post(f"/api/v1/enrollments/{e.pk}/score/", {"score": "7.5"}, format="json").status_code == 200
    )
    page = _history(client.get(reverse("training:enrollment-detail", args=[e.pk])).content.decode())
    assert "<td>hr</td>" in page and "— → 7,50" in page
    # Certificate: issued by closing the class on screen.
    client.post(reverse("training:class-close", args=[klass.pk]), {f"score-{e.pk}": "7.5"})
    cert = Certificate.objects.get(enrollment=e)
    page = _history(client.get(reverse("training:certificate-detail", args=[cert.pk])).content.decode())
    assert "<td>hr</td>" in page and "tạo mới" in page and cert.number in page
    # The person sees the history of their own enrollment; someone outside the scope does not see the page.
    own = _history(login(cast["member"]).get(reverse("training:enrollment-detail", args=[e.pk])).content.decode())
    assert "— → 7,50" in own
    assert login(cast["outsider_hr"]).get(reverse("training:enrollment-detail", args=[e.pk])).status_code == 404


def test_both_import_screens_list_refusals_with_the_shared_include(login, klass, cast):
    """Staff roster import and nominations import render the refused file the same way (templates/includes)."""
    from openpyxl import Workbook

    def upload(rows):
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        buffer.seek(0)
        buffer.name = "file.xlsx"
        return buffer

    client = login(cast["hr"])
    pages = {
        "training": client.post(
            reverse("training:class-import", args=[klass.pk]), {"file": upload([["Mã số"], ["ZZZ9"], ["ZZZ8"]])}
        ),
        "staff": client.post(
            reverse("staff:staff-import"),
            {
                "file": upload(
                    [
                        ["Mã số", "Họ và tên", "Đơn vị", "Phân loại"],
                        ["N1", "Hà Thu", "KHÔNG-CÓ", "Công chức"],
                        ["N2", "Bế Hải", "KHÔNG-CÓ", "Công chức"],
                    ]
                )
            },
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 400, name
        assert [t.name for t in response.templates].count("includes/import_errors.html") == 1, name
        html = response.content.decode()
        assert '<div class="error" role="alert">' in html and "Tệp bị từ chối: 2 lỗi." in html, name
        assert html.count("<li>Sheet, hàng") == 2, name
    assert "Không có cán bộ nào có mã ZZZ9." in pages["training"].content.decode()


def test_roll_call_screen_constant_queries(login, klass, tree, cast, django_assert_num_queries):
    session = klass.sessions.first()
    first = [make_staff(tree["alpha1"], f"Học viên R{i}", code=f"R{i:03d}") for i in range(2)]
    marked = services.enrollment_nominate_many(actor=system_actor(), training_class=klass, staff_list=first)
    services.attendance_save(
        actor=system_actor(),
        session_id=session.pk,
        marks=[{"enrollment": marked.enrollments[0].pk, "status": "late", "minutes": 100}],
    )
    client = login(cast["hr"])
    url = reverse("training:roll-call", args=[session.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(5) as few:
        small = client.get(url)
    more = [make_staff(tree["alpha1"], f"Học viên S{i}", code=f"S{i:03d}") for i in range(20)]
    services.enrollment_nominate_many(actor=system_actor(), training_class=klass, staff_list=more)
    with django_assert_num_queries(len(few.captured_queries)):
        big = client.get(url)
    assert small.status_code == big.status_code == 200
    html = big.content.decode()
    assert html.count('class="roll-row"') == 22
    late = marked.enrollments[0].pk
    assert f'name="status-{late}" value="late" checked' in html and f'name="minutes-{late}" value="100"' in html
