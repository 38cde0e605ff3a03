"""No status trap: a planned class's roll call says the class must be opened and saves by opening it in the same
step; whoever cannot open it is told so before typing anything; a refused save keeps what was typed."""

import uuid

from django.urls import reverse

from staff.access import system_actor
from tests.training.conftest import make_class
from training import services
from training.models import Attendance, ClassStatus, TrainingClass


def _planned(course, tree, people):
    cls = make_class(course, tree["alpha"], code="L-PLAN", status=ClassStatus.PLANNED)
    services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.OPEN)
    a = services.enrollment_nominate(actor=system_actor(), training_class=cls, staff=people["an"]).enrollments[0]
    services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.PLANNED)
    return TrainingClass.objects.get(pk=cls.pk), a


def test_planned_class_roll_call_offers_to_open_and_saves_in_one_step(login, course, tree, people, cast):
    cls, a = _planned(course, tree, people)
    session = cls.sessions.order_by("date").first()
    client = login(cast["hr"])
    detail = client.get(reverse("training:class-detail", args=[cls.pk])).content.decode()
    assert reverse("training:roll-call", args=[session.pk]) in detail
    page = client.get(reverse("training:roll-call", args=[session.pk])).content.decode()
    assert "Lớp đang ở trạng thái dự kiến. Chỉ lưu được điểm danh của lớp đã mở" in page
    assert 'name="open_class" value="1">Mở lớp và lưu điểm danh</button>' in page
    form = {
        "client_uuid": str(uuid.uuid4()),
        "version": "0",
        f"status-{a.pk}": "late",
        f"minutes-{a.pk}": "200",
        "open_class": "1",
    }
    saved = client.post(reverse("training:roll-call", args=[session.pk]), form, follow=True)
    html = saved.content.decode()
    assert "Lớp đã được mở nhận đăng ký." in html
    cls.refresh_from_db()
    assert cls.status == ClassStatus.OPEN
    assert list(Attendance.objects.values_list("enrollment_id", "status", "minutes")) == [(a.pk, "late", 200)]


def test_a_refused_save_opens_nothing_and_keeps_what_was_typed(login, course, tree, people, cast):
    cls, a = _planned(course, tree, people)
    session = cls.sessions.order_by("date").first()
    form = {
        "client_uuid": str(uuid.uuid4()),
        "version": "0",
        f"status-{a.pk}": "present",
        f"minutes-{a.pk}": "999",
        "open_class": "1",
    }
    refused = login(cast["hr"]).post(reverse("training:roll-call", args=[session.pk]), form)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert f'name="minutes-{a.pk}" value="999"' in html
    cls.refresh_from_db()
    assert (cls.status, Attendance.objects.count()) == (ClassStatus.PLANNED, 0)


def test_a_trainer_who_cannot_open_the_class_is_told_before_typing(login, course, tree, people, cast):
    cls, a = _planned(course, tree, people)
    cls.trainer_users.add(cast["member"])
    session = cls.sessions.order_by("date").first()
    client = login(cast["member"])
    detail = client.get(reverse("training:class-detail", args=[cls.pk])).content.decode()
    assert reverse("training:roll-call", args=[session.pk]) not in detail
    assert "Điểm danh được khi lớp đã mở" in detail
    page = client.get(reverse("training:roll-call", args=[session.pk])).content.decode()
    assert "chỉ lưu được điểm danh khi đơn vị tổ chức đã mở lớp" in page
    assert f'name="status-{a.pk}"' not in page
    form = {"client_uuid": str(uuid.uuid4()), "version": "0", f"status-{a.pk}": "present", "open_class": "1"}
    refused = client.post(reverse("training:roll-call", args=[session.pk]), form)
    assert refused.status_code == 403
    cls.refresh_from_db()
    assert (cls.status, Attendance.objects.count()) == (ClassStatus.PLANNED, 0)


def test_an_open_class_roll_call_has_no_opening_step(login, klass, people, cast):
    services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"])
    page = login(cast["hr"]).get(reverse("training:roll-call", args=[klass.sessions.first().pk])).content.decode()
    assert "open_class" not in page and "Lưu điểm danh" in page
