"""Inspections cast on top of tests/conftest.py's province:

- `checklist`: a published service-culture version (two sections, seven items of every kind);
- `team`: the cast's inspector (lead, role on Xã Gamma) plus `inspector2` (member) and
  `stranger` (an inspector on Sở Beta, not on the team);
- `assignment`: the team inspects Văn phòng xã Gamma with the checklist;
- `self_assignment`: a self-inspection of Sở Alpha, filled by the cast's unit head.
"""

import datetime as dt
from decimal import Decimal

import pytest

from core.permissions import Role
from inspections import services
from inspections.models import AnswerType, PlanKind, TemplateKind
from inspections.services import AnswerInput, ItemSpec, SectionSpec
from staff.access import system_actor
from tests.factories import UserFactory, grant

D = Decimal


def make_checklist(code="VH-TEST", kind=TemplateKind.SERVICE_CULTURE, publish=True):
    template = services.template_create(
        actor=system_actor(), code=code, name_vi="Phiếu thử nghiệm", name_en="Test checklist", kind=kind
    )
    version = template.versions.get()
    services.version_set_content(
        actor=system_actor(),
        version=version,
        sections=[
            SectionSpec(
                code="S1",
                title_vi="Trang phục",
                title_en="Attire",
                items=[
                    ItemSpec(
                        code="I1",
                        text_vi="Đeo thẻ",
                        text_en="Card worn",
                        answer_type=AnswerType.YES_NO_NA,
                        weight=D(2),
                        note_required_on_failure=True,
                        legal_basis="Chỉ thị 26/CT-TTg",
                    ),
                    ItemSpec(
                        code="I2",
                        text_vi="Không uống rượu",
                        text_en="No alcohol",
                        answer_type=AnswerType.YES_NO_NA,
                        weight=D(3),
                        critical=True,
                    ),
                    ItemSpec(
                        code="I3", text_vi="Thái độ", text_en="Attitude", answer_type=AnswerType.SCALE_0_4, weight=D(2)
                    ),
                ],
            ),
            SectionSpec(
                code="S2",
                title_vi="Kết quả",
                title_en="Results",
                items=[
                    ItemSpec(
                        code="I4",
                        text_vi="Tỷ lệ đúng hạn",
                        text_en="On time (%)",
                        answer_type=AnswerType.PERCENT,
                        weight=D(1),
                    ),
                    ItemSpec(
                        code="I5", text_vi="Số hồ sơ", text_en="Dossiers", answer_type=AnswerType.NUMBER, weight=D(1)
                    ),
                    ItemSpec(
                        code="I6",
                        text_vi="Ghi chú chung",
                        text_en="General note",
                        answer_type=AnswerType.TEXT,
                        required=False,
                    ),
                    ItemSpec(
                        code="I7",
                        text_vi="Ảnh bảng tên",
                        text_en="Name plate photo",
                        answer_type=AnswerType.PHOTO,
                        required=False,
                    ),
                ],
            ),
        ],
    )
    if publish:
        services.version_publish(actor=system_actor(), version=version)
    version.refresh_from_db()
    return version


GOOD_ANSWERS = [
    AnswerInput("I1", "yes"),
    AnswerInput("I2", "yes"),
    AnswerInput("I3", "4"),
    AnswerInput("I4", "100"),
    AnswerInput("I5", "12"),
]


@pytest.fixture
def checklist(db):
    return make_checklist()


@pytest.fixture
def team(cast, tree):
    inspector2 = UserFactory(username="inspector2")
    grant(inspector2, Role.INSPECTOR, tree["gamma"])
    stranger = UserFactory(username="stranger")
    grant(stranger, Role.INSPECTOR, tree["beta"])
    return {"lead": cast["inspector"], "member": inspector2, "stranger": stranger}


@pytest.fixture
def plan(tree):
    return services.plan_create(actor=system_actor(), year=2026, name="Kế hoạch kiểm tra 2026", unit=tree["province"])


@pytest.fixture
def assignment(plan, tree, checklist, team):
    return services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 30),
        lead=team["lead"],
        members=[team["member"]],
        announced=False,
    )


@pytest.fixture
def self_assignment(tree, checklist):
    campaign = services.plan_create(
        actor=system_actor(), year=2026, name="Tự kiểm tra 2026", unit=tree["alpha"], kind=PlanKind.SELF_CAMPAIGN
    )
    return services.assignment_create(
        actor=system_actor(),
        plan=campaign,
        unit=tree["alpha"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 30),
        is_self=True,
    )


def team_actor(assignment):
    """Who fills and reviews an assignment in these tests: its lead, or the system for a
    self-inspection (in scope everywhere)."""
    return system_actor() if assignment.is_self else assignment.lead


def filler_actor(assignment):
    """Who fills an assignment in these tests: a team member (the lead approves: nobody approves a
    checklist they filled), or the system for a self-inspection."""
    if assignment.is_self:
        return system_actor()
    member = assignment.members.order_by("pk").first()
    return member or assignment.lead


def fill(assignment, answers=None, *, actor=None, submit=True, approve=True, on=dt.date(2026, 5, 4)):
    """Fill (and submit, and approve) the assignment as `actor`, by default a team member; the
    lead (or the system for a self-inspection) approves."""
    inspection = services.inspection_save(
        actor=actor or filler_actor(assignment),
        assignment=assignment,
        answers=answers or GOOD_ANSWERS,
        inspected_on=on,
        submit=submit,
    )
    if submit and approve:
        approver = team_actor(assignment)
        if approver.pk == (actor or filler_actor(assignment)).pk:
            approver = system_actor()  # a team of one: nobody approves what they filled
        inspection = services.inspection_approve(actor=approver, inspection=inspection)
    return inspection
