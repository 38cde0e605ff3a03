import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from staff.access import system_actor
from tests.factories import make_staff
from tests.training.conftest import make_class
from training import services
from training.models import (
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    Certificate,
    ClassSession,
    ClassStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    Outcome,
)

P, L, LE, EX, UN = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.LEFT_EARLY,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.UNEXCUSED,
)


def _people(unit, n, prefix="X"):
    return [make_staff(unit, f"Học viên {prefix}{i:03d}", code=f"{prefix}{i:03d}") for i in range(n)]


def _mark(cls, rows, *, actor=None, reason=""):
    actor = actor or system_actor()
    for index, session in enumerate(cls.sessions.order_by("date")):
        marks = [
            {"enrollment": e.pk, "status": statuses[index], "minutes": m[0][index] if m else None}
            for e, statuses, *m in rows
        ]
        services.attendance_save(actor=actor, session_id=session.pk, marks=marks, reason=reason)


def _messages(exc):
    return [str(m) for m in exc.value.messages]


# ------------------------------------------------------------------ waitlist
def test_full_class_waitlists_in_order_and_withdrawal_promotes_first(klass, tree, cast):
    klass.capacity = 2
    klass.save()
    a, b, c, d = _people(tree["alpha"], 4)
    result = services.enrollment_nominate_many(actor=cast["hr"], training_class=klass, staff_list=[a, b, c, d])
    assert (result.confirmed, result.waitlisted) == (2, 2)
    by_staff = {e.staff_id: e for e in Enrollment.objects.filter(training_class=klass)}
    assert [(by_staff[p.pk].status, by_staff[p.pk].waitlist_position) for p in (a, b, c, d)] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]

    services.enrollment_set_status(
        actor=cast["hr"], enrollment=by_staff[b.pk], status=EnrollmentStatus.WITHDRAWN, reason="Ốm"
    )
    statuses = dict(Enrollment.objects.filter(training_class=klass).values_list("staff_id", "status"))
    assert statuses == {a.pk: "confirmed", b.pk: "withdrawn", c.pk: "confirmed", d.pk: "waitlisted"}
    events = list(
        EnrollmentEvent.objects.filter(enrollment__staff=c).values_list("from_value", "to_value", "actor__username")
    )
    assert events == [("", "waitlisted", "hr"), ("waitlisted", "confirmed", "hr")]
    withdrawn = EnrollmentEvent.objects.filter(enrollment__staff=b).last()
    assert (withdrawn.from_value, withdrawn.to_value, withdrawn.reason) == ("confirmed", "withdrawn", "Ốm")


def test_withdrawing_a_waitlisted_person_promotes_nobody(klass, tree):
    klass.capacity = 1
    klass.save()
    a, b, c = _people(tree["alpha"], 3)
    services.enrollment_nominate_many(actor=system_actor(), training_class=klass, staff_list=[a, b, c])
    services.enrollment_set_status(actor=system_actor(), enrollment=Enrollment.objects.get(staff=b), status="withdrawn")
    assert dict(Enrollment.objects.values_list("staff_id", "status")) == {
        a.pk: "confirmed",
        b.pk: "withdrawn",
        c.pk: "waitlisted",
    }


def test_capacity_increase_promotes_waitlist(klass, tree):
    klass.capacity = 1
    klass.save()
    a, b, c = _people(tree["alpha"], 3)
    services.enrollment_nominate_many(actor=system_actor(), training_class=klass, staff_list=[a, b, c])
    services.class_update(actor=system_actor(), training_class=klass, capacity=2)
    assert dict(Enrollment.objects.values_list("staff_id", "status")) == {
        a.pk: "confirmed",
        b.pk: "confirmed",
        c.pk: "waitlisted",
    }


def test_staff_member_may_withdraw_themselves(klass, people, cast):
    services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"])
    e = Enrollment.objects.get(staff=people["binh"])
    services.enrollment_set_status(actor=cast["member"], enrollment=e, status="withdrawn")
    assert Enrollment.objects.get(pk=e.pk).status == "withdrawn"


def test_overlapping_sessions_give_a_warning(course, tree, people):
    first = make_class(course, tree["alpha"], code="L-A")
    second = make_class(course, tree["alpha"], code="L-B", times=(dt.time(11, 0), dt.time(16, 0)), days=1)
    services.enrollment_nominate(actor=system_actor(), training_class=first, staff=people["an"])
    result = services.enrollment_nominate(actor=system_actor(), training_class=second, staff=people["an"])
    assert result.warnings == [
        "Nguyễn Văn An đồng thời có lịch học lớp L-A ngày 01/06/2026 (08:00–12:00), trùng giờ với lớp này."
    ]
    third = make_class(course, tree["alpha"], code="L-C", times=(dt.time(13, 0), dt.time(16, 0)), days=1)
    assert services.enrollment_nominate(actor=system_actor(), training_class=third, staff=people["an"]).warnings == [
        "Nguyễn Văn An đồng thời có lịch học lớp L-B ngày 01/06/2026 (11:00–16:00), trùng giờ với lớp này."
    ]


