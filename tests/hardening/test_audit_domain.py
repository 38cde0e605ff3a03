"""The audit trail covers the other apps' records too: training (enrollments, attendance marks)
, inspections (submission and approval) and scorecards."""

import datetime as dt

from audit.selectors import audited_models, model_key, record_history
from inspections import services as insp_services
from inspections.models import Answer, Inspection
from staff.access import system_actor
from tests.inspections.conftest import GOOD_ANSWERS, assignment, checklist, plan, team  # noqa: F401
from tests.training.conftest import course, klass  # noqa: F401
from training import services as training_services
from training.models import Attendance, Enrollment

EXPECTED = {
    "staff.unit",
    "staff.staff",
    "staff.staffunithistory",
    "staff.roleassignment",
    "staff.disciplinedecision",
    "training.course",
    "training.trainingclass",
    "training.classsession",
    "training.enrollment",
    "training.attendance",
    "training.certificate",
    "training.trainingrequirement",
    "training.externaltraining",
    "inspections.checklisttemplate",
    "inspections.templateversion",
    "inspections.section",
    "inspections.item",
    "inspections.inspectionplan",
    "inspections.assignment",
    "inspections.assignmentmember",
    "inspections.inspection",
    "inspections.answer",
    "inspections.evidence",
    "inspections.finding",
    "inspections.correctiveaction",
    "documents.documenttemplate",
    "scorecards.scorecardmodel",
    "scorecards.criterion",
    "scorecards.publishedperiod",
    "scorecards.scorecardsnapshot",
    "scorecards.indicator",
    "scorecards.indicatorvalue",
    "scorecards.assessmentround",
    "scorecards.unitassessment",
    "scorecards.criterionassessment",
}


def test_every_changeable_record_type_is_audited():
    assert {model_key(m) for m in audited_models()} == EXPECTED


def test_enrollment_changes_and_attendance_marks_are_in_the_trail(klass, people, cast):  # noqa: F811
    enrollment = training_services.enrollment_nominate(
        actor=cast["hr"], training_class=klass, staff=people["an"]
    ).enrollments[0]
    training_services.enrollment_set_status(
        actor=cast["hr"], enrollment=enrollment, status="withdrawn", reason="Bận công tác"
    )
    history = record_history(obj=Enrollment.objects.get(pk=enrollment.pk))
    assert [e.kind for e in history] == ["changed", "created"]
    assert {c.field for c in history[0].changes} >= {"status"}
    session = klass.sessions.order_by("date").first()
    other = training_services.enrollment_nominate(
        actor=system_actor(), training_class=klass, staff=people["binh"]
    ).enrollments[0]
    training_services.attendance_save(
        actor=cast["hr"], session_id=session.pk, marks=[{"enrollment": other.pk, "status": "present"}]
    )
    training_services.attendance_save(
        actor=cast["hr"], session_id=session.pk, marks=[{"enrollment": other.pk, "status": "late", "minutes": 200}]
    )
    mark = Attendance.objects.get(session=session, enrollment=other)
    rows = list(Attendance.history.filter(id=mark.pk).order_by("history_id"))
    assert [r.status for r in rows] == ["present", "late"]


def test_inspection_submission_answers_and_approval_are_in_the_trail(assignment, cast):  # noqa: F811
    inspection = insp_services.inspection_save(
        actor=cast["inspector"],
        assignment=assignment,
        answers=GOOD_ANSWERS,
        inspected_on=dt.date(2026, 5, 4),
        submit=True,
    )
    # nobody approves a checklist they filled: another reviewer (here the system account) approves
    insp_services.inspection_approve(actor=system_actor(), inspection=inspection)
    statuses = list(Inspection.history.filter(id=inspection.pk).order_by("history_id").values_list("status", flat=True))
    assert statuses[-1] == "approved" and "submitted" in statuses
    assert Answer.history.filter(inspection_id=inspection.pk).count() >= len(GOOD_ANSWERS)
    latest = record_history(obj=Inspection.objects.get(pk=inspection.pk))[0]
    assert latest.kind == "changed" and "status" in {c.field for c in latest.changes}
