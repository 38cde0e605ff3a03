import datetime as dt

import pytest
from django.core import mail

from inspections import services as inspection_services
from inspections.models import InspectionStatus
from notifications.models import EmailStatus, Notification
from notifications.services import Reminder, notification_send, reminders_send
from staff.access import system_actor
from tests.factories import UserFactory, grant
from tests.inspections.conftest import GOOD_ANSWERS, fill, make_checklist
from tests.notifications.conftest import NOW, TODAY
from tests.training.conftest import make_class
from training import services as training_services
from training.models import ClassStatus, EnrollmentStatus


def _rows(**filters):
    return sorted(
        (n.recipient.username, n.kind, n.occasion, n.title)
        for n in Notification.objects.filter(**filters).select_related("recipient")
    )


def _link_users(cast, people):
    """Bình is the cast's member; An gets an account of his own."""
    an = UserFactory(username="an")
    people["an"].user = an
    people["an"].save(update_fields=["user"])
    return an


# ---------------------------------------------------------------------------------------- training
def test_class_reminders_a_week_and_a_day_before_go_to_confirmed_enrollees_once(course, tree, cast, people):
    _link_users(cast, people)
    week = make_class(
        course,
        tree["alpha"],
        code="L-7",
        start=TODAY + dt.timedelta(days=7),
        days=1,
        capacity=1,
        status=ClassStatus.OPEN,
        venue="Hội trường A",
    )
    day = make_class(
        course, tree["alpha"], code="L-1", start=TODAY + dt.timedelta(days=1), days=2, status=ClassStatus.OPEN
    )
    training_services.enrollment_nominate_many(
        actor=system_actor(), training_class=week, staff_list=[people["binh"], people["an"]]
    )
    training_services.enrollment_nominate(actor=system_actor(), training_class=day, staff=people["an"])
    assert week.enrollments.get(staff=people["an"]).status == EnrollmentStatus.WAITLISTED  # no reminder for him
    mail.outbox.clear()

    counts = reminders_send(today=TODAY, now=NOW, only={"class_sessions"})

    assert counts == {"class_sessions": 2, "emails_retried": 0}
    assert _rows() == [
        ("an", "class_day", "2026-06-16", "Ngày mai: Văn hóa công vụ (L-1), ngày 16/06/2026 lúc 08:00"),
        ("member", "class_week", "2026-06-22", "Còn một tuần: Văn hóa công vụ (L-7), ngày 22/06/2026 lúc 08:00"),
    ]
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (["an@example.org"], "[CongVu] Ngày mai: Văn hóa công vụ (L-1), ngày 16/06/2026 lúc 08:00"),
        (["member@example.org"], "[CongVu] Còn một tuần: Văn hóa công vụ (L-7), ngày 22/06/2026 lúc 08:00"),
    ]
    week_mail = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert "Địa điểm: Hội trường A." in week_mail.body
    assert "http://127.0.0.1:8000/training/me/" in week_mail.body

    assert reminders_send(today=TODAY, now=NOW, only={"class_sessions"}) == {"class_sessions": 0, "emails_retried": 0}
    assert (Notification.objects.count(), len(mail.outbox)) == (2, 2)


def test_no_class_reminder_for_a_cancelled_class(course, tree, cast, people):
    klass = make_class(
        course, tree["alpha"], code="L-X", start=TODAY + dt.timedelta(days=7), days=1, status=ClassStatus.OPEN
    )
    training_services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"])
    training_services.class_set_status(
        actor=system_actor(), training_class=klass, status=ClassStatus.CANCELLED, reason="Hoãn"
    )
    assert reminders_send(today=TODAY, now=NOW, only={"class_sessions"})["class_sessions"] == 0


