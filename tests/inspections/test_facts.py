"""The contract with the scorecards app: unit_inspection_facts."""

import datetime as dt

import time_machine

from inspections import services
from inspections.models import TemplateKind
from inspections.selectors import InspectionFacts, unit_inspection_facts
from inspections.services import AnswerInput
from staff.access import system_actor
from tests.inspections.conftest import fill, make_checklist

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def test_facts_average_approved_scores_by_kind_and_count_actions(
    assignment, self_assignment, plan, tree, team, django_assert_num_queries
):
    # Inspector: I1 fails (0/2), others full → (3 + 2 + 1) / 8 = 75 %.
    inspection = fill(
        assignment,
        [
            AnswerInput("I1", "no", note="Không đeo thẻ"),
            AnswerInput("I2", "yes"),
            AnswerInput("I3", "4"),
            AnswerInput("I4", "100"),
            AnswerInput("I5", "3"),
        ],
    )
    assert str(inspection.total_percent) == "75.00"
    finding = inspection.findings.get()
    on_time = services.action_create(
        actor=assignment.lead, finding=finding, description="Nhắc đeo thẻ", due_date=dt.date(2026, 6, 1)
    )
    late = services.action_create(
        actor=assignment.lead, finding=finding, description="Kiểm tra lại", due_date=dt.date(2026, 6, 1)
    )
    services.action_create(actor=assignment.lead, finding=finding, description="Ngoài kỳ", due_date=dt.date(2027, 2, 1))
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False):
        services.action_update_progress(actor=system_actor(), action=on_time, status="done", note="Xong")
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0), tick=False):
        services.action_update_progress(actor=system_actor(), action=late, status="done", note="Muộn")
    # Self-inspection of Sở Alpha, submitted on time and approved: 100 %.
    with time_machine.travel(dt.datetime(2026, 6, 29, 16, 0), tick=False):
        fill(self_assignment)
    # A discipline inspection still a draft does not count.
    discipline = make_checklist(code="KL-TEST", kind=TemplateKind.DISCIPLINE)
    draft_assignment = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["beta"],
        template_version=discipline,
        due_date=dt.date(2026, 9, 1),
        lead=team["lead"],
    )
    fill(draft_assignment, submit=False)

    with django_assert_num_queries(3):
        facts = unit_inspection_facts(start=START, end=END)

    assert facts == {
        tree["gamma_office"].pk: InspectionFacts(
            unit_id=tree["gamma_office"].pk,
            service_culture_score=75.0,
            service_culture_self_score=None,
            discipline_score=None,
            discipline_self_score=None,
            actions_due=2,
            actions_closed_on_time=1,
            self_inspections_due=0,
            self_inspections_on_time=0,
        ),
        tree["alpha"].pk: InspectionFacts(
            unit_id=tree["alpha"].pk,
            service_culture_score=None,
            service_culture_self_score=100.0,
            discipline_score=None,
            discipline_self_score=None,
            actions_due=0,
            actions_closed_on_time=0,
            self_inspections_due=1,
            self_inspections_on_time=1,
        ),
    }


def test_facts_late_self_inspection_is_not_on_time_and_other_periods_are_left_out(self_assignment, tree):
    # Submitted on 1 July 2026 at 06:00 local time, due 30 June: late.
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 0, tzinfo=dt.UTC), tick=False):
        fill(self_assignment, approve=False)
    facts = unit_inspection_facts(start=START, end=END)
    assert facts[tree["alpha"].pk].self_inspections_due == 1
    assert facts[tree["alpha"].pk].self_inspections_on_time == 0
    assert unit_inspection_facts(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)) == {}
