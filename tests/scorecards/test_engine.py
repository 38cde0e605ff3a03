"""The computation on facts built by hand (the contract's dataclasses, no database)."""

from dataclasses import dataclass

from scorecards import defaults, engine
from scorecards.engine import UnitRow


@dataclass(frozen=True)
class Cap:  # the shape of training.selectors.CapabilityFacts
    unit_id: int
    headcount: int = 0
    hours_met: int = 0
    mandatory_enrolled: int = 0
    mandatory_completed: int = 0
    attendance_marks: int = 0
    attendance_attended: int = 0
    assessed: int = 0
    certified: int = 0


@dataclass(frozen=True)
class Insp:  # the shape of inspections.selectors.InspectionFacts
    unit_id: int
    service_culture_score: float | None = None
    service_culture_self_score: float | None = None
    discipline_score: float | None = None
    discipline_self_score: float | None = None
    actions_due: int = 0
    actions_closed_on_time: int = 0
    self_inspections_due: int = 0
    self_inspections_on_time: int = 0


SPEC = defaults.spec(2026)
ROOT = UnitRow(1, "TINH", "Tỉnh", "province", "00000001")
A = UnitRow(2, "A", "Sở A", "department", "0000000100000002", 1)
B = UnitRow(3, "B", "Sở B", "department", "0000000100000003", 1)
A1 = UnitRow(4, "A1", "Phòng A1", "division", "000000010000000200000004", 2)
A2 = UnitRow(5, "A2", "Phòng A2", "division", "000000010000000200000005", 2)


def _r(score, digits=2):
    return {
        c.key: (
            None if c.value is None else round(c.value, digits),
            None if c.effective_weight is None else round(c.effective_weight, digits),
            None if c.points is None else round(c.points, digits),
        )
        for c in score.criteria
    }


def test_a_small_scorecard_matches_the_hand_computation():
    cap = {
        2: Cap(
            2,
            headcount=10,
            hours_met=8,
            mandatory_enrolled=20,
            mandatory_completed=19,
            attendance_marks=1000,
            attendance_attended=900,
            assessed=4,
            certified=4,
        )
    }
    insp = {
        2: Insp(
            2,
            service_culture_score=81.0,
            service_culture_self_score=95.0,
            discipline_self_score=72.0,
            actions_due=4,
            actions_closed_on_time=3,
            self_inspections_due=2,
            self_inspections_on_time=1,
        )
    }
    score = engine.compute(model=SPEC, units=[ROOT, A], capability=cap, inspection=insp)[2]
    # value %, effective weight, points = min(value / target, 1) × weight
    assert _r(score) == {
        "hours": (80.0, 15.0, 13.33),  # 8/10; 80/90 × 15
        "mandatory": (95.0, 15.0, 15.0),  # 19/20; 95/95 × 15
        "attendance": (90.0, 10.0, 9.47),  # 900/1000; 90/95 × 10
        "certificates": (100.0, 10.0, 10.0),  # 4/4; capped at 1 × 10
        "service_culture": (81.0, 15.0, 13.5),  # verified 81 (self 95 shown apart); 81/90 × 15
        "discipline": (72.0, 15.0, 12.0),  # no verified score: self 72; 72/90 × 15
        "actions": (75.0, 10.0, 8.33),  # 3/4; 75/90 × 10
        "self_inspections": (50.0, 10.0, 5.0),  # 1/2; 50/100 × 10
    }
    assert round(score.total, 2) == 86.64
    assert round(score.capability, 2) == 95.61  # 47.807 / 50
    assert round(score.service_culture, 2) == 77.67  # 38.833 / 50
    assert score.band == engine.GOOD
    assert score.headcount == 10
    sc = score.criterion("service_culture")
    assert (sc.verified_value, sc.self_value, sc.source) == (81.0, 95.0, engine.VERIFIED)
    assert score.criterion("discipline").source == engine.SELF
    assert (score.criterion("hours").numerator, score.criterion("hours").denominator) == (8, 10)


