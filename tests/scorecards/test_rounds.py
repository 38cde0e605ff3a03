"""Self-assessment, then appraisal, then publication: the whole journey through the services and the
API, and every refusal the issue names (late, outside the unit, adjustment without a reason)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.permissions import Role
from scorecards import indicators, rounds
from scorecards.models import (
    AssessmentStatus,
    CriterionAssessment,
    Indicator,
    PublishedPeriod,
    RoundStatus,
    ScorecardModel,
    ScorecardSnapshot,
)
from scorecards.periods import Period
from staff.access import system_actor
from tests.factories import UserFactory, grant

Q2 = Period(2026, quarter=2)
LINK = "https://dvc.example.gov.vn/bao-cao-cchc-q2.pdf"


@pytest.fixture
def appraiser(tree):
    user = UserFactory(username="appraiser")
    grant(user, Role.APPRAISER, tree["province"])
    return user


@pytest.fixture
def cchc(records, appraiser, tree):
    """The 2026 model with the CCHC criteria, Sở Alpha's late-dossier rate for Q2, and a round for Q2."""
    indicators.scorecard_model_add_cchc(actor=system_actor(), model=ScorecardModel.objects.get(year=2026))
    indicators.indicator_value_set(
        actor=appraiser,
        unit=tree["alpha"],
        indicator=Indicator.objects.get(code="late_dossiers"),
        period=Q2,
        value=8,
        source="Hệ thống TTHC",
    )
    return rounds.round_open(actor=appraiser, period=Q2, deadline=dt.date(2026, 7, 31))


def _fill_and_submit(actor, round_, unit):
    rounds.assessment_save(
        actor=actor,
        round_=round_,
        unit=unit,
        entries=[
            {
                "key": "cchc_direction",
                "self_value": "85",
                "explanation": "Ban hành kế hoạch CCHC",
                "evidence_link": LINK,
            },
            {"key": "late_dossiers", "explanation": "Số liệu hệ thống"},
        ],
    )
    return rounds.assessment_submit(actor=actor, round_=round_, unit=unit)


def test_the_whole_journey_self_assessment_appraisal_publication(cchc, cast, tree, appraiser):
    submitted = _fill_and_submit(cast["unit_head"], cchc, tree["alpha"])
    assert submitted.status == AssessmentStatus.SUBMITTED
    rows = {c.key: c for c in submitted.criteria.all()}
    assert rows["cchc_direction"].self_value == 85.0
    assert rows["late_dossiers"].self_value == 8.0  # the imported value, reviewed
    assert rows["late_dossiers"].explanation == "Số liệu hệ thống"

    decisions = [{"key": key, "decision": "accepted"} for key in rows]
    decisions = [d for d in decisions if d["key"] != "cchc_direction"]
    decisions.append(
        {"key": "cchc_direction", "decision": "adjusted", "value": "70", "reason": "Thiếu kế hoạch kiểm tra"}
    )
    appraised = rounds.assessment_appraise(actor=appraiser, assessment=submitted, decisions=decisions)
    assert appraised.status == AssessmentStatus.APPRAISED
    direction = CriterionAssessment.objects.get(assessment=appraised, key="cchc_direction")
    assert (direction.self_value, direction.appraised_value, direction.difference) == (85.0, 70.0, -15.0)
    assert appraised.appraised_total < appraised.self_total

    publication = rounds.round_publish(actor=appraiser, round_=cchc)
    cchc.refresh_from_db()
    assert cchc.status == RoundStatus.PUBLISHED and cchc.publication == publication
    assert publication.published_by == appraiser
    snapshot = ScorecardSnapshot.objects.get(publication=publication, unit=tree["alpha"])
    frozen = {c["key"]: c for c in snapshot.criteria}
    assert frozen["cchc_direction"]["value"] == 70.0
    assert frozen["late_dossiers"]["value"] == 8.0
    assert snapshot.total == appraised.appraised_total
    # publishing again changes nothing
    assert rounds.round_publish(actor=appraiser, round_=cchc) == publication
    assert PublishedPeriod.objects.filter(period="2026-Q2").count() == 1


