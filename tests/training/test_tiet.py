"""tiết as the unit of training: sessions carry their tiết, closing credits them, the ledger and the rules count
them, the default rule is a migrated row, and the data migration converts the demo data exactly."""

import datetime as dt
import importlib
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse

from staff import demo as staff_demo
from staff.access import system_actor
from tests.training.conftest import make_class
from training import demo as training_demo
from training import selectors, services
from training.models import ClassSession, Enrollment, Outcome, TrainingRequirement
from training.requirements import attended_periods, default_session_periods, requirement_for, rules_for_year

MIGRATION = importlib.import_module("training.migrations.0008_session_tiet_data")


@pytest.mark.parametrize(
    ("start", "end", "periods"),
    [
        ((7, 30), (11, 30), 4),
        ((13, 30), (17, 0), 4),
        ((8, 0), (11, 30), 4),
        ((7, 30), (17, 0), 8),
        ((18, 0), (21, 0), 4),
        ((8, 0), (12, 0), 4),
    ],
)
def test_default_rule_four_tiet_a_half_day_eight_a_full_day(start, end, periods):
    assert default_session_periods(dt.time(*start), dt.time(*end)) == periods


def test_attended_tiet_are_the_class_tiet_in_the_share_of_minutes_counted():
    assert attended_periods(planned_periods=40, counted_minutes=2250, planned_minutes=2250) == Decimal("40.0")
    assert attended_periods(planned_periods=12, counted_minutes=540, planned_minutes=720) == Decimal("9.0")
    assert attended_periods(planned_periods=8, counted_minutes=100, planned_minutes=450) == Decimal("1.8")
    assert attended_periods(planned_periods=8, counted_minutes=0, planned_minutes=0) == Decimal("0")


def test_the_default_rule_is_a_migrated_row_with_its_legal_basis(db):
    rule = TrainingRequirement.objects.get()
    assert (rule.name, rule.periods_per_year, rule.effective_year, rule.end_year, rule.active) == (
        "Định mức bồi dưỡng chung (40 tiết/năm)",
        40,
        2018,
        None,
        True,
    )
    assert rule.legal_basis.startswith("TT 01/2018/TT-BNV, Điều 3")
    match = requirement_for(
        category="cong_chuc", job_position="", rank_code="", unit_path="", rules=rules_for_year(2026)
    )
    assert (match.periods, match.minutes, match.name) == (40, 1800, rule.name)


def test_a_session_takes_the_default_tiet_unless_given_and_a_new_time_resets_it(klass):
    first = klass.sessions.order_by("date").first()
    assert first.periods == 4  # 08:00–12:00
    full = services.session_update(actor=system_actor(), session=first, start_time=dt.time(7, 30), end_time=dt.time(17))
    assert full.periods == 8
    kept = services.session_update(actor=system_actor(), session=full, periods=6)
    assert kept.periods == 6
    assert services.session_update(actor=system_actor(), session=kept, topic="Khác").periods == 6


def test_closing_credits_tiet_and_the_ledger_counts_them(klass, people, tree):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    b = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"]).enrollments[0]
    sessions = list(klass.sessions.order_by("date"))
    for i, s in enumerate(sessions):
        marks = [{"enrollment": a.pk, "status": "present"}]
        marks.append({"enrollment": b.pk, "status": "present" if i < 2 else "late", "minutes": 120 if i == 2 else None})
        services.attendance_save(actor=system_actor(), session_id=s.pk, marks=marks)
    services.class_close(actor=system_actor(), training_class=klass, scores={a.pk: 8, b.pk: 7})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.outcome, a.attended_periods, a.planned_periods, a.attended_minutes) == (
        Outcome.COMPLETED,
        Decimal("12.0"),
        12,
        720,
    )
    assert (b.outcome, b.attended_periods, b.attended_minutes) == (Outcome.COMPLETED, Decimal("10.0"), 600)
    rows = {p.staff_code: selectors.hours_for_staff(staff=p, year=2026) for p in (people["an"], people["binh"])}
    assert (rows["A001"].periods, rows["A001"].required_periods, rows["A001"].status) == (
        Decimal("12.0"),
        40,
        "at_risk",
    )
    assert rows["A002"].periods == Decimal("10.0")


def test_rules_are_edited_and_retired_with_years(tree, cast):
    rule = services.requirement_create(
        actor=system_actor(), name="Alpha", periods_per_year=60, effective_year=2024, unit=tree["alpha"]
    )
    services.requirement_update(actor=cast["hr"], requirement=rule, periods_per_year=48, legal_basis="QĐ 1/2024")
    rule.refresh_from_db()
    assert (rule.periods_per_year, rule.legal_basis) == (48, "QĐ 1/2024")
    with pytest.raises(ValidationError) as refused:
        services.requirement_retire(actor=cast["hr"], requirement=rule, last_year=2023)
    assert refused.value.messages == ["Quy định không thể kết thúc trước năm bắt đầu (2024)."]
    services.requirement_retire(actor=cast["hr"], requirement=rule, last_year=2025)
    path = tree["alpha"].path
    in_2025 = requirement_for(category="", job_position="", rank_code="", unit_path=path, rules=rules_for_year(2025))
    in_2026 = requirement_for(category="", job_position="", rank_code="", unit_path=path, rules=rules_for_year(2026))
    assert (in_2025.name, in_2025.periods) == ("Alpha", 48)
    assert (in_2026.periods, in_2026.rule_id) == (40, TrainingRequirement.objects.get(unit__isnull=True).pk)