def test_missing_criteria_show_no_data_and_their_weight_is_shared_openly():
    cap = {
        2: Cap(
            2,
            headcount=4,
            hours_met=4,
            mandatory_enrolled=2,
            mandatory_completed=1,
            attendance_marks=100,
            attendance_attended=95,
        )
    }
    score = engine.compute(model=SPEC, units=[ROOT, A], capability=cap, inspection={})[2]
    # Data for hours (15), mandatory (15), attendance (10): 40 of 100 points → each weight × 100/40.
    assert _r(score) == {
        "hours": (100.0, 37.5, 37.5),
        "mandatory": (50.0, 37.5, 19.74),  # 50/95 × 37.5
        "attendance": (95.0, 25.0, 25.0),
        "certificates": (None, None, None),
        "service_culture": (None, None, None),
        "discipline": (None, None, None),
        "actions": (None, None, None),
        "self_inspections": (None, None, None),
    }
    assert [c.weight for c in score.criteria] == [15.0, 15.0, 10.0, 10.0, 15.0, 15.0, 10.0, 10.0]
    assert score.criterion("hours").redistributed is True
    assert round(score.total, 2) == 82.24
    assert score.service_culture is None
    assert score.band == engine.GOOD


def test_a_unit_without_any_data_has_no_score_and_no_rank():
    score = engine.compute(model=SPEC, units=[ROOT, A], capability={}, inspection={})[2]
    assert (score.total, score.band, score.rank) == (None, engine.NO_DATA, None)


def test_sub_units_roll_up_weighted_by_headcount():
    cap = {
        2: Cap(2, headcount=2, hours_met=2),  # 100 %
        4: Cap(4, headcount=6, hours_met=3),  # 50 %
    }
    insp = {
        5: Insp(5, service_culture_score=80.0),  # no staff attributed: weighs 1
        4: Insp(4, service_culture_self_score=60.0),  # 6 people
    }
    scores = engine.compute(model=SPEC, units=[ROOT, A, B, A1, A2], capability=cap, inspection=insp)
    a = scores[2]
    assert a.headcount == 8
    assert a.criterion("hours").value == 62.5  # (2×100 + 6×50) / 8 = 5/8
    assert (a.criterion("hours").numerator, a.criterion("hours").denominator) == (5, 8)
    sc = a.criterion("service_culture")
    assert round(sc.value, 4) == round((1 * 80 + 6 * 60) / 7, 4)
    assert (sc.verified_value, sc.self_value, sc.source) == (80.0, 60.0, engine.MIXED)
    assert scores[1].criterion("hours").value == 62.5  # the province holds the same people
    assert scores[3].total is None  # Sở B has nothing


def test_ranks_are_within_kind_and_ties_share_a_rank():
    units = [ROOT, A, B, A1, A2, UnitRow(6, "A3", "Phòng A3", "division", "000000010000000200000006", 2)]
    cap = {
        4: Cap(4, headcount=10, hours_met=9),  # 100 % of target → total 100
        5: Cap(5, headcount=10, hours_met=9),  # tie
        6: Cap(6, headcount=10, hours_met=3),
        3: Cap(3, headcount=1, hours_met=1),
    }
    scores = engine.compute(model=SPEC, units=units, capability=cap, inspection={})
    assert [(scores[i].rank, scores[i].rank_of) for i in (4, 5, 6)] == [(1, 3), (1, 3), (3, 3)]
    # departments: A rolls up A1..A3 (21/30 = 70 %), B has 100 %.
    assert (scores[3].rank, scores[2].rank, scores[2].rank_of) == (1, 2, 2)
    assert (scores[1].rank, scores[1].rank_of) == (1, 1)


def test_lower_is_better_and_bands_follow_the_model():
    spec = engine.ModelSpec(
        year=2026,
        criteria=(engine.CriterionSpec("late", engine.CAPABILITY, "hours_met_share", 10, 20, engine.LOWER),),
        excellent_min=95,
        good_min=80,
        satisfactory_min=60,
    )
    scores = engine.compute(model=spec, units=[ROOT], capability={1: Cap(1, headcount=10, hours_met=6)}, inspection={})
    # 60 % against "at most 20 %": (100 − 60) / (100 − 20) = 0.5
    assert round(scores[1].total, 2) == 50.0
    assert scores[1].band == engine.NOT_SATISFACTORY
    assert (
        spec.band(95) == engine.EXCELLENT and spec.band(94.99) == engine.GOOD and spec.band(60) == engine.SATISFACTORY
    )


def test_change_since_previous_period():
    scores = engine.compute(model=SPEC, units=[ROOT], capability={1: Cap(1, headcount=10, hours_met=9)}, inspection={})
    engine.set_changes(scores, {1: 87.5})
    assert (scores[1].previous_total, scores[1].change) == (87.5, 12.5)