def test_nomination_waitlist_and_promotion_are_each_announced_once(course, tree, cast, people):
    _link_users(cast, people)
    klass = make_class(
        course,
        tree["alpha"],
        code="L-W",
        start=TODAY + dt.timedelta(days=20),
        days=1,
        capacity=1,
        status=ClassStatus.OPEN,
    )
    training_services.enrollment_nominate_many(
        actor=system_actor(), training_class=klass, staff_list=[people["binh"], people["an"]]
    )
    reminders_send(today=TODAY, now=NOW, only={"enrollment_changes"})
    bình = klass.enrollments.get(staff=people["binh"])
    training_services.enrollment_set_status(
        actor=system_actor(), enrollment=bình, status=EnrollmentStatus.WITHDRAWN, reason="Bận công tác"
    )

    counts = reminders_send(today=TODAY, now=NOW, only={"enrollment_changes"})

    titles = [(user, title) for user, _kind, _occasion, title in _rows(kind="enrollment")]
    assert sorted(set(titles)) == sorted(
        [
            ("an", "Bạn đang trong danh sách chờ của lớp L-W – Văn hóa công vụ"),
            ("an", "Chỗ học của bạn tại lớp L-W – Văn hóa công vụ đã được xác nhận"),
            ("member", "Chỗ học của bạn tại lớp L-W – Văn hóa công vụ đã được xác nhận"),
            ("member", "Việc đăng ký lớp L-W – Văn hóa công vụ của bạn đã được rút"),
        ]
    )
    assert counts["enrollment_changes"] == 2  # the withdrawal and the promotion; the rest went out before
    withdrawn = Notification.objects.get(recipient=cast["member"], title__contains="được rút")
    assert withdrawn.body == "Lớp học bắt đầu ngày 05/07/2026. Lý do: Bận công tác"
    assert reminders_send(today=TODAY, now=NOW, only={"enrollment_changes"})["enrollment_changes"] == 0


def test_old_enrollment_changes_are_not_announced(course, tree, cast, people):
    klass = make_class(
        course, tree["alpha"], code="L-O", start=TODAY + dt.timedelta(days=20), days=1, status=ClassStatus.OPEN
    )
    training_services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"])
    later = NOW + dt.timedelta(days=3)
    assert reminders_send(today=later.date(), now=later, only={"enrollment_changes"})["enrollment_changes"] == 0


# ------------------------------------------------------------------------------------- inspections
@pytest.fixture
def inspection_team(cast, tree):
    member = UserFactory(username="inspector2")
    grant(member, "inspector", tree["gamma"])
    checklist = make_checklist()
    plan = inspection_services.plan_create(actor=system_actor(), year=2026, name="Kế hoạch 2026", unit=tree["province"])
    return {"lead": cast["inspector"], "member": member, "checklist": checklist, "plan": plan}


def _finding(inspection_team, tree):
    assignment = inspection_services.assignment_create(
        actor=system_actor(),
        plan=inspection_team["plan"],
        unit=tree["alpha"],
        template_version=inspection_team["checklist"],
        due_date=TODAY - dt.timedelta(days=30),
        lead=inspection_team["lead"],
        members=[inspection_team["member"]],
    )
    answers = [a if a.item != "I1" else type(a)("I1", "no", note="Không đeo thẻ") for a in GOOD_ANSWERS]
    inspection = fill(assignment, answers, on=TODAY - dt.timedelta(days=31))
    return inspection.findings.get()


def test_corrective_actions_due_soon_and_overdue_reach_the_person_and_the_unit_head_once(
    inspection_team, tree, cast, people
):
    finding = _finding(inspection_team, tree)
    soon = inspection_services.action_create(
        actor=inspection_team["lead"],
        finding=finding,
        description="Đeo thẻ công chức",
        due_date=TODAY + dt.timedelta(days=3),
        unit=tree["alpha"],
        responsible_person=people["binh"],
    )
    inspection_services.action_create(
        actor=inspection_team["lead"],
        finding=finding,
        description="Báo cáo khắc phục",
        due_date=TODAY - dt.timedelta(days=1),
        unit=tree["alpha"],
    )
    inspection_services.action_create(
        actor=inspection_team["lead"],
        finding=finding,
        description="Còn xa",
        due_date=TODAY + dt.timedelta(days=4),
        unit=tree["alpha"],
    )

    counts = reminders_send(today=TODAY, now=NOW, only={"corrective_actions"})

    assert counts["corrective_actions"] == 3
    assert _rows() == [
        ("member", "action_due", "due:2026-06-18", "Biện pháp khắc phục đến hạn ngày 18/06/2026: Đeo thẻ công chức"),
        ("unit_head", "action_due", "due:2026-06-18", "Biện pháp khắc phục đến hạn ngày 18/06/2026: Đeo thẻ công chức"),
        (
            "unit_head",
            "action_overdue",
            "due:2026-06-14",
            "Biện pháp khắc phục quá hạn (hạn 14/06/2026): Báo cáo khắc phục",
        ),
    ]
    assert Notification.objects.get(recipient=cast["member"]).url == f"/inspections/actions/{soon.pk}/"
    assert reminders_send(today=TODAY, now=NOW, only={"corrective_actions"})["corrective_actions"] == 0
    # Tomorrow: nothing again for the same due dates; only "Còn xa" comes within three days.
    tomorrow = NOW + dt.timedelta(days=1)
    assert reminders_send(today=tomorrow.date(), now=tomorrow, only={"corrective_actions"})["corrective_actions"] == 1
    assert Notification.objects.latest("pk").title == "Biện pháp khắc phục đến hạn ngày 19/06/2026: Còn xa"