# ------------------------------------------------------------------ bad input: nominations
def test_nominating_outside_scope_changes_nothing(klass, people, cast):
    with pytest.raises(ValidationError) as exc:
        services.enrollment_nominate_many(
            actor=cast["hr"], training_class=klass, staff_list=[people["an"], people["cuong"]]
        )
    assert _messages(exc) == ["Lê Văn Cường (B001) nằm ngoài phạm vi quản lý của bạn."]
    assert not Enrollment.objects.exists()


def test_nominating_twice_changes_nothing(klass, people, cast):
    services.enrollment_nominate(actor=cast["hr"], training_class=klass, staff=people["an"])
    with pytest.raises(ValidationError) as exc:
        services.enrollment_nominate(actor=cast["hr"], training_class=klass, staff=people["an"])
    assert _messages(exc) == ["Nguyễn Văn An (A001) đã có tên trong lớp này (Đã xác nhận)."]
    assert Enrollment.objects.count() == 1
    assert EnrollmentEvent.objects.count() == 1


def test_nominating_into_a_cancelled_class_changes_nothing(klass, people, cast):
    services.class_set_status(actor=cast["hr"], training_class=klass, status=ClassStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services.enrollment_nominate(actor=cast["hr"], training_class=klass, staff=people["an"])
    assert _messages(exc) == ["Lớp L-001 đã bị hủy; không thể cử thêm người."]
    assert not Enrollment.objects.exists()


def test_class_end_before_start_is_refused(course, tree, cast):
    with pytest.raises(ValidationError) as exc:
        services.class_create(
            actor=cast["hr"],
            course=course,
            code="BAD",
            unit=tree["alpha"],
            capacity=10,
            start_date=dt.date(2026, 7, 10),
            end_date=dt.date(2026, 7, 1),
        )
    assert exc.value.message_dict == {"end_date": ["Ngày kết thúc lớp trước ngày bắt đầu."]}
    from training.models import TrainingClass

    assert not TrainingClass.objects.filter(code="BAD").exists()


def test_capacity_below_confirmed_is_refused(klass, tree):
    services.enrollment_nominate_many(actor=system_actor(), training_class=klass, staff_list=_people(tree["alpha"], 3))
    with pytest.raises(ValidationError) as exc:
        services.class_update(actor=system_actor(), training_class=klass, capacity=2)
    assert exc.value.message_dict == {"capacity": ["Số học viên tối đa không thể thấp hơn 3 người đã được xác nhận."]}
    klass.refresh_from_db()
    assert klass.capacity == 30


def test_class_status_transitions(course, tree):
    cls = make_class(course, tree["alpha"], status=ClassStatus.PLANNED)
    with pytest.raises(ValidationError) as exc:
        services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.IN_PROGRESS)
    assert exc.value.message_dict == {"status": ["Lớp không thể chuyển từ “Dự kiến” sang “Đang học”."]}
    services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.OPEN)
    cls.refresh_from_db()
    assert (cls.status, cls.version) == ("open", 5)


# ------------------------------------------------------------------ attendance
def test_attendance_for_a_person_not_enrolled_changes_nothing(klass, people):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    other = make_class(klass.course, klass.unit, code="L-OTHER")
    stranger = services.enrollment_nominate(
        actor=system_actor(), training_class=other, staff=people["binh"]
    ).enrollments[0]
    session = klass.sessions.first()
    with pytest.raises(ValidationError) as exc:
        services.attendance_save(
            actor=system_actor(),
            session_id=session.pk,
            marks=[{"enrollment": e.pk, "status": "present"}, {"enrollment": stranger.pk, "status": "present"}],
        )
    assert exc.value.message_dict == {"marks": ["Dòng 2: Trần Thị Bình không có tên trong lớp này."]}
    assert not Attendance.objects.exists()
    session.refresh_from_db()
    assert session.attendance_version == 0


