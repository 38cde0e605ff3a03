"""The audit trail covers the other apps' records too: training (enrollments, attendance marks)
and scorecards; inspections are prepared in audit/models.py (see the note there)."""

from audit.selectors import audited_models, model_key, record_history
from tests.training.conftest import course, klass  # noqa: F401
from training import services as training_services
from training.models import Attendance, Enrollment

EXPECTED = {
    "staff.unit", "staff.staff", "staff.staffunithistory", "staff.roleassignment",
    "training.course", "training.trainingclass", "training.classsession", "training.enrollment",
    "training.attendance", "training.certificate", "training.trainingrequirement", "training.externaltraining",
    "scorecards.scorecardmodel", "scorecards.criterion",
    "scorecards.publishedperiod", "scorecards.scorecardsnapshot",
}


def test_every_changeable_record_type_is_audited():
    assert {model_key(m) for m in audited_models()} == EXPECTED


def test_enrollment_changes_and_attendance_marks_are_in_the_trail(klass, people, cast):  # noqa: F811
    enrollment = training_services.enrollment_nominate(actor=cast["hr"], training_class=klass,
                                                       staff=people["an"]).enrollments[0]
    training_services.enrollment_set_status(actor=cast["hr"], enrollment=enrollment, status="withdrawn",
                                            reason="Bận công tác")
    history = record_history(obj=Enrollment.objects.get(pk=enrollment.pk))
    assert [e.kind for e in history] == ["changed", "created"]
    assert {c.field for c in history[0].changes} >= {"status"}
    session = klass.sessions.order_by("date").first()
    other = training_services.enrollment_nominate(actor=None, training_class=klass, staff=people["binh"]).enrollments[0]
    training_services.attendance_save(actor=cast["hr"], session_id=session.pk,
                                      marks=[{"enrollment": other.pk, "status": "present"}])
    training_services.attendance_save(actor=cast["hr"], session_id=session.pk,
                                      marks=[{"enrollment": other.pk, "status": "late", "minutes": 200}])
    mark = Attendance.objects.get(session=session, enrollment=other)
    rows = list(Attendance.history.filter(id=mark.pk).order_by("history_id"))
    assert [r.status for r in rows] == ["present", "late"]
