"""Scorecards fixtures: real training and inspection records made through those apps' services.

The clock starts on 05/01/2026 (so the cast's people belong to their units from then on); `records`
moves it to 15/07/2026 10:00 (Asia/Ho_Chi_Minh), so the second quarter of 2026 has ended and can be
published.

`records` builds, for Q2 2026:
- training: a mandatory course of Sở Alpha, a class 1–3 June (3 × 240 minutes); An (Sở Alpha) attends
  everything (720/720, certified); Bình (Phòng Alpha-1) misses a session (480/720, not completed, no
  certificate); a 12-tiết (540-minute) yearly requirement on Sở Alpha's subtree (An meets it, Bình does not);
- inspections: the inspector scores Văn phòng xã Gamma at 75 % on service culture, with two
  corrective actions due 1 June (one closed on time, one late); Sở Alpha's self-inspection is
  submitted on 29 June (due 30 June) and approved at 100 %.
"""

import datetime as dt

import pytest
import time_machine

from inspections import services as inspection_services
from inspections.services import AnswerInput
from staff.access import system_actor
from tests.inspections.conftest import assignment, checklist, fill, plan, self_assignment, team  # noqa: F401
from tests.jobs.conftest import run_db_worker  # noqa: F401
from tests.training.conftest import course, make_class  # noqa: F401
from training import services as training_services
from training.models import AttendanceStatus

P, U = AttendanceStatus.PRESENT, AttendanceStatus.UNEXCUSED


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(dt.datetime(2026, 1, 5, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


def _mark(cls, grid):
    for index, session in enumerate(cls.sessions.order_by("date")):
        marks = [{"enrollment": e.pk, "status": statuses[index]} for e, statuses in grid.items()]
        training_services.attendance_save(actor=system_actor(), session_id=session.pk, marks=marks)


@pytest.fixture
def records(tree, people, course, assignment, self_assignment):  # noqa: F811
    with time_machine.travel(dt.datetime(2026, 7, 15, 3, 0, tzinfo=dt.UTC), tick=True):
        yield _build(tree, people, course, assignment, self_assignment)


def _build(tree, people, course, assignment, self_assignment):  # noqa: F811
    course.is_mandatory = True
    course.save()
    cls = make_class(course, tree["alpha"])
    an, binh = training_services.enrollment_nominate_many(
        actor=system_actor(), training_class=cls, staff_list=[people["an"], people["binh"]]
    ).enrollments
    _mark(cls, {an: [P, P, P], binh: [P, U, P]})
    training_services.class_close(actor=system_actor(), training_class=cls, scores={an.pk: "8", binh.pk: "9"})
    training_services.requirement_create(
        actor=system_actor(), name="Alpha 600'", periods_per_year=12, effective_year=2026, unit=tree["alpha"]
    )

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
    finding = inspection.findings.get()
    on_time = inspection_services.action_create(
        actor=system_actor(), finding=finding, description="Nhắc đeo thẻ", due_date=dt.date(2026, 6, 1)
    )
    late = inspection_services.action_create(
        actor=system_actor(), finding=finding, description="Kiểm tra lại", due_date=dt.date(2026, 6, 1)
    )
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False):
        inspection_services.action_update_progress(actor=system_actor(), action=on_time, status="done", note="Xong")
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0), tick=False):
        inspection_services.action_update_progress(actor=system_actor(), action=late, status="done", note="Muộn")
    with time_machine.travel(dt.datetime(2026, 6, 29, 16, 0), tick=False):
        fill(self_assignment)
    return {"inspection": inspection, "class": cls, "an": an, "binh": binh}
