"""A superuser sees every unit's inspection records. unit_scope_q gives a superuser an empty Q (no
restriction); OR-ed with "or the user's team" it used to leave only the team condition, so a superuser
outside the team saw nothing."""

from inspections import selectors
from inspections.models import Assignment, CorrectiveAction, Finding, Inspection
from inspections.services import AnswerInput
from tests.factories import UserFactory
from tests.inspections.conftest import fill


def test_a_superuser_outside_the_team_sees_every_record(assignment):
    answers = [AnswerInput("I1", "no", note="Không đeo thẻ"), AnswerInput("I2", "yes"), AnswerInput("I3", "4")]
    answers += [AnswerInput("I4", "100"), AnswerInput("I5", "3")]
    inspection = fill(assignment, answers)
    assert Finding.objects.filter(inspection=inspection).exists()
    root = UserFactory(username="root", is_superuser=True, is_staff=True)

    assert list(Assignment.objects.visible_to(root)) == [assignment]
    assert list(Inspection.objects.visible_to(root)) == [inspection]
    assert set(Finding.objects.visible_to(root)) == set(Finding.objects.all())
    assert set(CorrectiveAction.objects.visible_to(root)) == set(CorrectiveAction.objects.all())
    assert [row.pk for row in selectors.inspection_list(user=root)] == [inspection.pk]
    assert set(selectors.finding_list(user=root).values_list("pk", flat=True)) == set(
        Finding.objects.values_list("pk", flat=True)
    )