def test_attendance_for_a_future_session_changes_nothing(course, tree, people):
    cls = make_class(course, tree["alpha"], start=dt.date(2026, 6, 14), days=3)
    e = services.enrollment_nominate(actor=system_actor(), training_class=cls, staff=people["an"]).enrollments[0]
    future = cls.sessions.order_by("date").last()
    with pytest.raises(ValidationError) as exc:
        services.attendance_save(
            actor=system_actor(), session_id=future.pk, marks=[{"enrollment": e.pk, "status": "present"}]
        )
    assert exc.value.message_dict == {
        "session": ["Buổi học này diễn ra ngày 16/06/2026, trong tương lai; chưa thể điểm danh."]
    }
    assert not Attendance.objects.exists()


def test_attendance_with_unknown_status_changes_nothing(klass, people):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    with pytest.raises(ValidationError) as exc:
        services.attendance_save(
            actor=system_actor(),
            session_id=klass.sessions.first().pk,
            marks=[{"enrollment": e.pk, "status": "sleeping"}],
        )
    assert exc.value.message_dict == {"marks": ["Dòng 1: “sleeping” không phải là một trạng thái điểm danh."]}
    assert not Attendance.objects.exists()


def test_attendance_minutes_default_from_session_times_and_are_editable(klass, people):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    b = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"]).enrollments[0]
    session = klass.sessions.first()
    result = services.attendance_save(
        actor=system_actor(),
        session_id=session.pk,
        marks=[{"enrollment": a.pk, "status": "present"}, {"enrollment": b.pk, "status": "late", "minutes": 200}],
    )
    assert result.body == {
        "session": session.pk,
        "version": 1,
        "planned_minutes": 240,
        "marks": [
            {"enrollment": a.pk, "status": "present", "minutes": 240},
            {"enrollment": b.pk, "status": "late", "minutes": 200},
        ],
    }


def test_rescheduling_keeps_attendance_and_raises_sequence(klass, people):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    session = klass.sessions.first()
    services.attendance_save(
        actor=system_actor(), session_id=session.pk, marks=[{"enrollment": a.pk, "status": "present"}]
    )
    moved = services.session_update(
        actor=system_actor(), session=session, start_time=dt.time(13, 0), end_time=dt.time(17, 0)
    )
    assert (moved.sequence, moved.uid, moved.planned_minutes) == (1, session.uid, 240)
    assert Attendance.objects.get(session=session).minutes == 240


def test_changes_after_completion_need_a_reason_and_are_kept(klass, people, cast):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    _mark(klass, [(a, [P, P, P])])
    services.class_close(actor=system_actor(), training_class=klass, scores={a.pk: 7})
    session = klass.sessions.first()
    with pytest.raises(ValidationError) as exc:
        services.attendance_save(
            actor=cast["hr"], session_id=session.pk, marks=[{"enrollment": a.pk, "status": "excused"}]
        )
    assert exc.value.message_dict == {"reason": ["Lớp đã kết thúc: hãy nêu lý do thay đổi."]}
    services.attendance_save(
        actor=cast["hr"], session_id=session.pk, marks=[{"enrollment": a.pk, "status": "excused"}], reason="Nhầm người"
    )
    change = AttendanceChange.objects.get()
    assert (
        change.from_status,
        change.to_status,
        change.from_minutes,
        change.to_minutes,
        change.reason,
        change.after_completion,
        change.actor,
    ) == ("present", "excused", 240, 0, "Nhầm người", True, cast["hr"])


# ------------------------------------------------------------------ sync protocol
def test_replay_same_uuid_same_content_answers_the_same_without_new_rows(klass, people):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    session = klass.sessions.first()
    key = uuid.uuid4()
    marks = [{"enrollment": a.pk, "status": "present"}]
    first = services.attendance_save(
        actor=system_actor(), session_id=session.pk, marks=marks, client_uuid=key, content_hash="h1", expected_version=0
    )
    for _ in range(3):
        again = services.attendance_save(
            actor=system_actor(),
            session_id=session.pk,
            marks=marks,
            client_uuid=key,
            content_hash="h1",
            expected_version=0,
        )
        assert again.replayed and again.body == first.body
    session.refresh_from_db()
    assert session.attendance_version == 1
    with pytest.raises(services.SyncConflict) as exc:
        services.attendance_save(
            actor=system_actor(),
            session_id=session.pk,
            marks=[{"enrollment": a.pk, "status": "late"}],
            client_uuid=key,
            content_hash="h2",
        )
    assert exc.value.current["marks"] == [{"enrollment": a.pk, "status": "present", "minutes": 240}]
    with pytest.raises(services.SyncStale) as stale:
        services.attendance_save(
            actor=system_actor(),
            session_id=session.pk,
            marks=marks,
            client_uuid=uuid.uuid4(),
            content_hash="h3",
            expected_version=0,
        )
    assert stale.value.current["version"] == 1


