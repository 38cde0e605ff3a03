"""A year of realistic training for the demo province: a course catalogue per content group, classes in the
departments and communes, attendance with realistic absences, completed classes with outcomes and certificates,
open classes with waitlists, external training, and people both ahead and behind on their hours.

Deterministic for a given seed. Bulk writes with explicit ids; attendance is written in chunks so the province
scale (≈3,000 classes, ≈1,000,000 marks) stays within memory and within minutes."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from core import audit
from core.text import fold
from staff.models import Staff, StaffStatus, Unit, UnitKind
from training.demo_data import COURSES, SLOTS, TRAINERS, VENUES
from training.models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    CertificateCounter,
    ClassSession,
    ClassStatus,
    Course,
    CourseCategory,
    CourseMode,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    ExternalStatus,
    ExternalTraining,
    Outcome,
    TrainingClass,
    TrainingRequirement,
)
from training.requirements import attended_periods, default_session_periods
from training.services import enrollment_outcome


def _minutes(slot) -> int:
    return ClassSession.minutes_between(*slot)


def _weekdays_from(day: dt.date, n: int) -> list[dt.date]:
    days = []
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _next_pk(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def seed(ctx) -> None:
    started = time.monotonic()
    rng = ctx.rng
    year = ctx.year
    today = min(timezone.localdate(), dt.date(year, 12, 31))
    province = ctx.province or Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if province is None:
        return
    now = timezone.now()

    # ---------------------------------------------------------------- catalogue and rules
    courses = []
    for code, title, title_en, category, sessions, mandatory, pass_mark, pct, validity, basis in COURSES:
        courses.append(
            Course(
                code=code,
                title=title,
                title_en=title_en,
                search_title=f"{code} {title} {title_en}".lower(),
                category=category,
                mode=CourseMode.ONLINE if code in ("KHCN-03", "LLCT-02") else CourseMode.IN_PERSON,
                planned_minutes=sessions * 240,
                planned_periods=sessions * 4,
                target_groups="Cán bộ, công chức, viên chức",
                owner_unit=province,
                is_mandatory=mandatory,
                min_attendance_percent=pct,
                pass_mark=pass_mark,
                certificate_validity_months=validity,
                issues_certificate=code not in ("LLCT-02", "VHCV-02"),
                legal_basis=basis,
                created_at=now,
                updated_at=now,
            )
        )
    courses = audit.bulk_create(Course, courses)
    courses = list(Course.objects.filter(code__in=[c[0] for c in COURSES]).order_by("code"))
    sessions_of = {c[0]: c[4] for c in COURSES}
    for c in courses:
        c.search_title = fold(f"{c.code} {c.title} {c.title_en}")
    audit.bulk_update(Course, courses, ["search_title"])
    audit.bulk_create(
        TrainingRequirement,
        [
            TrainingRequirement(
                name="Cán bộ cấp xã (48 tiết)",
                staff_category="can_bo",
                periods_per_year=48,
                effective_year=year,
                legal_basis="Kế hoạch ĐTBD của UBND tỉnh",
                created_at=now,
                updated_at=now,
            ),
            TrainingRequirement(
                name="Chuyên viên chính (60 tiết)",
                rank_code="01.002",
                periods_per_year=60,
                effective_year=year,
                legal_basis="Kế hoạch ĐTBD của UBND tỉnh",
                created_at=now,
                updated_at=now,
            ),
        ],
    )

    # ---------------------------------------------------------------- people and organisers
    people = list(Staff.objects.filter(status=StaffStatus.ACTIVE).values_list("pk", "unit__path", "user_id"))
    organisers = list(
        Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.COMMUNE]).order_by("path")
    )
    by_prefix: dict[str, list[int]] = {}
    for unit in organisers:
        by_prefix[unit.path] = [pk for pk, path, _u in people if path.startswith(unit.path)]
    everyone = [pk for pk, _p, _u in people]
    # Some people are keen (ahead on hours), some hardly come (behind): they weigh the draws and the absences.
    keen = set(rng.sample(everyone, k=len(everyone) // 6))
    reluctant = set(rng.sample([p for p in everyone if p not in keen], k=len(everyone) // 8))
    demo_people = [s.staff_profile.pk for s in ctx.users.values() if hasattr(s, "staff_profile")]

    province_scale = ctx.scale == "province"
    n_classes = 3000 if province_scale else 90
    users = ctx.users
    trainer_user = users.get("hr")

    class_pk, session_pk, enrollment_pk = _next_pk(TrainingClass), _next_pk(ClassSession), _next_pk(Enrollment)
    classes, sessions, enrollments, events = [], [], [], []
    class_meta = []  # (class, course, [session], [enrollment])
    seq = 0
    for i in range(n_classes):
        course = courses[i % len(courses)]
        organiser = province if i % 10 == 0 else rng.choice(organisers[1:] or organisers)
        pool = by_prefix.get(organiser.path) or everyone
        n_sessions = sessions_of[course.code]
        if province_scale:
            n_sessions = max(2, min(12, n_sessions + rng.randint(-1, 2)))
        start = dt.date(year, 1, 6) + dt.timedelta(days=rng.randint(0, 330))
        days = _weekdays_from(start, (n_sessions + 1) // 2)
        slots = []
        for d in days:
            slots.append((d, SLOTS[0]))
            if len(slots) < n_sessions:
                slots.append((d, SLOTS[1]))
        end = slots[-1][0]
        if end < today:
            status = ClassStatus.COMPLETED
        elif start <= today:
            status = ClassStatus.IN_PROGRESS
        else:
            status = ClassStatus.OPEN if (start - today).days <= 60 else ClassStatus.PLANNED
        if rng.random() < 0.02 and status != ClassStatus.IN_PROGRESS:
            status = ClassStatus.CANCELLED
        size = rng.randint(25, 65) if province_scale else rng.randint(12, 30)
        seq += 1
        cls = TrainingClass(
            pk=class_pk,
            course=course,
            code=f"{year}-{course.code}-{seq:04d}",
            unit=organiser,
            venue="Phòng họp trực tuyến" if course.mode == CourseMode.ONLINE else rng.choice(VENUES),
            trainers=", ".join(rng.sample(TRAINERS, 2)),
            capacity=size,
            registration_deadline=start - dt.timedelta(days=7),
            start_date=start,
            end_date=end,
            status=status,
            version=1,
            created_at=now,
            updated_at=now,
            completed_at=now if status == ClassStatus.COMPLETED else None,
        )
        class_pk += 1
        classes.append(cls)
        cls_sessions = []
        for n, (d, slot) in enumerate(slots, 1):
            s = ClassSession(
                pk=session_pk,
                training_class=cls,
                date=d,
                start_time=slot[0],
                end_time=slot[1],
                planned_minutes=_minutes(slot),
                periods=default_session_periods(*slot),
                topic=f"Chuyên đề {n}",
                trainer=rng.choice(TRAINERS),
                sequence=0,
                attendance_version=0,
                updated_at=now,
            )
            session_pk += 1
            cls_sessions.append(s)
        sessions.extend(cls_sessions)
        weights = [3 if p in keen else (0.3 if p in reluctant else 1) for p in pool]
        chosen = list(dict.fromkeys(rng.choices(pool, weights=weights, k=min(len(pool), size + 10))))
        if demo_people and i % 9 == 0:
            chosen = list(dict.fromkeys([*demo_people, *chosen]))
        waitlisted = status == ClassStatus.OPEN and rng.random() < 0.3
        confirmed_n = size if waitlisted else min(size, len(chosen))
        cls_enrollments = []
        for k, staff_pk in enumerate(chosen[: size + (5 if waitlisted else 0)]):
            if status == ClassStatus.CANCELLED:
                st, pos = EnrollmentStatus.CANCELLED, None
            elif k < confirmed_n:
                st, pos = EnrollmentStatus.CONFIRMED, None
            else:
                st, pos = EnrollmentStatus.WAITLISTED, k - confirmed_n + 1
            if (
                st == EnrollmentStatus.CONFIRMED
                and status in (ClassStatus.PLANNED, ClassStatus.OPEN)
                and rng.random() < 0.04
            ):
                st = EnrollmentStatus.WITHDRAWN
            e = Enrollment(
                pk=enrollment_pk,
                training_class=cls,
                staff_id=staff_pk,
                status=st,
                waitlist_position=pos,
                nominated_by=users.get("hr.tinh"),
                version=1,
                created_at=now,
                updated_at=now,
            )
            enrollment_pk += 1
            cls_enrollments.append(e)
            events.append(
                EnrollmentEvent(
                    enrollment=e,
                    actor=users.get("hr.tinh"),
                    from_value="",
                    to_value=EnrollmentStatus.CONFIRMED if st == EnrollmentStatus.WITHDRAWN else st,
                    reason="Kế hoạch ĐTBD năm",
                    at=now,
                )
            )
            if st == EnrollmentStatus.WITHDRAWN:
                events.append(
                    EnrollmentEvent(
                        enrollment=e,
                        actor=users.get("hr.tinh"),
                        from_value=EnrollmentStatus.CONFIRMED,
                        to_value=st,
                        reason="Bận công tác",
                        at=now,
                    )
                )
        enrollments.extend(cls_enrollments)
        class_meta.append((cls, course, cls_sessions, cls_enrollments))

    audit.bulk_create(TrainingClass, classes, batch_size=1000)
    if trainer_user is not None:
        through = TrainingClass.trainer_users.through
        audit.bulk_create(
            through,
            [
                through(trainingclass_id=c.pk, user_id=trainer_user.pk)
                for c in classes[:40]
                if c.status in (ClassStatus.OPEN, ClassStatus.IN_PROGRESS)
            ],
        )
    audit.bulk_create(ClassSession, sessions, batch_size=2000)
    audit.bulk_create(Enrollment, enrollments, batch_size=2000)
    audit.bulk_create(EnrollmentEvent, events, batch_size=5000)
    structure_done = time.monotonic()

    # ---------------------------------------------------------------- attendance, outcomes, certificates
    marks_total = 0
    buffer: list[Attendance] = []
    closed_updates, outcome_events, certificates = [], [], []
    serial = CertificateCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
    for cls, course, cls_sessions, cls_enrollments in class_meta:
        if cls.status not in (ClassStatus.COMPLETED, ClassStatus.IN_PROGRESS):
            continue
        held = [s for s in cls_sessions if s.date <= today]
        planned_total = sum(s.planned_minutes for s in cls_sessions)
        planned_periods = sum(s.periods for s in cls_sessions)
        for e in cls_enrollments:
            if e.status != EnrollmentStatus.CONFIRMED:
                continue
            absent_p = 0.25 if e.staff_id in reluctant else 0.04
            attended = excused = present_marks = 0
            no_show = rng.random() < 0.02
            for s in held:
                r = rng.random()
                if no_show or r < absent_p:
                    st = AttendanceStatus.EXCUSED if rng.random() < 0.6 else AttendanceStatus.UNEXCUSED
                    minutes = 0
                    excused += s.planned_minutes if st == AttendanceStatus.EXCUSED else 0
                elif r < absent_p + 0.05:
                    st, minutes = AttendanceStatus.LATE, s.planned_minutes - rng.choice([15, 20, 30, 45])
                elif r < absent_p + 0.08:
                    st, minutes = AttendanceStatus.LEFT_EARLY, s.planned_minutes - rng.choice([30, 45, 60])
                else:
                    st, minutes = AttendanceStatus.PRESENT, s.planned_minutes
                if st not in (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED):
                    present_marks += 1
                attended += minutes
                buffer.append(
                    Attendance(
                        session_id=s.pk,
                        enrollment_id=e.pk,
                        status=st,
                        minutes=minutes,
                        marked_by=trainer_user,
                        marked_at=now,
                    )
                )
            if len(buffer) >= 20_000:
                marks_total += len(buffer)
                audit.bulk_create(Attendance, buffer, batch_size=5000)
                buffer = []
            if cls.status != ClassStatus.COMPLETED:
                continue
            if course.pass_mark is not None and present_marks:
                e.score = Decimal(str(round(min(10.0, max(2.0, rng.gauss(7.4, 1.3))), 1)))
            outcome, counted = enrollment_outcome(
                course=course,
                attended=attended,
                excused=excused,
                planned=planned_total,
                present_marks=present_marks,
                score=e.score,
            )
            e.outcome, e.attended_minutes, e.planned_minutes = outcome, counted, planned_total
            e.planned_periods = planned_periods
            e.attended_periods = attended_periods(
                planned_periods=planned_periods, counted_minutes=counted, planned_minutes=planned_total
            )
            closed_updates.append(e)
            outcome_events.append(
                EnrollmentEvent(
                    enrollment=e,
                    actor=users.get("hr.tinh"),
                    field="outcome",
                    from_value="",
                    to_value=outcome,
                    reason="Kết thúc lớp",
                    at=now,
                )
            )
            if outcome == Outcome.COMPLETED and course.issues_certificate:
                serial += 1
                months = course.certificate_validity_months
                issued = cls.end_date + dt.timedelta(days=3)
                certificates.append(
                    Certificate(
                        enrollment=e,
                        serial_year=year,
                        serial_no=serial,
                        number=Certificate.format_number(year, serial),
                        issued_on=issued,
                        issued_by=users.get("hr.tinh"),
                        valid_until=dt.date(
                            issued.year + (issued.month - 1 + months) // 12,
                            (issued.month - 1 + months) % 12 + 1,
                            min(issued.day, 28),
                        )
                        if months
                        else None,
                    )
                )
        for s in held:
            s.attendance_version = 1
    marks_total += len(buffer)
    audit.bulk_create(Attendance, buffer, batch_size=5000)
    audit.bulk_update(
        ClassSession, [s for s in sessions if s.attendance_version], ["attendance_version"], batch_size=2000
    )
    audit.bulk_update(
        Enrollment,
        closed_updates,
        ["score", "outcome", "attended_minutes", "planned_minutes", "attended_periods", "planned_periods"],
        batch_size=2000,
    )
    audit.bulk_create(EnrollmentEvent, outcome_events, batch_size=5000)
    audit.bulk_create(Certificate, certificates, batch_size=5000)
    CertificateCounter.objects.update_or_create(year=year, defaults={"last": serial})

    # ---------------------------------------------------------------- external training
    externals = []
    providers = [
        "Học viện Hành chính Quốc gia",
        "Trường Chính trị tỉnh",
        "Bộ Nội vụ (trực tuyến)",
        "Đại học Thái Nguyên",
    ]
    for staff_pk in rng.sample(everyone, k=max(10, len(everyone) // 25)):
        day = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
        approved = day <= today and rng.random() < 0.8
        periods, minutes = rng.choice([(4, 240), (8, 480), (12, 720)])
        externals.append(
            ExternalTraining(
                staff_id=staff_pk,
                title=rng.choice(
                    [
                        "Tập huấn nghiệp vụ chuyên ngành",
                        "Hội thảo cải cách hành chính",
                        "Khóa học kỹ năng số trực tuyến",
                    ]
                ),
                provider=rng.choice(providers),
                category=rng.choice(CourseCategory.values),
                start_date=day,
                end_date=day,
                periods=periods,
                minutes=minutes,
                evidence="training/evidence/demo/giay-chung-nhan.pdf",
                status=ExternalStatus.APPROVED if approved else ExternalStatus.PENDING,
                approved_by=users.get("hr.tinh") if approved else None,
                approved_at=now if approved else None,
                recorded_by=users.get("hr.tinh"),
                created_at=now,
                updated_at=now,
            )
        )
    audit.bulk_create(ExternalTraining, externals, batch_size=2000)
    elapsed = time.monotonic() - started
    ctx.notes.append(
        f"training: {len(courses)} courses, {len(classes)} classes, {len(sessions)} sessions, {len(enrollments)} enrollments, "
        f"{marks_total} attendance marks, {len(certificates)} certificates, {len(externals)} external records "
        f"in {elapsed:.1f}s (structure {structure_done - started:.1f}s)"
    )
