"""The capability facts of the scorecards are computed in the database, grouped by the unit each person
belonged to during the period. This compares them with a plain per-person computation of the same rules
(the reference below: people attributed through their unit history, hours against the most specific
requirement, enrollments, planned and attended minutes) on random records full of edge cases: people
who moved, left or have two history rows, cancelled classes, waitlisted enrollments, marks outside the
period, rules by category, job position (case and spaces differ), rank and unit at several depths."""

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine

from staff.models import Staff, StaffStatus, StaffUnitHistory, Unit
from tests.factories import make_staff, make_unit
from training.models import (
    ABSENT,
    Attendance,
    AttendanceStatus,
    Certificate,
    ClassSession,
    ClassStatus,
    Course,
    CourseCategory,
    Enrollment,
    EnrollmentStatus,
    ExternalStatus,
    ExternalTraining,
    Outcome,
    TrainingClass,
    TrainingRequirement,
)
from training.selectors import CapabilityFacts, requirement_for, rules_for_year, unit_capability_facts

TODAY = dt.date(2026, 8, 20)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(dt.datetime(2026, 8, 20, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


def _attributed_unit(history: list[StaffUnitHistory], start: dt.date, end: dt.date) -> int | None:
    rows = [h for h in history if h.start_date <= end and (h.end_date is None or h.end_date >= start)]
    if not rows:
        return None
    rows.sort(key=lambda h: (0 if h.end_date is None or h.end_date >= end else 1, -h.start_date.toordinal(), -h.pk))
    return rows[0].unit_id


def reference_facts(start: dt.date, end: dt.date) -> dict[int, CapabilityFacts]:
    """Person by person, in Python, straight from the rules."""
    paths = dict(Unit.objects.values_list("pk", "path"))
    history: dict[int, list] = {}
    for h in StaffUnitHistory.objects.all():
        history.setdefault(h.staff_id, []).append(h)
    rules = rules_for_year(end.year)
    classes = {c.pk: c for c in TrainingClass.objects.select_related("course")}
    sessions = list(ClassSession.objects.all())
    session_by_pk = {s.pk: s for s in sessions}
    certified = set(Certificate.objects.values_list("enrollment_id", flat=True))
    enrollments: dict[int, list[Enrollment]] = {}
    for e in Enrollment.objects.all():
        enrollments.setdefault(e.staff_id, []).append(e)
    marks: dict[int, list[Attendance]] = {}
    for a in Attendance.objects.all():
        marks.setdefault(a.enrollment_id, []).append(a)
    external: dict[int, int] = {}
    for x in ExternalTraining.objects.filter(status=ExternalStatus.APPROVED, end_date__year=end.year):
        external[x.staff_id] = external.get(x.staff_id, 0) + x.periods

    totals: dict[int, dict] = {}
    for person in Staff.objects.filter(status=StaffStatus.ACTIVE):
        unit_id = _attributed_unit(history.get(person.pk, []), start, end)
        if unit_id is None:
            continue
        t = totals.setdefault(
            unit_id,
            dict.fromkeys(
                (
                    "headcount",
                    "hours_met",
                    "mandatory_enrolled",
                    "mandatory_completed",
                    "attendance_marks",
                    "attendance_attended",
                    "assessed",
                    "certified",
                ),
                0,
            ),
        )
        t["headcount"] += 1
        mine = enrollments.get(person.pk, [])
        done = external.get(person.pk, 0) + sum(  # in tiết, as the hours ledger
            e.attended_periods
            for e in mine
            if e.outcome == Outcome.COMPLETED and classes[e.training_class_id].end_date.year == end.year
        )
        rule = requirement_for(
            category=person.category,
            job_position=person.job_position,
            rank_code=person.rank_code,
            unit_path=paths[unit_id],
            rules=rules,
        )
        t["hours_met"] += done >= rule.periods
        for e in mine:
            cls = classes[e.training_class_id]
            if cls.status == ClassStatus.CANCELLED:
                continue
            confirmed = e.status == EnrollmentStatus.CONFIRMED
            if start <= cls.end_date <= end:
                mandatory = confirmed and cls.course.is_mandatory
                t["mandatory_enrolled"] += mandatory
                t["mandatory_completed"] += mandatory and e.outcome == Outcome.COMPLETED
                assessed = cls.status == ClassStatus.COMPLETED and cls.course.issues_certificate and e.outcome != ""
                t["assessed"] += assessed
                t["certified"] += assessed and e.pk in certified
            if confirmed:  # one mark = one person at one session held in the period
                counted = [a for a in marks.get(e.pk, []) if start <= session_by_pk[a.session_id].date <= end]
                t["attendance_marks"] += len(counted)
                t["attendance_attended"] += sum(a.status not in ABSENT for a in counted)
    return {unit_id: CapabilityFacts(unit_id=unit_id, **t) for unit_id, t in totals.items()}


def _random_province(rng: random.Random):
    province = make_unit("Tỉnh", kind="province", code="P")
    departments = [make_unit(f"Sở {i}", parent=province, kind="department", code=f"D{i}") for i in range(3)]
    divisions = [make_unit(f"Phòng {i}", parent=rng.choice(departments), code=f"V{i}") for i in range(5)]
    units = [province, *departments, *divisions]
    positions = ["Chuyên viên", "CHUYÊN VIÊN ", "Trưởng phòng", "trưởng phòng", "", "Kế toán"]
    ranks = ["01.003", "01.002", ""]
    people = []
    for i in range(40):
        person = make_staff(
            rng.choice(units),
            f"Người {i}",
            code=f"N{i:03d}",
            category=rng.choice(["cong_chuc", "vien_chuc"]),
            job_position=rng.choice(positions),
            rank_code=rng.choice(ranks),
        )
        people.append(person)
    # Unit histories: moves during the year, a gap, two rows starting the same day, someone who left.
    for person in people:
        roll = rng.random()
        history = list(StaffUnitHistory.objects.filter(staff=person))
        if roll < 0.3:
            moved = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
            StaffUnitHistory.objects.filter(pk=history[-1].pk).update(
                start_date=dt.date(2025, 1, 1), end_date=moved - dt.timedelta(days=1)
            )
            StaffUnitHistory.objects.create(staff=person, unit=rng.choice(units), start_date=moved)
        elif roll < 0.4:
            StaffUnitHistory.objects.filter(pk=history[-1].pk).update(
                start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 5, 31)
            )
        elif roll < 0.45:
            StaffUnitHistory.objects.filter(pk=history[-1].pk).update(start_date=dt.date(2026, 3, 1))
            StaffUnitHistory.objects.create(staff=person, unit=rng.choice(units), start_date=dt.date(2026, 3, 1))
        elif roll < 0.5:
            Staff.objects.filter(pk=person.pk).update(status=StaffStatus.LEFT)
    for rule in [
        dict(name="Chung", periods_per_year=26, effective_year=2025),
        dict(name="Viên chức", periods_per_year=20, effective_year=2026, staff_category="vien_chuc"),
        dict(name="Chuyên viên", periods_per_year=13, effective_year=2026, job_position=" chuyên viên"),
        dict(name="Không ai", periods_per_year=1, effective_year=2026, job_position="Giám đốc"),
        dict(name="Ngạch", periods_per_year=6, effective_year=2026, rank_code="01.003"),
        dict(name="Sở 0", periods_per_year=16, effective_year=2026, unit=departments[0]),
        dict(
            name="Sở 0 trưởng phòng",
            periods_per_year=10,
            effective_year=2026,
            unit=departments[0],
            job_position="TRƯỞNG PHÒNG",
        ),
        dict(name="Phòng", periods_per_year=5, effective_year=2026, unit=divisions[0], staff_category="cong_chuc"),
        dict(name="Sau này", periods_per_year=1, effective_year=2027),
        dict(name="Tắt", periods_per_year=1, effective_year=2026, active=False),
    ]:
        TrainingRequirement.objects.create(**rule)
    courses = [
        Course.objects.create(
            code=f"C{i}",
            title=f"Khóa {i}",
            category=CourseCategory.DIGITAL,
            planned_minutes=480,
            owner_unit=province,
            is_mandatory=i % 2 == 0,
            issues_certificate=i != 3,
        )
        for i in range(4)
    ]
    statuses = [
        ClassStatus.COMPLETED,
        ClassStatus.COMPLETED,
        ClassStatus.IN_PROGRESS,
        ClassStatus.CANCELLED,
        ClassStatus.OPEN,
    ]
    serial = 0
    for c in range(14):
        begin = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(-20, 330))
        days = rng.randint(1, 4)
        cls = TrainingClass.objects.create(
            course=rng.choice(courses),
            code=f"L{c:02d}",
            unit=rng.choice(units),
            capacity=50,
            start_date=begin,
            end_date=begin + dt.timedelta(days=days - 1),
            status=rng.choice(statuses),
        )
        sessions = [
            ClassSession.objects.create(
                training_class=cls,
                date=begin + dt.timedelta(days=d),
                start_time=dt.time(8),
                end_time=dt.time(12),
                planned_minutes=240,
            )
            for d in range(days)
        ]
        for person in rng.sample(people, rng.randint(3, 15)):
            status = rng.choice(
                [EnrollmentStatus.CONFIRMED] * 4 + [EnrollmentStatus.WAITLISTED, EnrollmentStatus.WITHDRAWN]
            )
            outcome = rng.choice(["", Outcome.COMPLETED, Outcome.COMPLETED, Outcome.NOT_COMPLETED, Outcome.NO_SHOW])
            attended = rng.choice([0, 240, 480, 700, 960])
            enrollment = Enrollment.objects.create(
                training_class=cls,
                staff=person,
                status=status,
                outcome=outcome,
                attended_minutes=attended,
                attended_periods=Decimal(attended // 45),
                planned_minutes=240 * days,
            )
            if status == EnrollmentStatus.CONFIRMED or rng.random() < 0.2:
                for s in sessions:
                    if rng.random() < 0.8:
                        Attendance.objects.create(
                            session=s,
                            enrollment=enrollment,
                            status=rng.choice(AttendanceStatus.values),
                            minutes=rng.choice([0, 120, 240]),
                            marked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                        )
            if outcome == Outcome.COMPLETED and rng.random() < 0.7:
                serial += 1
                Certificate.objects.create(
                    enrollment=enrollment,
                    serial_year=2026,
                    serial_no=serial,
                    number=f"2026-{serial:05d}",
                    issued_on=cls.end_date,
                )
    for person in rng.sample(people, 12):
        end = dt.date(rng.choice([2025, 2026, 2026]), rng.randint(1, 12), 15)
        minutes = rng.choice([120, 600, 1200])
        ExternalTraining.objects.create(
            staff=person,
            title="Ngoài",
            provider="Trường",
            start_date=end,
            end_date=end,
            minutes=minutes,
            periods=minutes // 45,
            status=rng.choice([ExternalStatus.APPROVED, ExternalStatus.PENDING]),
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_database_facts_equal_the_per_person_computation(db, seed):
    _random_province(random.Random(seed))
    for start, end in [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ]:
        expected = reference_facts(start, end)
        assert expected, "the scenario attributes nobody"
        assert unit_capability_facts(start=start, end=end) == expected, (start, end)


def test_the_number_of_queries_does_not_grow_with_people_or_rules(db, django_assert_max_num_queries):
    _random_province(random.Random(4))
    with django_assert_max_num_queries(6):
        unit_capability_facts(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