def test_a_done_action_is_not_reminded(inspection_team, tree, cast, people):
    finding = _finding(inspection_team, tree)
    action = inspection_services.action_create(
        actor=inspection_team["lead"],
        finding=finding,
        description="Xong rồi",
        due_date=TODAY + dt.timedelta(days=1),
        unit=tree["alpha"],
    )
    inspection_services.action_update_progress(actor=cast["unit_head"], action=action, status="done", note="Đã làm")
    assert reminders_send(today=TODAY, now=NOW, only={"corrective_actions"})["corrective_actions"] == 0


def test_assigned_inspections_due_remind_the_team_and_self_inspections_the_unit_head(inspection_team, tree, cast):
    inspection_services.assignment_create(
        actor=system_actor(),
        plan=inspection_team["plan"],
        unit=tree["gamma_office"],
        template_version=inspection_team["checklist"],
        due_date=TODAY + dt.timedelta(days=2),
        lead=inspection_team["lead"],
        members=[inspection_team["member"]],
    )
    done = inspection_services.assignment_create(
        actor=system_actor(),
        plan=inspection_team["plan"],
        unit=tree["gamma"],
        template_version=inspection_team["checklist"],
        due_date=TODAY + dt.timedelta(days=1),
        lead=inspection_team["lead"],
    )
    fill(done, approve=False, on=TODAY)
    assert done.inspection.status == InspectionStatus.SUBMITTED
    inspection_services.assignment_create(
        actor=system_actor(),
        plan=inspection_team["plan"],
        unit=tree["alpha"],
        template_version=inspection_team["checklist"],
        due_date=TODAY + dt.timedelta(days=3),
        is_self=True,
    )

    counts = reminders_send(today=TODAY, now=NOW, only={"assignments_due"})

    assert counts["assignments_due"] == 3
    assert _rows() == [
        ("inspector", "inspection_due", "due:2026-06-17", "Kiểm tra Văn phòng xã Gamma, hạn ngày 17/06/2026"),
        ("inspector2", "inspection_due", "due:2026-06-17", "Kiểm tra Văn phòng xã Gamma, hạn ngày 17/06/2026"),
        ("unit_head", "inspection_due", "due:2026-06-18", "Kiểm tra Sở Alpha, hạn ngày 18/06/2026"),
    ]


# ------------------------------------------------------------------------------- the unique key
def test_the_database_refuses_a_second_notification_for_the_same_occasion(cast):
    reminder = Reminder(cast["hr"].pk, "other", "x:1", "2026-06-15", "Một lần thôi")
    first = notification_send(reminder=reminder, email="hr@example.org")
    assert notification_send(reminder=reminder, email="hr@example.org") is None
    assert (Notification.objects.count(), len(mail.outbox), first.email_status) == (1, 1, EmailStatus.PENDING)
    first.refresh_from_db()
    assert first.email_status == EmailStatus.SENT


def test_a_failed_email_is_retried_later_and_sent_once(cast, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.EmailBackend"
    notification_send(reminder=Reminder(cast["hr"].pk, "other", "x:1", "a", "Thư lỗi"), email="hr@example.org")
    assert Notification.objects.get().email_status == EmailStatus.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = NOW + dt.timedelta(minutes=30)
    assert reminders_send(today=TODAY, now=later, only={"none"}) == {"emails_retried": 1}
    assert reminders_send(today=TODAY, now=later, only={"none"}) == {"emails_retried": 0}
    assert ([m.subject for m in mail.outbox], Notification.objects.get().email_status) == (
        ["[CongVu] Thư lỗi"],
        EmailStatus.SENT,
    )


def test_no_email_address_means_in_app_only(cast):
    notification = notification_send(
        reminder=Reminder(cast["hr"].pk, "other", "x:1", "a", "Chỉ trong ứng dụng"), email=""
    )
    assert (notification.email_status, len(mail.outbox)) == (EmailStatus.NONE, 0)
