"""Scorecards from real records (training and inspections services), computed by hand."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections import services as inspection_services
from inspections.services import AnswerInput
from scorecards import engine, selectors, services
from scorecards.models import PublishedPeriod, ScorecardSnapshot
from scorecards.periods import Period
from staff.access import system_actor
from tests.factories import make_staff, make_unit

Q2 = Period(2026, quarter=2)


def _values(score):
    return {
        c.key: (
            None if c.value is None else round(c.value, 2),
            None if c.effective_weight is None else round(c.effective_weight, 2),
            None if c.points is None else round(c.points, 2),
        )
        for c in score.criteria
    }


def test_a_leaf_unit_matches_the_hand_computation(records, tree):
    table = selectors.score_table(period=Q2)
    alpha1 = table.score(tree["alpha1"].pk)
    # Bình only: hours 0/1, mandatory 0/1, attendance 480/720, certificates 0/1; no inspection data,
    # so the capability weights (50 of 100) are doubled.
    assert _values(alpha1) == {
        "hours": (0.0, 30.0, 0.0),
        "mandatory": (0.0, 30.0, 0.0),
        "attendance": (66.67, 20.0, round(200 / 3 / 95 * 20, 2)),  # 14.04
        "certificates": (0.0, 20.0, 0.0),
        "service_culture": (None, None, None),
        "discipline": (None, None, None),
        "actions": (None, None, None),
        "self_inspections": (None, None, None),
    }
    assert round(alpha1.total, 2) == 14.04
    assert alpha1.band == engine.NOT_SATISFACTORY
    assert alpha1.service_culture is None


def test_a_unit_rolls_up_its_sub_units_and_uses_the_self_score_when_not_verified(records, tree):
    table = selectors.score_table(period=Q2)
    alpha = table.score(tree["alpha"].pk)
    # Own staff (An: 100 % everywhere) and Phòng Alpha-1 (Bình), one person each.
    # Self-inspection 100 % (no inspector score), self-inspections 1/1 on time; no actions, no discipline:
    # weights with data 75 of 100 → × 4/3.
    assert _values(alpha) == {
        "hours": (50.0, 20.0, round(50 / 90 * 20, 2)),
        "mandatory": (50.0, 20.0, round(50 / 95 * 20, 2)),
        "attendance": (83.33, 13.33, round(250 / 3 / 95 * 40 / 3, 2)),
        "certificates": (50.0, 13.33, round(50 / 90 * 40 / 3, 2)),
        "service_culture": (100.0, 20.0, 20.0),
        "discipline": (None, None, None),
        "actions": (None, None, None),
        "self_inspections": (100.0, 13.33, 13.33),
    }
    expected = 50 / 90 * 20 + 50 / 95 * 20 + 250 / 3 / 95 * 40 / 3 + 50 / 90 * 40 / 3 + 20 + 40 / 3
    assert round(alpha.total, 2) == round(expected, 2) == 74.07
    assert alpha.band == engine.GOOD
    sc = alpha.criterion("service_culture")
    assert (sc.verified_value, sc.self_value, sc.source) == (None, 100.0, engine.SELF)
    assert alpha.headcount == 2


def test_inspector_score_and_actions_of_a_commune_office(records, tree):
    office = selectors.score_table(period=Q2).score(tree["gamma_office"].pk)
    # Dũng: 0/1 meets the hours; inspector 75 %; actions 1 of 2 on time. Weights 15+15+10 → × 2.5.
    assert _values(office) == {
        "hours": (0.0, 37.5, 0.0),
        "mandatory": (None, None, None),
        "attendance": (None, None, None),
        "certificates": (None, None, None),
        "service_culture": (75.0, 37.5, 31.25),
        "discipline": (None, None, None),
        "actions": (50.0, 25.0, round(50 / 90 * 25, 2)),
        "self_inspections": (None, None, None),
    }
    assert round(office.total, 2) == round(31.25 + 50 / 90 * 25, 2) == 45.14
    assert office.criterion("service_culture").source == engine.VERIFIED


def test_ranks_among_units_of_the_same_kind(records, tree):
    table = selectors.score_table(period=Q2)
    alpha, beta = table.score(tree["alpha"].pk), table.score(tree["beta"].pk)
    assert (alpha.rank, alpha.rank_of, beta.rank, beta.rank_of) == (1, 2, 2, 2)
    assert [s.unit.code for s in table.children(tree["province"].pk)] == ["ALPHA", "GAMMA", "BETA"]


def test_publishing_freezes_and_a_later_correction_shows_as_a_difference(records, tree, cast):
    publication = services.period_publish(actor=cast["admin"], period=Q2)
    assert ScorecardSnapshot.objects.filter(publication=publication).count() == 6
    frozen = ScorecardSnapshot.objects.get(publication=publication, unit=tree["gamma_office"])
    assert frozen.total == 45.14
    assert [c["value"] for c in frozen.criteria if c["key"] == "service_culture"] == [75.0]

    # A locked inspection is amended: item I1 now passes → 100 %.
    inspection_services.inspection_amend(
        actor=system_actor(), inspection=records["inspection"], reason="Nhầm lẫn", answers=[AnswerInput("I1", "yes")]
    )
    table = selectors.score_table(period=Q2)
    shown = table.score(tree["gamma_office"].pk)
    assert round(shown.total, 2) == 45.14  # the published figure does not move
    assert round(table.live[tree["gamma_office"].pk].total, 2) == round(37.5 + 50 / 90 * 25, 2)
    differences = {
        d["label"]: (d["published"], d["now"], d["change"]) for d in table.differences(tree["gamma_office"].pk)
    }
    assert differences["Điểm kiểm tra văn hóa công vụ"] == (75.0, 100.0, 25.0)
    assert differences["Tổng điểm"] == (45.14, 51.39, 6.25)
    assert table.differences(tree["beta"].pk) == []


def test_a_period_is_published_once_and_only_after_it_ends(records, cast):
    services.period_publish(actor=cast["admin"], period=Q2)
    with pytest.raises(ValidationError) as again:
        services.period_publish(actor=cast["admin"], period=Q2)
    assert "đã được công bố" in str(again.value)
    with pytest.raises(ValidationError):
        services.period_publish(actor=cast["admin"], period=Period(2026, quarter=3))
    with pytest.raises(ValidationError):
        services.period_publish(actor=cast["unit_head"], period=Period(2026, month=1))
    assert list(PublishedPeriod.objects.values_list("period", flat=True)) == ["2026-Q2"]


def test_change_since_the_previous_period_uses_its_snapshot(records, tree, cast):
    services.period_publish(actor=cast["admin"], period=Q2)
    q3 = selectors.score_table(period=Period(2026, quarter=3))
    alpha = q3.score(tree["alpha"].pk)
    # Nothing happens in Q3 except the yearly hours: An met the 540 minutes (12 tiết), Bình did not → 50 %.
    assert alpha.previous_total == 74.07
    assert alpha.change == round(round(alpha.total, 2) - 74.07, 2)


def test_trend_reads_snapshots_and_live_figures(records, tree, cast):
    services.period_publish(actor=cast["admin"], period=Q2)
    trend = selectors.unit_trend(unit_id=tree["alpha"].pk, period=Period(2026, quarter=3))
    assert [(t["period"].key, t["published"]) for t in trend] == [
        ("2025-Q4", False),
        ("2026-Q1", False),
        ("2026-Q2", True),
        ("2026-Q3", False),
    ]
    assert trend[2]["total"] == 74.07


def test_the_province_table_takes_the_same_queries_for_more_units(records, tree, django_assert_num_queries):
    # 21 (attendance marks: one query per period) + one count of the inspections each checklist score is the
    # mean of, this period and the previous,
    # + the appraiser's adjustments of the round (scorecards.kinds.apply_appraisals), this period and the previous
    with django_assert_num_queries(25):
        selectors.score_table(period=Q2)
    for i in range(12):
        unit = make_unit(f"Phòng thêm {i}", parent=tree["beta"])
        make_staff(unit, f"Người thêm {i}")
    with django_assert_num_queries(25):
        table = selectors.score_table(period=Q2)
    assert len(table.live) == 18


def test_the_year_without_its_own_model_uses_the_latest_earlier_one(db):
    assert selectors.scorecard_model_for_year(year=2027).year == 2026
    assert selectors.scorecard_model_for_year(year=2020).year == 2026
    assert dt.date(2026, 1, 1) == Period(2026).start