def test_rules_page_edits_and_retires_and_refuses_other_units(login, tree, cast):
    beta_rule = services.requirement_create(
        actor=system_actor(), name="Beta", periods_per_year=50, effective_year=2026, unit=tree["beta"]
    )
    alpha_rule = services.requirement_create(
        actor=system_actor(), name="Alpha", periods_per_year=50, effective_year=2026, unit=tree["alpha"]
    )
    client = login(cast["hr"])
    page = client.get(reverse("training:requirement-list")).content.decode()
    assert "Định mức bồi dưỡng chung (40 tiết/năm)" in page and "TT 01/2018/TT-BNV" in page
    assert client.get(reverse("training:requirement-edit", args=[beta_rule.pk])).status_code == 404
    form = {"name": "Alpha mới", "periods_per_year": 44, "effective_year": 2026, "unit": tree["alpha"].pk}
    saved = client.post(reverse("training:requirement-edit", args=[alpha_rule.pk]), {**form, "legal_basis": "KH 5"})
    assert saved.status_code == 302
    alpha_rule.refresh_from_db()
    assert (alpha_rule.name, alpha_rule.periods_per_year, alpha_rule.legal_basis) == ("Alpha mới", 44, "KH 5")
    retired = client.post(
        reverse("training:requirement-edit", args=[alpha_rule.pk]), {"retire": "1", "last_year": "2026"}
    )
    assert retired.status_code == 302
    alpha_rule.refresh_from_db()
    assert alpha_rule.end_year == 2026
    assert "2026–2026" in client.get(reverse("training:requirement-list")).content.decode()


def test_migration_converts_the_demo_data_exactly(db):
    ctx = staff_demo.SeedContext(rng=random.Random(2026), scale="demo", year=2026)
    staff_demo.seed(ctx)
    training_demo.seed(ctx)
    demo_sessions = dict(ClassSession.objects.values_list("pk", "periods"))
    demo_enrollments = dict(Enrollment.objects.filter(planned_minutes__gt=0).values_list("pk", "attended_periods"))
    ClassSession.objects.update(periods=0)
    Enrollment.objects.update(attended_periods=0, planned_periods=0)

    MIGRATION.convert_enrollments(Enrollment, MIGRATION.convert_sessions(ClassSession))

    assert dict(ClassSession.objects.values_list("pk", "periods")) == demo_sessions
    converted = dict(Enrollment.objects.filter(planned_minutes__gt=0).values_list("pk", "attended_periods"))
    assert converted == demo_enrollments and len(converted) > 100
    # a 7:30–11:30 + 13:30–17:00 day is 8 tiết (it was 450 minutes = 10 tiết of 45 minutes)
    days = ClassSession.objects.values("training_class", "date").annotate(p=Sum("periods"), m=Sum("planned_minutes"))
    full_days = [d for d in days if d["m"] == 450]
    assert full_days and {d["p"] for d in full_days} == {8}
    # a 5-day course of 10 sessions is 40 tiết (it was 2,250 minutes = 50 tiết)
    five_days = (
        ClassSession.objects.values("training_class")
        .annotate(p=Sum("periods"), m=Sum("planned_minutes"))
        .filter(m=2250)
    )
    assert five_days and {c["p"] for c in five_days} == {40}
    full_attendance = Enrollment.objects.filter(outcome=Outcome.COMPLETED, planned_minutes=2250, attended_minutes=2250)
    assert full_attendance.exists()
    assert set(full_attendance.values_list("attended_periods", flat=True)) == {Decimal("40.0")}


def test_roll_call_header_and_class_page_show_tiet(login, course, tree, cast):
    cls = make_class(course, tree["alpha"], code="L-T", times=(dt.time(7, 30), dt.time(17, 0)), days=2)
    client = login(cast["hr"])
    html = client.get(reverse("training:class-detail", args=[cls.pk])).content.decode()
    assert "16 tiết (1140 phút)" in html


def test_course_duration_is_in_tiet(login, course, cast):
    assert course.planned_periods == 12  # 720 planned minutes, one tiết per hour when none are given
    updated = services.course_update(actor=system_actor(), course=course, planned_periods=16)
    assert updated.planned_periods == 16
    html = login(cast["hr"]).get(reverse("training:course-detail", args=[course.pk])).content.decode()
    assert "16 tiết (720 phút)" in html
