import datetime as dt

from staff import services as staff_services
from staff.access import system_actor
from tests.factories import make_staff, make_unit
from tests.training.conftest import make_class
from training import services
from training.models import AttendanceStatus, CourseCategory
from training.selectors import (
    CapabilityFacts,
    HoursStatus,
    hours_status,
    requirement_for,
    rules_for_year,
    unit_capability_facts,
)

P, U = AttendanceStatus.PRESENT, AttendanceStatus.UNEXCUSED


def _mark(cls, grid):
    """grid: {enrollment: [status per session]}"""
    for index, session in enumerate(cls.sessions.order_by("date")):
        marks = [{"enrollment": e.pk, "status": statuses[index]} for e, statuses in grid.items()]
        services.attendance_save(actor=system_actor(), session_id=session.pk, marks=marks)


def _scenario(tree, people, course):
    course.is_mandatory = True
    course.save()
    cls = make_class(course, tree["alpha"])
    nomination = services.enrollment_nominate_many(
        actor=system_actor(), training_class=cls, staff_list=[people["an"], people["binh"]]
    )
    an, binh = nomination.enrollments
    _mark(cls, {an: [P, P, P], binh: [P, U, P]})
    services.class_close(actor=system_actor(), training_class=cls, scores={an.pk: "8", binh.pk: "9"})
    services.requirement_create(
        actor=system_actor(), name="Alpha 600'", periods_per_year=12, effective_year=2026, unit=tree["alpha"]
    )
    return cls


def test_unit_capability_facts_per_attributed_unit(tree, people, course, django_assert_num_queries):
    _scenario(tree, people, course)
    with django_assert_num_queries(4):
        facts = unit_capability_facts(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    assert facts[tree["alpha"].pk] == CapabilityFacts(
        unit_id=tree["alpha"].pk,
        headcount=1,
        hours_met=1,
        mandatory_enrolled=1,
        mandatory_completed=1,
        attendance_marks=3,
        attendance_attended=3,
        assessed=1,
        certified=1,
    )
    assert facts[tree["alpha1"].pk] == CapabilityFacts(
        unit_id=tree["alpha1"].pk,
        headcount=1,
        hours_met=0,
        mandatory_enrolled=1,
        mandatory_completed=0,
        attendance_marks=3,
        attendance_attended=2,
        assessed=1,
        certified=0,
    )
    assert facts[tree["beta"].pk] == CapabilityFacts(tree["beta"].pk, 1, 0, 0, 0, 0, 0, 0, 0)
    assert set(facts) == {tree["alpha"].pk, tree["alpha1"].pk, tree["beta"].pk, tree["gamma_office"].pk}


def test_unit_capability_facts_follow_the_unit_history(tree, people, course):
    _scenario(tree, people, course)
    staff_services.staff_update(
        actor=system_actor(), staff=people["binh"], unit=tree["beta"], effective_date=dt.date(2026, 7, 10)
    )
    first_half = unit_capability_facts(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    year = unit_capability_facts(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert first_half[tree["alpha1"].pk].headcount == 1
    assert tree["alpha1"].pk not in year
    assert year[tree["beta"].pk].headcount == 2
    assert year[tree["beta"].pk].attendance_attended == 2


def test_unit_capability_facts_constant_queries(tree, people, course, django_assert_num_queries):
    _scenario(tree, people, course)
    for i in range(15):
        unit = make_unit(f"Phòng {i}", parent=tree["gamma"])
        make_staff(unit, f"Người {i}")
    with django_assert_num_queries(4):
        facts = unit_capability_facts(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    assert len(facts) == 19


def test_unit_capability_facts_empty_database(db):
    assert unit_capability_facts(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)) == {}


def test_hours_status_pro_rata():
    # 15/06/2026 is day 166 of 365: pro-rata of 1800 minutes is 818.6
    today = dt.date(2026, 6, 15)
    assert hours_status(done=1800, required=1800, year=2026, today=today) == HoursStatus.MET
    assert hours_status(done=819, required=1800, year=2026, today=today) == HoursStatus.ON_TRACK
    assert hours_status(done=818, required=1800, year=2026, today=today) == HoursStatus.AT_RISK
    assert hours_status(done=1799, required=1800, year=2025, today=today) == HoursStatus.NOT_MET
    assert hours_status(done=0, required=1800, year=2027, today=today) == HoursStatus.ON_TRACK


def test_requirement_most_specific_rule_wins(tree, people):
    general = services.requirement_create(actor=system_actor(), name="Chung", periods_per_year=40, effective_year=2025)
    services.requirement_create(
        actor=system_actor(), name="Công chức", periods_per_year=44, effective_year=2025, staff_category="cong_chuc"
    )
    services.requirement_create(
        actor=system_actor(), name="Alpha-1", periods_per_year=20, effective_year=2026, unit=tree["alpha1"]
    )
    services.requirement_create(
        actor=system_actor(), name="Alpha", periods_per_year=27, effective_year=2026, unit=tree["alpha"]
    )
    services.requirement_create(
        actor=system_actor(),
        name="Future",
        periods_per_year=1,
        effective_year=2027,
        unit=tree["alpha1"],
        rank_code="01.003",
    )
    rules = rules_for_year(2026)
    binh = people["binh"]
    match = requirement_for(
        category=binh.category, job_position="", rank_code="01.003", unit_path=tree["alpha1"].path, rules=rules
    )
    assert (match.name, match.periods, match.minutes) == ("Alpha-1", 20, 900)
    cuong = requirement_for(
        category="cong_chuc", job_position="", rank_code="", unit_path=tree["beta"].path, rules=rules
    )
    assert (cuong.name, cuong.periods) == ("Công chức", 44)
    vc = requirement_for(category="vien_chuc", job_position="", rank_code="", unit_path=tree["beta"].path, rules=rules)
    assert vc.rule_id == general.pk
    none = requirement_for(category="vien_chuc", job_position="", rank_code="", unit_path="", rules=[])
    assert (none.periods, none.rule_id) == (0, None)  # no rule at all: nothing required
    assert CourseCategory.SERVICE_CULTURE == "service_culture"


def test_superuser_sees_every_class_and_person(tree, people, course):
    from tests.factories import UserFactory
    from training.models import TrainingClass
    from training.selectors import hours_ledger

    root = UserFactory(username="root", is_superuser=True)
    make_class(course, tree["beta"], code="L-BETA")
    assert list(TrainingClass.objects.visible_to(root).values_list("code", flat=True)) == ["L-BETA"]
    assert TrainingClass.objects.attendable_by(root).count() == 1
    assert sorted(r.staff.staff_code for r in hours_ledger(user=root, year=2026)) == ["A001", "A002", "B001", "G001"]