# ------------------------------------------------------------------ completion and certificates
def test_completion_thresholds_and_certificate_gating(course, tree):
    # 3 sessions × 240 = 720 planned; course: 80 % attendance, pass mark 5, excused absence not counted.
    cls = make_class(course, tree["alpha"])
    people = _people(tree["alpha"], 6)
    result = services.enrollment_nominate_many(actor=system_actor(), training_class=cls, staff_list=people)
    full, exact80, below80, excused, failed, noshow = result.enrollments
    _mark(
        cls,
        [
            (full, [P, P, P]),
            (exact80, [P, P, LE], [240, 240, 96]),  # 576 / 720 = 80 %
            (below80, [P, P, LE], [240, 240, 95]),  # 575 / 720 < 80 %
            (excused, [P, P, EX]),  # 480 / 720 with excused not counted
            (failed, [P, P, P]),
            (noshow, [UN, UN, EX]),
        ],
    )
    summary = services.class_close(
        actor=system_actor(),
        training_class=cls,
        scores={full.pk: "8.5", exact80.pk: 5, below80.pk: 9, excused.pk: 9, failed.pk: "4.99", noshow.pk: None},
    )
    outcomes = dict(Enrollment.objects.filter(training_class=cls).values_list("pk", "outcome"))
    assert outcomes == {
        full.pk: "completed",
        exact80.pk: "completed",
        below80.pk: "not_completed",
        excused.pk: "not_completed",
        failed.pk: "not_completed",
        noshow.pk: "no_show",
    }
    assert (summary.completed, summary.not_completed, summary.no_show) == (2, 3, 1)
    certs = list(Certificate.objects.order_by("serial_no").values_list("enrollment_id", "number", "valid_until"))
    assert certs == [(full.pk, "2026/000001", dt.date(2028, 6, 15)), (exact80.pk, "2026/000002", dt.date(2028, 6, 15))]
    cls.refresh_from_db()
    assert cls.status == "completed"


def test_excused_absence_counts_when_the_course_says_so(course, tree):
    course.excused_counts_as_attended = True
    course.pass_mark = None
    course.save()
    cls = make_class(course, tree["alpha"])
    e = services.enrollment_nominate(
        actor=system_actor(), training_class=cls, staff=_people(tree["alpha"], 1)[0]
    ).enrollments[0]
    _mark(cls, [(e, [P, P, EX])])
    services.class_close(actor=system_actor(), training_class=cls)
    e.refresh_from_db()
    assert (e.outcome, e.attended_minutes, e.planned_minutes) == (Outcome.COMPLETED, 720, 720)


def test_serials_continue_across_classes_without_gaps(course, tree):
    for code in ["K1", "K2"]:
        cls = make_class(course, tree["alpha"], code=code)
        people = _people(tree["alpha"], 2, prefix=code)
        enrollments = services.enrollment_nominate_many(
            actor=system_actor(), training_class=cls, staff_list=people
        ).enrollments
        _mark(cls, [(e, [P, P, P]) for e in enrollments])
        services.class_close(actor=system_actor(), training_class=cls, scores={e.pk: 8 for e in enrollments})
    assert list(Certificate.objects.order_by("serial_no").values_list("number", flat=True)) == [
        "2026/000001",
        "2026/000002",
        "2026/000003",
        "2026/000004",
    ]


def test_closing_needs_a_class_in_progress_without_future_sessions(course, tree):
    cls = make_class(course, tree["alpha"], start=dt.date(2026, 6, 14))
    with pytest.raises(ValidationError) as exc:
        services.class_close(actor=system_actor(), training_class=cls)
    assert _messages(exc) == ["Lớp vẫn còn buổi học trong tương lai."]
    cls.refresh_from_db()
    assert cls.status == "in_progress"


def test_a_course_without_assessment_keeps_no_pass_mark(tree):
    from training.models import CourseCategory

    course = services.course_create(
        actor=system_actor(),
        code="KN-SO",
        title="Kỹ năng số",
        category=CourseCategory.DIGITAL,
        planned_minutes=240,
        owner_unit=tree["alpha"],
        pass_mark=None,
    )
    course.refresh_from_db()
    assert course.pass_mark is None


# ------------------------------------------------------------------ deleting sessions
def test_a_session_without_attendance_is_deleted_and_the_audit_trail_keeps_it(klass, cast):
    session = klass.sessions.order_by("date").last()
    version = klass.version
    services.session_delete(actor=cast["hr"], session=session)
    assert list(klass.sessions.values_list("date", flat=True)) == [dt.date(2026, 6, 1), dt.date(2026, 6, 2)]
    klass.refresh_from_db()
    assert klass.version == version + 1
    deleted = ClassSession.history.get(id=session.pk, history_type="-")
    assert deleted.history_user == cast["hr"] and deleted.date == dt.date(2026, 6, 3)


