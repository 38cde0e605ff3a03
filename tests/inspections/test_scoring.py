"""Scoring on the server: answer score × weight, N/A left out, percentages, critical flag, bands."""

from decimal import Decimal

import pytest

from inspections import scoring
from inspections.models import AnswerType, Band
from inspections.selectors import inspection_sheet
from inspections.services import AnswerInput
from tests.inspections.conftest import fill

D = Decimal


def test_all_good_answers_score_100_and_band_excellent(assignment):
    inspection = fill(assignment)
    assert (inspection.score, inspection.max_score, inspection.total_percent) == (D("8"), D("8"), D("100.00"))
    assert inspection.band == Band.EXCELLENT
    assert inspection.critical_failed is False
    assert inspection.answered == 5


def test_not_applicable_leaves_score_and_maximum_out(assignment):
    inspection = fill(
        assignment,
        [
            AnswerInput("I1", "na"),
            AnswerInput("I2", "yes"),
            AnswerInput("I3", "2"),
            AnswerInput("I4", "na"),
            AnswerInput("I5", "7"),
        ],
    )
    # I2 3/3 + I3 (2/4)×2 = 1/2 → 4 of 5.
    assert (inspection.score, inspection.max_score, inspection.total_percent) == (D("4"), D("5"), D("80.00"))
    assert inspection.band == Band.GOOD
    answer = inspection.answers.get(item__code="I1")
    assert (answer.score, answer.max_score, answer.failed) == (None, None, False)


def test_weights_and_section_percentages(assignment):
    inspection = fill(
        assignment,
        [
            AnswerInput("I1", "no", note="Quên thẻ"),
            AnswerInput("I2", "yes"),
            AnswerInput("I3", "2"),
            AnswerInput("I4", "50"),
            AnswerInput("I5", "0"),
        ],
    )
    # S1: 0/2 + 3/3 + 1/2 = 4 of 7; S2: 0.5 of 1 → total 4.5 of 8 = 56.25 %.
    assert inspection.total_percent == D("56.25")
    assert inspection.band == Band.SATISFACTORY
    sheet = inspection_sheet(inspection=inspection)
    assert [(s["section"].code, s["score"], s["max"], s["percent"]) for s in sheet] == [
        ("S1", D("4.000"), D("7.000"), D("57.1")),
        ("S2", D("0.500"), D("1.000"), D("50.0")),
    ]
    assert sorted(a.item.code for a in inspection.answers.filter(failed=True)) == ["I1"]
    number = inspection.answers.get(item__code="I5")
    assert (number.score, number.max_score) == (None, None)


def test_failed_critical_item_flags_the_inspection(assignment):
    inspection = fill(
        assignment,
        [
            AnswerInput("I1", "yes"),
            AnswerInput("I2", "no"),
            AnswerInput("I3", "4"),
            AnswerInput("I4", "100"),
            AnswerInput("I5", "1"),
        ],
    )
    assert inspection.critical_failed is True
    assert inspection.total_percent == D("62.50")
    finding = inspection.findings.get()
    assert (finding.item.code, finding.critical) == ("I2", True)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (D("100"), Band.EXCELLENT),
        (D("90"), Band.EXCELLENT),
        (D("89.99"), Band.GOOD),
        (D("70"), Band.GOOD),
        (D("69.99"), Band.SATISFACTORY),
        (D("50"), Band.SATISFACTORY),
        (D("49.99"), Band.NOT_SATISFACTORY),
        (D("0"), Band.NOT_SATISFACTORY),
        (None, ""),
    ],
)
def test_band_ladder_of_decree_335(total, band):
    assert scoring.band_for(total) == band


@pytest.mark.parametrize(
    ("answer_type", "value", "failing", "expected"),
    [
        (AnswerType.YES_NO_NA, "yes", ["no"], (D("2.000"), D(2), False)),
        (AnswerType.YES_NO_NA, "no", ["no"], (D("0.000"), D(2), True)),
        (AnswerType.SCALE_0_4, "3", ["0", "1"], (D("1.500"), D(2), False)),
        (AnswerType.SCALE_0_4, "1", ["0", "1"], (D("0.500"), D(2), True)),
        (AnswerType.PERCENT, "45", ["<50"], (D("0.900"), D(2), True)),
        (AnswerType.PERCENT, "50", ["<50"], (D("1.000"), D(2), False)),
        (AnswerType.NUMBER, "5", [], (None, None, False)),
        (AnswerType.NUMBER, "-1", ["<0"], (D("0.000"), D(2), True)),
        (AnswerType.NUMBER, "3", ["<0"], (D("2.000"), D(2), False)),
        (AnswerType.TEXT, "khong", ["khong"], (D("0.000"), D(2), True)),
        (AnswerType.DATE, "2026-01-01", [], (None, None, False)),
    ],
)
def test_item_score_by_answer_type(answer_type, value, failing, expected):
    result = scoring.score_item(answer_type=answer_type, weight=D(2), failing_answers=failing, value=value)
    assert (result.score, result.max_score, result.failed) == expected


@pytest.mark.parametrize(
    ("answer_type", "raw", "stored"),
    [
        (AnswerType.YES_NO_NA, "Yes", "yes"),
        (AnswerType.YES_NO_NA, "N/A", "na"),
        (AnswerType.SCALE_0_4, 3, "3"),
        (AnswerType.PERCENT, "87,5", "87.5"),
        (AnswerType.DATE, "05/04/2026", "2026-04-05"),
        (AnswerType.NUMBER, "12.0", "12"),
    ],
)
def test_answers_are_normalised(answer_type, raw, stored):
    assert scoring.normalise(answer_type, raw) == stored