def test_submitting_after_the_deadline_is_refused(cchc, cast, tree):
    with time_machine.travel(dt.datetime(2026, 8, 1, 3, 0, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError) as caught:
            _fill_and_submit(cast["unit_head"], cchc, tree["alpha"])
    assert caught.value.messages == ["Hạn tự đánh giá là 31/07/2026; không thể sửa hay nộp nữa."]
    assert not CriterionAssessment.objects.exists()


def test_a_user_outside_the_unit_cannot_submit(cchc, cast, tree):
    grant(cast["outsider_hr"], Role.UNIT_HEAD, tree["beta"])
    with pytest.raises(ValidationError):
        _fill_and_submit(cast["outsider_hr"], cchc, tree["alpha"])
    assert not CriterionAssessment.objects.exists()


def test_submitting_without_evidence_for_a_self_assessed_criterion_is_refused(cchc, cast, tree):
    with pytest.raises(ValidationError) as caught:
        rounds.assessment_submit(actor=cast["unit_head"], round_=cchc, unit=tree["alpha"])
    assert caught.value.messages == [
        "Hãy cho điểm và minh chứng (tệp hoặc đường dẫn) cho: Công tác chỉ đạo, điều hành CCHC (tự đánh giá)."
    ]


def test_an_adjustment_without_a_reason_is_refused(cchc, cast, tree, appraiser):
    submitted = _fill_and_submit(cast["unit_head"], cchc, tree["alpha"])
    decisions = [{"key": c.key, "decision": "accepted"} for c in submitted.criteria.all() if c.key != "cchc_direction"]
    decisions.append({"key": "cchc_direction", "decision": "adjusted", "value": "60", "reason": " "})
    with pytest.raises(ValidationError) as caught:
        rounds.assessment_appraise(actor=appraiser, assessment=submitted, decisions=decisions)
    assert caught.value.messages == ["Công tác chỉ đạo, điều hành CCHC (tự đánh giá): điều chỉnh phải có lý do."]
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert not CriterionAssessment.objects.filter(decision__gt="").exists()


def test_a_round_with_unappraised_submissions_cannot_be_published(cchc, cast, tree, appraiser):
    _fill_and_submit(cast["unit_head"], cchc, tree["alpha"])
    with pytest.raises(ValidationError) as caught:
        rounds.round_publish(actor=appraiser, round_=cchc)
    assert caught.value.messages == ["Còn 1 bản tự đánh giá đã nộp chưa được thẩm định."]
    assert not PublishedPeriod.objects.filter(period="2026-Q2").exists()


# --------------------------------------------------------------------------------------- API
def test_the_journey_through_the_api(cchc, cast, tree, appraiser, api):
    head = api(cast["unit_head"])
    base = f"/api/v1/assessment-rounds/{cchc.pk}/units/{tree['alpha'].pk}/"
    body = head.get(base).json()
    assert body["status"] == "draft"
    assert {c["key"]: c["kind"] for c in body["criteria"]}["late_dossiers"] == "indicator"
    saved = head.post(
        base + "save/",
        {
            "criteria": [
                {"key": "cchc_direction", "self_value": "90", "explanation": "Có kế hoạch", "evidence_link": LINK}
            ]
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    submitted = head.post(base + "submit/").json()
    assert submitted["status"] == "submitted"
    assert head.post(base + "submit/").json()["status"] == "submitted"  # again: idempotent

    keys = [c["key"] for c in submitted["criteria"]]
    no_reason = [
        {"key": k, "decision": "adjusted" if k == "cchc_direction" else "accepted", "value": "75"} for k in keys
    ]
    refused = api(appraiser).post(base + "appraise/", {"criteria": no_reason}, format="json")
    assert refused.status_code == 400
    decisions = [dict(d, reason="Minh chứng chưa đủ") if d["key"] == "cchc_direction" else d for d in no_reason]
    appraised = api(appraiser).post(base + "appraise/", {"criteria": decisions}, format="json").json()
    row = next(c for c in appraised["criteria"] if c["key"] == "cchc_direction")
    assert (row["self_value"], row["appraised_value"], row["difference"], row["reason"]) == (
        90.0,
        75.0,
        -15.0,
        "Minh chứng chưa đủ",
    )
    # the unit sees the same difference
    seen = head.get(base).json()
    assert next(c for c in seen["criteria"] if c["key"] == "cchc_direction")["difference"] == -15.0
    published = api(appraiser).post(f"/api/v1/assessment-rounds/{cchc.pk}/publish/")
    assert published.status_code == 200 and published.json()["publication_period"] == "2026-Q2"


def test_the_unit_head_cannot_appraise_nor_open_nor_publish(cchc, cast, tree, api):
    head = api(cast["unit_head"])
    base = f"/api/v1/assessment-rounds/{cchc.pk}/"
    assert head.post(base + f"units/{tree['alpha'].pk}/appraise/", {"criteria": []}, format="json").status_code == 403
    assert head.post(base + "publish/").status_code == 403
    assert head.post("/api/v1/assessment-rounds/", {"period": "2026-Q3", "deadline": "2026-10-31"}).status_code == 403


def test_another_units_assessment_is_404(cchc, cast, tree, api):
    head = api(cast["unit_head"])
    base = f"/api/v1/assessment-rounds/{cchc.pk}/units/{tree['beta'].pk}/"
    assert head.get(base).status_code == 404
    assert head.post(base + "save/", {"criteria": []}, format="json").status_code == 404
    assert head.post(base + "submit/").status_code == 404
    assert api(cast["unit_head"]).get("/api/v1/indicator-values/", {"unit": tree["beta"].pk}).status_code == 400


def test_indicator_values_api_lists_only_the_scope(cchc, cast, tree, api, appraiser):
    indicators.indicator_value_set(
        actor=appraiser, unit=tree["beta"], indicator=Indicator.objects.get(code="sipas"), period=Q2, value=90
    )
    rows = api(cast["unit_head"]).get("/api/v1/indicator-values/", {"period": "2026-Q2"}).json()["results"]
    assert [(r["unit_code"], r["indicator"], r["value"]) for r in rows] == [("ALPHA", "late_dossiers", "8.00")]
    everything = api(appraiser).get("/api/v1/indicator-values/", {"period": "2026"}).json()
    assert everything["count"] == 2
    other = api(cast["unit_head"]).get(f"/api/v1/indicator-values/{everything['results'][-1]['id']}/")
    assert other.status_code == 404


def test_a_unit_is_scored_on_its_own_self_assessment_not_its_sub_units(cchc, cast, tree):
    from scorecards.selectors.tables import score_table

    _fill_and_submit(cast["unit_head"], cchc, tree["alpha"])  # 85
    rounds.assessment_save(
        actor=cast["unit_head"],
        round_=cchc,
        unit=tree["alpha1"],
        entries=[{"key": "cchc_direction", "self_value": "40", "evidence_link": LINK}],
    )
    rounds.assessment_submit(actor=cast["unit_head"], round_=cchc, unit=tree["alpha1"])
    live = score_table(period=Q2, frozen=False, with_previous=False).live
    assert live[tree["alpha"].pk].criterion("cchc_direction").value == 85.0
    assert live[tree["alpha1"].pk].criterion("cchc_direction").value == 40.0
    # the province did not assess itself: it takes the roll-up (one person each in Sở Alpha and Phòng Alpha-1)
    assert live[tree["province"].pk].criterion("cchc_direction").value == 62.5