def test_a_session_with_attendance_cannot_be_deleted(klass, people, cast):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    session = klass.sessions.order_by("date").first()
    services.attendance_save(
        actor=system_actor(), session_id=session.pk, marks=[{"enrollment": a.pk, "status": "present"}]
    )
    with pytest.raises(ValidationError) as exc:
        services.session_delete(actor=cast["hr"], session=session)
    assert _messages(exc) == ["Buổi học ngày 01/06/2026 đã có điểm danh (1 lượt); không thể xóa."]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.session_delete(actor=cast["hr"], session=session)
    assert _messages(exc) == [
        "Attendance has already been recorded for the session of 01/06/2026 (1 marks); it cannot be deleted."
    ]
    assert klass.sessions.count() == 3 and Attendance.objects.filter(session=session).count() == 1
    assert not ClassSession.history.filter(id=session.pk, history_type="-").exists()


def test_deleting_a_session_outside_scope_or_of_a_closed_class_is_refused(klass, course, tree, cast):
    session = klass.sessions.first()
    with pytest.raises(ValidationError):
        services.session_delete(actor=cast["outsider_hr"], session=session)
    cancelled = make_class(course, tree["alpha"], code="L-X", status=ClassStatus.PLANNED)
    services.class_set_status(actor=system_actor(), training_class=cancelled, status=ClassStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services.session_delete(actor=cast["hr"], session=cancelled.sessions.first())
    assert _messages(exc) == ["Không thể sửa lớp đã kết thúc hoặc đã hủy."]
    assert klass.sessions.count() == 3 and cancelled.sessions.count() == 3


# ------------------------------------------------------------------ registration deadline
def test_nominations_close_after_the_registration_deadline_until_it_is_moved(course, tree, people, cast):
    cls = make_class(
        course,
        tree["alpha"],
        code="L-REG",
        start=dt.date(2026, 7, 1),
        status=ClassStatus.OPEN,
        registration_deadline=dt.date(2026, 6, 14),
    )
    with pytest.raises(ValidationError) as exc:
        services.enrollment_nominate_many(
            actor=cast["hr"], training_class=cls, staff_list=[people["an"], people["binh"]]
        )
    assert _messages(exc) == ["Lớp L-REG đã hết hạn đăng ký ngày 14/06/2026; hãy dời hạn đăng ký để cử thêm người."]
    assert not Enrollment.objects.exists() and not EnrollmentEvent.objects.exists()
    # The deadline day itself is still open: moving the deadline (an audited class edit) reopens registration.
    services.class_update(actor=cast["hr"], training_class=cls, registration_deadline=dt.date(2026, 6, 15))
    result = services.enrollment_nominate(actor=cast["hr"], training_class=cls, staff=people["an"])
    assert result.confirmed == 1
    # Withdrawing after the deadline still works, and the seat goes to the waitlist as usual.
    services.class_update(actor=cast["hr"], training_class=cls, registration_deadline=dt.date(2026, 6, 1))
    services.enrollment_set_status(
        actor=cast["hr"], enrollment=result.enrollments[0], status=EnrollmentStatus.WITHDRAWN
    )
    assert Enrollment.objects.get().status == EnrollmentStatus.WITHDRAWN


def test_registration_deadline_after_the_class_ends_is_refused(course, tree, cast):
    with pytest.raises(ValidationError) as exc:
        services.class_create(
            actor=cast["hr"],
            course=course,
            code="L-LATE",
            unit=tree["alpha"],
            capacity=10,
            start_date=dt.date(2026, 7, 1),
            end_date=dt.date(2026, 7, 3),
            registration_deadline=dt.date(2026, 7, 4),
        )
    assert exc.value.message_dict == {"registration_deadline": ["Hạn đăng ký sau ngày kết thúc lớp."]}


def test_every_write_needs_an_actor(klass, people):
    """No anonymous way through: commands and jobs pass staff.access.system_actor()."""
    with pytest.raises(TypeError):
        services.enrollment_nominate(actor=None, training_class=klass, staff=people["an"])
    with pytest.raises(TypeError):
        services.class_update(actor=None, training_class=klass, capacity=3)
    assert not Enrollment.objects.filter(training_class=klass).exists()


def test_registration_deadline_binds_the_system_actor_too(klass, people):
    klass.registration_deadline = klass.start_date - dt.timedelta(days=400)
    klass.save(update_fields=["registration_deadline"])
    with pytest.raises(ValidationError):
        services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"])
