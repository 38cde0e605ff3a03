"""Training at province scale: saving the roll call of a 200-person session, the hours ledger of a unit of
about 500 people, and the attendance matrix export of the biggest class.

Figures printed (benchmarks print, they do not assert):
- `PUT /api/v1/sessions/<id>/attendance/` for 200 people in one request (offline sync protocol): SQL queries
  (constant: pinned at 20 and 200 people in tests/training/test_api.py) and wall time median / p95; each run is
  rolled back so the database is left as it was;
- the hours ledger (`training.selectors.hours_ledger`) for the unit whose subtree is closest to 500 active people:
  queries and time;
- the attendance matrix export (`training.exports.attendance_matrix_xlsx`) of the class with the most marks:
  queries, time and size.

Run:  DATABASE_URL=sqlite:////tmp/congvu_province.sqlite3 .venv/bin/python bench/bench_training.py
(the database should hold `seed_demo --scale province`; any seeded database works: a 200-person bench class is
added once if missing). Also usable from bench/run.py through `run(ctx)`.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CountQueries, Row, as_new_request, med_p95, ms, setup_django, timed  # noqa: E402

SAVE_GOAL_S = 0.15
BENCH_CLASS = "BENCH-ROLL-200"


def _bench_class():
    """A past session with 200 confirmed people (created once, kept)."""
    from staff.access import system_actor
    from staff.models import Staff, StaffStatus, Unit
    from training import services
    from training.models import ClassStatus, Course, CourseCategory, TrainingClass

    cls = TrainingClass.objects.filter(code=BENCH_CLASS).first()
    if cls is not None:
        return cls
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    course = Course.objects.filter(code="BENCH-C").first() or services.course_create(
        actor=system_actor(),
        code="BENCH-C",
        title="Khóa đo hiệu năng",
        category=CourseCategory.DIGITAL,
        planned_minutes=240,
        owner_unit=root,
    )
    day = dt.date.today() - dt.timedelta(days=1)
    cls = services.class_create(
        actor=system_actor(), course=course, code=BENCH_CLASS, unit=root, capacity=200, start_date=day, end_date=day
    )
    services.session_create(
        actor=system_actor(), training_class=cls, date=day, start_time=dt.time(8), end_time=dt.time(12)
    )
    services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.OPEN)
    services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.IN_PROGRESS)
    people = list(Staff.objects.filter(status=StaffStatus.ACTIVE).order_by("pk")[:200])
    services.enrollment_nominate_many(actor=system_actor(), training_class=cls, staff_list=people)
    return cls


def run(ctx=None) -> list[Row]:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count
    from rest_framework.test import APIClient

    from staff.models import Staff, StaffStatus, Unit
    from training import exports, selectors
    from training.models import Attendance, EnrollmentStatus, TrainingClass

    quick = bool(ctx and getattr(ctx, "quick", False))
    repeat = 3 if quick else 10
    rows: list[Row] = []
    admin = (
        get_user_model().objects.filter(username="admin").first()
        or get_user_model().objects.filter(is_superuser=True).first()
    )

    # ------------------------------------------------------------ roll call of 200 people
    cls = _bench_class()
    session = cls.sessions.first()
    enrollments = list(cls.enrollments.filter(status=EnrollmentStatus.CONFIRMED).values_list("pk", flat=True))
    marks = [{"enrollment": pk, "status": "late" if i % 17 == 0 else "present"} for i, pk in enumerate(enrollments)]
    api = APIClient(HTTP_HOST="127.0.0.1")
    api.force_authenticate(admin)

    def save(capture=None):
        with transaction.atomic():
            as_new_request(admin)
            body = {"client_uuid": str(uuid.uuid4()), "marks": marks}
            if capture is not None:
                with CountQueries(connection) as queries:
                    response = api.put(
                        f"/api/v1/sessions/{session.pk}/attendance/",
                        body,
                        format="json",
                        HTTP_IF_MATCH=f'"{session.attendance_version}"',
                    )
                capture.append(
                    len([q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])
                )
            else:
                response = api.put(
                    f"/api/v1/sessions/{session.pk}/attendance/",
                    body,
                    format="json",
                    HTTP_IF_MATCH=f'"{session.attendance_version}"',
                )
            assert response.status_code == 200, response.content
            transaction.set_rollback(True)

    counts: list[int] = []
    save(counts)
    median, p95 = med_p95(timed(save, repeat=repeat))
    rows.append(
        Row(
            f"training: roll call of {len(marks)} people (1 request)",
            f"{counts[0]} queries, median {ms(median)}, p95 {ms(p95)}",
            goal=f"< {SAVE_GOAL_S * 1000:.0f} ms",
            met=median < SAVE_GOAL_S,
            group="training",
        )
    )

    # ------------------------------------------------------------ hours ledger of a ~500-person unit
    year = dt.date.today().year
    best, best_n = None, None
    for unit in Unit.objects.filter(active=True, depth__lte=2).order_by("path"):
        n = Staff.objects.filter(unit__path__startswith=unit.path, status=StaffStatus.ACTIVE).count()
        if n and (best_n is None or abs(n - 500) < abs(best_n - 500)):
            best, best_n = unit, n
    params = {"unit": str(best.pk), "year": str(year)}
    request = SimpleNamespace(user=admin)  # the FilterSet offers the units visible to request.user

    def ledger(capture=None):
        as_new_request(admin)
        if capture is not None:
            with CountQueries(connection) as queries:
                result = selectors.hours_ledger(user=admin, year=year, filters=params, request=request)
            capture.append(len(queries.captured_queries))
            return result
        return selectors.hours_ledger(user=admin, year=year, filters=params, request=request)

    counts = []
    people = ledger(counts)
    median, p95 = med_p95(timed(ledger, repeat=repeat))
    behind = sum(1 for r in people if r.status in ("at_risk", "not_met"))
    rows.append(
        Row(
            f"training: hours ledger, {best.name} ({len(people)} people)",
            f"{counts[0]} queries, median {ms(median)}, p95 {ms(p95)}; {behind} behind",
            group="training",
        )
    )

    # ------------------------------------------------------------ attendance matrix export
    biggest = Attendance.objects.values("session__training_class").annotate(n=Count("pk")).order_by("-n").first()
    if biggest:
        big = TrainingClass.objects.get(pk=biggest["session__training_class"])
        size = {}

        def export(capture=None):
            if capture is not None:
                with CountQueries(connection) as queries:
                    data = exports.attendance_matrix_xlsx(training_class=big)
                capture.append(len(queries.captured_queries))
            else:
                data = exports.attendance_matrix_xlsx(training_class=big)
            size["bytes"] = len(data)

        counts = []
        export(counts)
        median, p95 = med_p95(timed(export, repeat=repeat))
        rows.append(
            Row(
                f"training: attendance matrix export, class {big.code} ({biggest['n']} marks)",
                f"{counts[0]} queries, median {ms(median)}, p95 {ms(p95)}, {size['bytes'] // 1024} KB",
                group="training",
            )
        )
    rows.append(
        Row(
            "training: data",
            f"{TrainingClass.objects.count()} classes, {Attendance.objects.count()} marks",
            group="training",
        )
    )
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.benchmark}: {row.figure}  [goal: {row.goal}; met: {row.met}]")
