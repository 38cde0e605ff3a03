"""Indicator values: the import (all or nothing, every bad cell named), entry, and how they reach the
scorecard once a model has indicator criteria."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.permissions import Role
from core.xlsx import ImportRejected
from scorecards import defaults, explain, indicators, links, services
from scorecards.models import Indicator, IndicatorValue, ScorecardModel
from scorecards.periods import Period
from scorecards.selectors.tables import score_table
from staff.access import system_actor
from tests.factories import UserFactory, grant

HEADER = ["Mã đơn vị", "Kỳ", "Mã chỉ số", "Giá trị", "Nguồn"]


def sheet(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ số"
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def appraiser(tree):
    user = UserFactory(username="appraiser")
    grant(user, Role.APPRAISER, tree["province"])
    return user


def test_an_import_writes_every_value_with_its_source_and_importer(tree, appraiser):
    data = sheet(
        [
            ["ALPHA", "2026-Q2", "late_dossiers", 4.5, "Hệ thống TTHC"],
            ["ALPHA-1", "2026-Q2", "online_dossiers", "62,5", "Cổng DVC"],
            ["BETA", "2026-Q2", "sipas", "88%", ""],
        ]
    )
    plan = indicators.indicator_import(data=data, actor=appraiser, file_name="q2.xlsx")
    assert (plan.created, plan.updated) == (3, 0)
    row = IndicatorValue.objects.get(unit=tree["alpha1"], indicator__code="online_dossiers")
    assert (str(row.value), row.period, row.source, row.imported_by, row.file_name) == (
        "62.50",
        "2026-Q2",
        "Cổng DVC",
        appraiser,
        "q2.xlsx",
    )
    assert row.history.first().history_user == appraiser
    # the same file again replaces, it does not add
    again = indicators.indicator_import(data=data, actor=appraiser)
    assert (again.created, again.updated) == (0, 3)
    assert IndicatorValue.objects.count() == 3


def test_a_bad_file_is_refused_whole_with_row_and_column(tree, appraiser):
    services.period_publish(actor=system_actor(), period=Period(2025, quarter=4), today=dt.date(2026, 1, 5))
    data = sheet(
        [
            ["ALPHA", "2026-Q2", "late_dossiers", 3, "ok"],  # good, yet not written
            ["NOSUCH", "2026-Q2", "late_dossiers", 3, ""],
            ["ALPHA", "2026-Q2", "speed", 3, ""],
            ["BETA", "2026-Q2", "online_dossiers", 120, ""],
            ["BETA", "2025-Q4", "sipas", 80, ""],
            ["ALPHA", "2026-Q2", "late_dossiers", 5, ""],
        ]
    )
    with pytest.raises(ImportRejected) as caught:
        indicators.indicator_import(data=data, actor=appraiser)
    found = {(e.row, e.column): e.message for e in caught.value.errors}
    assert found == {
        (3, "A"): "Không có mã đơn vị “NOSUCH”.",
        (4, "C"): "Không có chỉ số “speed” (các chỉ số: late_dossiers, online_dossiers, online_payments, "
        "report_regularity, sipas).",
        (5, "D"): "120,00 nằm ngoài khoảng của Tỷ lệ hồ sơ trực tuyến (0–100).",
        (6, "B"): "Quý 4/2025 đã khóa: bảng điểm của kỳ đã công bố.",
        (7, "C"): "late_dossiers của ALPHA kỳ 2026-Q2 bị lặp (lần đầu ở dòng 2).",
    }
    assert IndicatorValue.objects.count() == 0


def test_a_unit_outside_the_importers_scope_is_refused(tree, cast):
    data = sheet([["BETA", "2026-Q2", "late_dossiers", 3, ""]])
    grant(cast["hr"], Role.APPRAISER, tree["alpha"])
    with pytest.raises(ImportRejected) as caught:
        indicators.indicator_import(data=data, actor=cast["hr"])
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "A")]


def test_indicator_values_reach_the_scorecard_and_roll_up(tree, appraiser, people, api, login):
    with time_machine.travel(dt.datetime(2026, 7, 15, 3, 0, tzinfo=dt.UTC), tick=True):
        model = ScorecardModel.objects.get(year=2026)
        indicators.scorecard_model_add_cchc(actor=system_actor(), model=model)
        q2 = Period(2026, quarter=2)
        late = Indicator.objects.get(code="late_dossiers")
        online = Indicator.objects.get(code="online_dossiers")
        indicators.indicator_value_set(actor=appraiser, unit=tree["alpha"], indicator=late, period=q2, value=4)
        indicators.indicator_value_set(actor=appraiser, unit=tree["alpha1"], indicator=late, period=q2, value=10)
        indicators.indicator_value_set(actor=appraiser, unit=tree["alpha1"], indicator=online, period=q2, value="90")
        table = score_table(period=q2, frozen=False, with_previous=False)
        alpha, alpha1 = table.live[tree["alpha"].pk], table.live[tree["alpha1"].pk]
        # Sở Alpha (An) and Phòng Alpha-1 (Bình) weigh one person each: (4 + 10) / 2
        assert round(alpha.criterion("late_dossiers").value, 2) == 7.0
        assert alpha1.criterion("late_dossiers").value == 10.0
        assert alpha1.criterion("online_dossiers").value == 90.0
        # lower is better, target 5: 10 % late gives (100 − 10) / (100 − 5) of the weight
        assert round(
            alpha1.criterion("late_dossiers").points / alpha1.criterion("late_dossiers").effective_weight, 4
        ) == round(90 / 95, 4)
        # nobody disciplined: 100 % of the headcount
        assert alpha.criterion("no_discipline").value == 100.0
        assert (alpha.criterion("no_discipline").numerator, alpha.criterion("no_discipline").denominator) == (2, 2)
        # the year takes the mean of the quarters entered
        year = score_table(period=Period(2026), frozen=False, with_previous=False)
        assert year.live[tree["alpha1"].pk].criterion("late_dossiers").value == 10.0
        # The figure opens the values it is the mean of: 2 for Sở Alpha and its sub-unit, on screen and API.
        late_alpha = alpha.criterion("late_dossiers")
        assert (late_alpha.measure, late_alpha.records) == ("indicator", 2)
        with translation.override("vi"):
            assert explain.value_text(late_alpha) == (
                "Trung bình của 2 giá trị nhập cho kỳ và các kỳ bên trong: trung bình của từng đơn vị, "
                "gia quyền theo biên chế trên 2 đơn vị = 7,00"
            )
        link = links.criterion_links(unit=tree["alpha"], period=q2, formulas=[late_alpha.formula])[late_alpha.formula]
        assert link["denominator"] is None
        assert api(appraiser).get(link["numerator"]["api_url"]).json()["count"] == 2
        page = login(appraiser).get(link["numerator"]["url"]).content.decode()
        assert "2 giá trị · Sở Alpha và các đơn vị trực thuộc" in page
        assert page.count('<tr><th scope="row">') == 2
        # The Excel file has a sheet of those values, with labels.
        export = login(appraiser).get(f"/scorecards/units/{tree['alpha'].pk}/export.xlsx", {"period": q2.key})
        book = load_workbook(io.BytesIO(export.content))
        sheet_ = next(ws for ws in book.worksheets if str(ws["A1"].value or "").startswith(late_alpha.label))
        rows = list(sheet_.iter_rows(min_row=2, values_only=True))
        assert rows[0][:5] == ("Mã đơn vị", "Đơn vị", "Kỳ", "Chỉ số", "Giá trị")
        assert sorted(r[4] for r in rows[1:]) == [4.0, 10.0]


def test_an_indicator_value_out_of_range_or_in_a_closed_period_is_refused(tree, appraiser):
    late = Indicator.objects.get(code="late_dossiers")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        indicators.indicator_value_set(
            actor=appraiser, unit=tree["alpha"], indicator=late, period=Period(2026, quarter=1), value=-1
        )
    assert caught.value.message_dict == {"value": ["-1,00 nằm ngoài khoảng của Tỷ lệ hồ sơ trễ hạn (0–100)."]}


def test_cchc_defaults_name_existing_indicators(db):
    codes = {r["indicator"] for r in defaults.cchc_criterion_rows() if r["indicator"]}
    assert codes <= set(Indicator.objects.values_list("code", flat=True))


def test_a_criterion_on_checklist_items_takes_the_self_inspection_scores(records, tree, cast, api):
    """Sở Alpha's self-inspection of Q2 answers every item well (100 %): a criterion on items I2 and I4
    reads exactly those answers (Σ score ÷ Σ maximum); the inspector's inspection of Gamma is not a
    self-inspection and does not count."""
    from inspections.models import Answer

    model = ScorecardModel.objects.get(year=2026)
    rows = [
        {f: getattr(c, f) for f in ("key", "pillar", "formula", "weight", "target", "label_vi", "direction", "order")}
        for c in model.criteria.all()
    ]
    rows.append(
        {
            "key": "items",
            "pillar": "service_culture",
            "formula": "checklist_items",
            "checklist_items": "I2, I4",
            "weight": 10,
            "target": 90,
            "label_vi": "Đeo thẻ, tiếp dân",
            "direction": "higher",
            "order": 50,
        }
    )
    services.scorecard_model_update(
        actor=system_actor(),
        model=model,
        name=model.name,
        excellent_min=90,
        good_min=70,
        satisfactory_min=50,
        criteria=rows,
    )
    answers = Answer.objects.filter(inspection__is_self=True, item__code__in=["I2", "I4"])
    score = float(sum(a.score for a in answers))
    maximum = float(sum(a.max_score for a in answers))
    table = score_table(period=Period(2026, quarter=2), frozen=False, with_previous=False)
    items = table.live[tree["alpha"].pk].criterion("items")
    assert (items.numerator, items.denominator) == (score, maximum)
    assert items.value == 100.0 * score / maximum
    assert table.live[tree["gamma"].pk].criterion("items").value is None
    # The figure opens the approved self-inspections whose answers it sums.
    inspections = answers.values("inspection_id").distinct().count()
    assert (items.measure, items.records) == ("points", inspections) and inspections >= 1
    with translation.override("vi"):
        assert explain.value_text(items).startswith("Σ điểm ")
        assert "÷ Σ điểm tối đa" in explain.value_text(items)
    link = links.criterion_links(unit=tree["alpha"], period=Period(2026, quarter=2), formulas=[items.formula])
    found = link[items.formula]
    assert found["denominator"] is None
    assert api(cast["admin"]).get(found["numerator"]["api_url"]).json()["count"] == inspections
    assert api(cast["admin"]).get(found["numerator"]["api_url"].replace("I2%2CI4", "NOPE")).json()["count"] == 0


def test_a_period_whose_round_is_published_takes_no_more_values(tree, appraiser):
    """While the round of Q1 2026 is open, values for Q1 (and its months) are imported; once the round is
    published the period is closed: each such row is refused by its row and column, nothing is written, and a
    single value cannot be entered either."""
    from django.core.exceptions import ValidationError

    from scorecards import rounds
    from scorecards.models import AssessmentRound, RoundStatus

    q1 = Period(2026, quarter=1)
    rounds.round_open(actor=system_actor(), period=q1, deadline=dt.date(2026, 4, 15), today=dt.date(2026, 4, 1))
    rows = [["ALPHA", "2026-Q1", "late_dossiers", 3, ""], ["BETA", "2026-02", "sipas", 80, ""]]
    indicators.indicator_import(data=sheet(rows), actor=appraiser)
    assert IndicatorValue.objects.count() == 2

    AssessmentRound.objects.filter(period=q1.key).update(status=RoundStatus.PUBLISHED)
    rows = [
        ["ALPHA", "2026-Q2", "late_dossiers", 4, ""],  # another period: fine, yet not written
        ["ALPHA", "2026-Q1", "late_dossiers", 5, ""],
        ["BETA", "2026-03", "sipas", 81, ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        indicators.indicator_import(data=sheet(rows), actor=appraiser)
    assert {(e.row, e.column): e.message for e in caught.value.errors} == {
        (3, "B"): "Quý 1/2026 đã khóa: bảng điểm của kỳ đã công bố.",
        (4, "B"): "Tháng 03/2026 đã khóa: bảng điểm của kỳ đã công bố.",
    }
    assert sorted(IndicatorValue.objects.values_list("period", "value")) == [("2026-02", 80), ("2026-Q1", 3)]
    with pytest.raises(ValidationError) as refused:
        indicators.indicator_value_set(
            actor=appraiser,
            unit=tree["alpha"],
            indicator=Indicator.objects.get(code="late_dossiers"),
            period=q1,
            value=6,
        )
    assert refused.value.message_dict == {"period": ["Quý 1/2026 đã khóa: bảng điểm của kỳ đã công bố."]}


def test_a_units_page_shows_the_province_tables_figures_for_the_other_periods(tree, appraiser, people):
    """The unit's page computes the other periods over its own subtree only (issue 18): the change since the
    previous period and the trend's points are still the province table's figures, indicators included."""
    from scorecards import selectors

    with time_machine.travel(dt.datetime(2026, 7, 15, 3, 0, tzinfo=dt.UTC), tick=True):
        model = ScorecardModel.objects.get(year=2026)
        indicators.scorecard_model_add_cchc(actor=system_actor(), model=model)
        q2, q3, q4 = (Period(2026, quarter=q) for q in (2, 3, 4))
        late = Indicator.objects.get(code="late_dossiers")
        indicators.indicator_value_set(actor=appraiser, unit=tree["alpha1"], indicator=late, period=q2, value=60)
        province_q2 = score_table(period=q2, with_previous=False).live
        province_q3 = score_table(period=q3).live
        alpha, alpha1 = tree["alpha"].pk, tree["alpha1"].pk
        assert round(province_q2[alpha1].criterion("late_dossiers").value, 2) == 60.0

        card = selectors.unit_scorecard(user=appraiser, pk=alpha, period=q3)
        assert card.score.previous_total == province_q2[alpha].total
        assert card.score.change == province_q3[alpha].change
        assert [c.change for c in card.children] == [province_q3[c.unit_id].change for c in card.children]
        assert alpha1 in {c.unit_id for c in card.children}
        # Q2 is two periods before Q4: the trend's point comes from the subtree computation.
        trend = selectors.unit_scorecard(user=appraiser, pk=alpha, period=q4).trend
        point = next(t for t in trend if t["period"] == q2)
        assert point["total"] == round(province_q2[alpha].total, 2)
        assert point["service_culture"] == round(province_q2[alpha].service_culture, 2)
