"""Versioning, locking and amendments, findings and corrective actions, plans, coverage, campaigns,
self vs verified comparison."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.permissions import Role
from inspections import selectors, services
from inspections.models import (
    ActionStatus,
    Amendment,
    Answer,
    CorrectiveAction,
    Inspection,
    InspectionStatus,
    Item,
    VersionStatus,
)
from inspections.services import AnswerInput, ItemSpec, SectionSpec
from staff.access import system_actor
from tests.factories import UserFactory, grant
from tests.inspections.conftest import GOOD_ANSWERS, fill


def _messages(exc):
    return [str(m) for m in exc.value.messages]


# ------------------------------------------------------------------------------------ versioning
def test_a_published_version_refuses_every_edit(checklist):
    item = checklist.items.get(code="I1")
    with pytest.raises(ValidationError) as exc:
        services.item_update(actor=system_actor(), item=item, text_vi="Sửa")
    assert _messages(exc) == [
        "Phiên bản 1 đã ban hành nên không thể thay đổi; hãy sửa mẫu phiếu để tạo phiên bản nháp mới."
    ]
    with pytest.raises(ValidationError):
        services.version_set_content(actor=system_actor(), version=checklist, sections=[])
    with pytest.raises(ValidationError):
        services.version_publish(actor=system_actor(), version=checklist)
    item.refresh_from_db()
    assert item.text_vi == "Đeo thẻ"


def test_editing_a_published_template_makes_a_draft_and_inspections_keep_their_version(assignment, checklist):
    inspection = fill(assignment)
    draft = services.version_new_draft(actor=system_actor(), template=checklist.template)
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert services.version_new_draft(actor=system_actor(), template=checklist.template) == draft  # one draft at a time
    services.item_update(
        actor=system_actor(), item=draft.items.get(code="I1"), text_vi="Đeo thẻ đúng quy định", weight=5
    )
    services.version_publish(actor=system_actor(), version=draft)
    checklist.refresh_from_db()
    assert checklist.status == VersionStatus.RETIRED
    assert Item.objects.get(version=checklist, code="I1").text_vi == "Đeo thẻ"
    inspection.refresh_from_db()
    assert inspection.template_version_id == checklist.pk
    assert inspection.total_percent == Decimal("100.00")


def test_a_retired_version_is_still_accepted_where_it_is_pinned(assignment, checklist):
    services.version_new_draft(actor=system_actor(), template=checklist.template)
    services.version_retire(actor=system_actor(), version=checklist)
    inspection = fill(assignment)
    assert inspection.status == InspectionStatus.APPROVED
    assert inspection.template_version.status == VersionStatus.RETIRED


def test_an_answer_to_an_item_of_another_version_is_refused(assignment, checklist):
    draft = services.version_new_draft(actor=system_actor(), template=checklist.template)
    services.version_set_content(
        actor=system_actor(),
        version=draft,
        sections=[
            SectionSpec(
                code="S1",
                title_vi="Mới",
                items=[ItemSpec(code="NEW-1", text_vi="Tiêu chí mới", answer_type="yes_no_na")],
            )
        ],
    )
    with pytest.raises(ValidationError) as exc:
        services.inspection_save(actor=assignment.lead, assignment=assignment, answers=[AnswerInput("NEW-1", "yes")])
    assert _messages(exc) == ["Tiêu chí NEW-1 không có trong phiên bản 1 của phiếu này."]
    assert not Inspection.objects.exists()


def test_only_a_published_version_can_be_assigned(plan, tree, checklist, team):
    draft = services.version_new_draft(actor=system_actor(), template=checklist.template)
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            actor=system_actor(),
            plan=plan,
            unit=tree["alpha"],
            template_version=draft,
            due_date=dt.date(2026, 6, 1),
            lead=team["lead"],
        )
    assert exc.value.message_dict == {"template_version": ["Chỉ phiên bản đã ban hành mới được giao."]}


def test_duplicate_item_codes_are_refused_in_a_version(checklist):
    draft = services.version_new_draft(actor=system_actor(), template=checklist.template)
    with pytest.raises(ValidationError) as exc:
        services.version_set_content(
            actor=system_actor(),
            version=draft,
            sections=[
                SectionSpec(
                    code="S",
                    title_vi="S",
                    items=[
                        ItemSpec(code="X", text_vi="a", answer_type="yes_no_na"),
                        ItemSpec(code="X", text_vi="b", answer_type="sms"),
                    ],
                )
            ],
        )
    assert _messages(exc) == ["Mã tiêu chí X bị lặp.", "Tiêu chí X: loại câu trả lời không hợp lệ “sms”."]
    assert draft.items.count() == 7


# -------------------------------------------------------------------------- locking, amendments
def test_an_approved_inspection_is_locked(assignment, team):
    inspection = fill(assignment)
    with pytest.raises(ValidationError) as exc:
        services.inspection_save(actor=team["lead"], assignment=assignment, answers=[AnswerInput("I1", "no")])
    assert _messages(exc) == [
        "Phiếu kiểm tra này đã được phê duyệt và khóa; chỉ có thể thay đổi bằng một lần đính chính."
    ]
    assert inspection.answers.get(item__code="I1").value == "yes"


def test_a_submitted_inspection_waits_for_review_and_a_returned_one_can_be_edited(assignment, team):
    inspection = fill(assignment, actor=team["member"], approve=False)
    with pytest.raises(ValidationError) as exc:
        services.inspection_return(actor=team["member"], inspection=inspection, comment="Sai")
    assert _messages(exc) == ["Chỉ trưởng đoàn mới được phê duyệt hoặc trả lại phiếu này."]
    with pytest.raises(ValidationError) as exc:
        services.inspection_return(actor=team["lead"], inspection=inspection, comment=" ")
    assert exc.value.message_dict == {"comment": ["Hãy nêu nội dung cần sửa."]}
    returned = services.inspection_return(actor=team["lead"], inspection=inspection, comment="Bổ sung ghi chú I5")
    assert returned.status == InspectionStatus.RETURNED
    again = services.inspection_save(
        actor=team["member"],
        assignment=assignment,
        answers=[*GOOD_ANSWERS[:4], AnswerInput("I5", "13", note="Đã bổ sung")],
        submit=True,
    )
    assert again.status == InspectionStatus.SUBMITTED
    assert again.answers.get(item__code="I5").note == "Đã bổ sung"


def test_an_amendment_needs_a_reason_keeps_before_and_after_and_updates_findings(assignment, team):
    inspection = fill(assignment)
    assert not inspection.findings.exists()
    with pytest.raises(ValidationError) as exc:
        services.inspection_amend(actor=team["lead"], inspection=inspection, reason="", answers=[])
    assert exc.value.message_dict == {"reason": ["Lần đính chính cần có lý do."]}
    with pytest.raises(ValidationError) as exc:
        services.inspection_amend(actor=team["member"], inspection=inspection, reason="x", answers=[])
    assert _messages(exc) == ["Chỉ trưởng đoàn mới được đính chính phiếu này."]
    amendment = services.inspection_amend(
        actor=team["lead"], inspection=inspection, reason="Nhập nhầm I2", answers=[AnswerInput("I2", "no")]
    )
    inspection.refresh_from_db()
    assert (amendment.number, amendment.reason, amendment.actor) == (1, "Nhập nhầm I2", team["lead"])
    assert amendment.before["answers"]["I2"]["value"] == "yes"
    assert amendment.after["answers"]["I2"]["value"] == "no"
    assert (amendment.before["total_percent"], amendment.after["total_percent"]) == ("100.00", "62.50")
    assert inspection.critical_failed is True
    assert inspection.status == InspectionStatus.APPROVED
    assert [f.item.code for f in inspection.findings.all()] == ["I2"]
    versions = selectors.inspection_versions(inspection=inspection)
    assert [(v["number"], v["snapshot"]["total_percent"]) for v in versions] == [(0, "100.00"), (1, "62.50")]
    with pytest.raises(ValidationError) as exc:
        services.inspection_amend(
            actor=team["lead"], inspection=inspection, reason="lại", answers=[AnswerInput("I2", "no")]
        )
    assert _messages(exc) == ["Lần đính chính này không thay đổi gì."]
    assert Amendment.objects.count() == 1


def test_an_inspector_off_the_team_cannot_fill(assignment, team):
    with pytest.raises(ValidationError) as exc:
        services.inspection_save(actor=team["stranger"], assignment=assignment, answers=GOOD_ANSWERS)
    assert _messages(exc) == ["Phiếu này không được giao cho bạn."]
    assert not Answer.objects.exists()


def test_self_inspection_is_filled_by_the_unit_head_of_that_unit(self_assignment, cast, team):
    inspection = services.inspection_save(
        actor=cast["unit_head"], assignment=self_assignment, answers=GOOD_ANSWERS, submit=True
    )
    assert inspection.is_self and inspection.submitted_by == cast["unit_head"]
    with pytest.raises(ValidationError):
        services.inspection_save(actor=team["lead"], assignment=self_assignment, answers=GOOD_ANSWERS)


# ------------------------------------------------------------------------ findings and actions
def test_corrective_action_goes_open_in_progress_done_verified_and_overdue_is_derived(assignment, team, cast, tree):
    gamma_head = UserFactory(username="gamma_head")
    grant(gamma_head, Role.UNIT_HEAD, tree["gamma"])
    inspection = fill(assignment, [AnswerInput("I1", "no", note="Không đeo thẻ"), *GOOD_ANSWERS[1:]])
    finding = inspection.findings.get()
    with pytest.raises(ValidationError):
        services.action_create(actor=cast["unit_head"], finding=finding, description="x", due_date=dt.date(2026, 6, 1))
    action = services.action_create(
        actor=team["member"], finding=finding, description="Nhắc nhở đeo thẻ", due_date=dt.date(2026, 6, 1)
    )
    with time_machine.travel(dt.datetime(2026, 6, 5, 9, 0), tick=False):
        assert CorrectiveAction.objects.with_overdue().get().is_overdue is True
        assert [f.pk for f in selectors.finding_list(user=cast["admin"], filters={"state": "overdue"})] == [finding.pk]
        with pytest.raises(ValidationError) as exc:
            services.action_update_progress(actor=cast["unit_head"], action=action, status="done")
        assert _messages(exc) == ["Chỉ đơn vị chịu trách nhiệm mới được báo cáo tiến độ của biện pháp này."]
        action = services.action_update_progress(
            actor=gamma_head, action=action, status="in_progress", note="Đang thực hiện"
        )
        action = services.action_update_progress(actor=gamma_head, action=action, status="done", note="Xong")
        assert (action.status, action.completed_on) == (ActionStatus.DONE, dt.date(2026, 6, 5))
        assert CorrectiveAction.objects.with_overdue().get().is_overdue is False
        with pytest.raises(ValidationError) as exc:
            services.action_verify(actor=team["lead"], action=action, accept=False)
        assert exc.value.message_dict == {"note": ["Hãy nêu lý do không chấp nhận."]}
        action = services.action_verify(actor=team["lead"], action=action)
    assert action.status == ActionStatus.VERIFIED
    assert [(p.status_from, p.status_to) for p in selectors.action_progress(action=action)] == [
        ("open", "in_progress"),
        ("in_progress", "done"),
        ("done", "verified"),
    ]
    assert [f.pk for f in selectors.finding_list(user=cast["admin"], filters={"state": "closed"})] == [finding.pk]


# --------------------------------------------------------------------- plans, coverage, campaigns
def test_plan_coverage_counts_units_inspected_this_year_against_the_target(plan, tree, checklist, team):
    # Six active units in the province; one inspected (submitted) → 16.7 % < 20 %, one more needed.
    a = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["alpha1"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    fill(a, approve=False)
    assert selectors.plan_coverage(plan=plan) == {
        "units": 6,
        "inspected": 1,
        "percent": Decimal("16.7"),
        "target": Decimal("20"),
        "met": False,
        "needed": 1,
    }
    b = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["beta"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    fill(b)
    coverage = selectors.plan_coverage(plan=plan)
    assert (coverage["inspected"], coverage["percent"], coverage["met"]) == (2, Decimal("33.3"), True)


def test_self_inspection_campaign_gives_every_unit_in_scope_an_assignment(tree, checklist, cast):
    plan = services.campaign_create(
        actor=cast["admin"],
        year=2026,
        name="Tự kiểm tra 2026",
        unit=tree["alpha"],
        template_version=checklist,
        due_date=dt.date(2026, 10, 31),
    )
    assert sorted(a.unit.code for a in plan.assignments.all()) == ["ALPHA", "ALPHA-1"]
    assert all(a.is_self and a.lead_id is None for a in plan.assignments.all())
    assert [a.unit.code for a in selectors.my_assignments(user=cast["unit_head"])] == ["ALPHA", "ALPHA-1"]


def test_self_and_verified_scores_are_compared_item_by_item(tree, checklist, team, cast):
    campaign = services.campaign_create(
        actor=system_actor(),
        year=2026,
        name="TKT",
        unit=tree["gamma_office"],
        template_version=checklist,
        due_date=dt.date(2026, 4, 30),
    )
    self_insp = fill(campaign.assignments.get(), on=dt.date(2026, 4, 20))
    plan = services.plan_create(actor=system_actor(), year=2026, name="KT", unit=tree["gamma"])
    a = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    verified = fill(
        a,
        [
            AnswerInput("I1", "no", note="x"),
            AnswerInput("I2", "yes"),
            AnswerInput("I3", "2"),
            AnswerInput("I4", "100"),
            AnswerInput("I5", "12"),
        ],
    )
    result = selectors.inspection_compare(user=cast["admin"], inspection=verified)
    assert (result["self"], result["verified"], result["differences"]) == (self_insp, verified, 2)
    assert [(r["item"].code, r["self_pct"], r["verified_pct"], r["diff"]) for r in result["rows"]] == [
        ("I1", 100.0, 0.0, -100.0),
        ("I2", 100.0, 100.0, 0.0),
        ("I3", 100.0, 50.0, -50.0),
        ("I4", 100.0, 100.0, 0.0),
        ("I5", None, None, None),
        ("I6", None, None, None),
        ("I7", None, None, None),
    ]
    assert selectors.inspection_compare(user=cast["admin"], inspection=self_insp)["verified"] == verified


# ------------------------------------------------------------------------------------- actors
def test_a_service_needs_an_actor(assignment):
    with pytest.raises(TypeError):
        services.inspection_save(actor=None, assignment=assignment, answers=GOOD_ANSWERS)
    with pytest.raises(TypeError):
        services.plan_create(actor=None, year=2026, name="KT", unit=assignment.unit)


def test_the_system_acts_for_any_team_but_a_signed_in_superuser_does_not(assignment):
    root = UserFactory(username="root", is_superuser=True)
    with pytest.raises(ValidationError, match="không được giao cho bạn"):
        services.inspection_save(actor=root, assignment=assignment, answers=GOOD_ANSWERS, submit=True)
    inspection = services.inspection_save(
        actor=system_actor(), assignment=assignment, answers=GOOD_ANSWERS, submit=True
    )
    inspection = services.inspection_approve(actor=system_actor(), inspection=inspection)
    assert (inspection.status, inspection.submitted_by, inspection.approved_by) == (
        InspectionStatus.APPROVED,
        system_actor(),
        system_actor(),
    )
