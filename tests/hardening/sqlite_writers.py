"""Eight concurrent writers on a SQLite file for a bounded time, run in its own process:

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.hardening.sqlite_writers SECONDS

Writers (threads, each with its own connection, the production settings: WAL, BEGIN IMMEDIATE,
busy timeout): staff edits and a shared read-modify-write counter, roster imports (bulk writes),
training nominations, attendance marks, inspection submissions. Prints a JSON report: operations
done, errors (any "database is locked" is one), and the lost-write checks."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import threading
import time
import traceback
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from staff import services as staff_services  # noqa: E402
from staff.access import system_actor  # noqa: E402
from staff.importers import roster_import  # noqa: E402
from staff.models import Staff, StaffCategory, UnitKind  # noqa: E402


def roster(prefix: str, n: int, unit_code: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã số", "Họ và tên", "Đơn vị", "Phân loại"])
    for i in range(n):
        ws.append([f"{prefix}-{i}", f"Người {prefix} {i}", unit_code, "Công chức"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main(seconds: float) -> dict:
    call_command("migrate", verbosity=0)
    system = system_actor()  # services need an actor; made once, before the writer threads
    province = staff_services.unit_create(actor=system, code="P", name="Tỉnh", kind=UnitKind.PROVINCE)
    unit = staff_services.unit_create(actor=system, code="U1", name="Sở Một", kind=UnitKind.DEPARTMENT, parent=province)
    own = [
        staff_services.staff_create(
            actor=system, staff_code=f"W{i}", full_name=f"Người {i}", unit=unit, category=StaffCategory.CONG_CHUC
        )
        for i in range(8)
    ]
    counter = staff_services.staff_create(
        actor=system,
        staff_code="COUNTER",
        full_name="Bộ đếm",
        unit=unit,
        category=StaffCategory.CONG_CHUC,
        rank_code="0",
    )

    # training: a big class with one session; inspections: one assignment per inspection writer
    from training import services as training_services
    from training.models import ClassStatus, CourseCategory

    course = training_services.course_create(
        actor=system,
        code="C1",
        title="Khóa",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=240,
        owner_unit=unit,
        min_attendance_percent=80,
        pass_mark=5,
    )
    today = dt.date.today()
    klass = training_services.class_create(
        actor=system, course=course, code="L1", unit=unit, capacity=100000, start_date=today, end_date=today
    )
    session = training_services.session_create(
        actor=system, training_class=klass, date=today, start_time=dt.time(8), end_time=dt.time(12), topic="Buổi 1"
    )
    training_services.class_set_status(actor=system, training_class=klass, status=ClassStatus.OPEN)
    marked = {
        i: training_services.enrollment_nominate(actor=system, training_class=klass, staff=own[i]).enrollments[0]
        for i in range(8)
    }

    from inspections import services as insp_services
    from tests.inspections.conftest import GOOD_ANSWERS, make_checklist

    version = make_checklist()
    plan = insp_services.plan_create(actor=system, year=today.year, name="KH", unit=province)

    done: Counter = Counter()
    errors: list[str] = []
    last_phone: dict[int, str] = {}
    last_mark: dict[int, str] = {}
    increments = Counter()
    stop = time.monotonic() + seconds
    barrier = threading.Barrier(8)

    def writer(index: int):
        barrier.wait()
        n = 0
        try:
            while time.monotonic() < stop:
                n += 1
                kind = ("staff", "staff", "roster", "nominate", "attendance", "attendance", "inspection", "counter")[
                    index
                ]
                try:
                    if kind == "staff":
                        for who in (own[index],):
                            phone = f"09{index}{n:07d}"
                            person = Staff.objects.get(pk=who.pk)
                            staff_services.staff_update(actor=system, staff=person, phone=phone)
                            last_phone[who.pk] = phone
                    elif kind == "counter":
                        with transaction.atomic():
                            row = Staff.objects.get(pk=counter.pk)
                            staff_services.staff_update(actor=system, staff=row, rank_code=str(int(row.rank_code) + 1))
                        increments[index] += 1
                    elif kind == "roster":
                        roster_import(data=roster(f"R{n}", 5, "U1"), actor=system)
                    elif kind == "nominate":
                        person = staff_services.staff_create(
                            actor=system,
                            staff_code=f"N{n}",
                            full_name=f"Học viên {n}",
                            unit=unit,
                            category=StaffCategory.CONG_CHUC,
                        )
                        training_services.enrollment_nominate(actor=system, training_class=klass, staff=person)
                    elif kind == "attendance":
                        status = ("present", "late", "excused")[n % 3]
                        enrollment = marked[index]
                        training_services.attendance_save(
                            actor=system,
                            session_id=session.pk,
                            marks=[
                                {
                                    "enrollment": enrollment.pk,
                                    "status": status,
                                    "minutes": 200 if status == "late" else None,
                                }
                            ],
                        )
                        last_mark[enrollment.pk] = status
                    elif kind == "inspection":
                        assignment = insp_services.assignment_create(
                            actor=system,
                            plan=plan,
                            unit=unit,
                            template_version=version,
                            due_date=today + dt.timedelta(days=30),
                            is_self=True,
                        )
                        insp_services.inspection_save(
                            actor=system, assignment=assignment, answers=GOOD_ANSWERS, inspected_on=today, submit=True
                        )
                    done[kind] += 1
                except Exception as exc:  # every failure is reported; none is expected
                    errors.append(f"{kind}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    from inspections.models import Inspection
    from training.models import Attendance, Enrollment

    counter.refresh_from_db()
    checks = {
        "counter": [int(counter.rank_code), sum(increments.values())],
        "staff_phones_lost": sorted(pk for pk, phone in last_phone.items() if Staff.objects.get(pk=pk).phone != phone),
        "staff_history": [
            Staff.history.filter(id__in=[s.pk for s in own[:2]], history_type="~").count(),
            done["staff"],
        ],
        "roster_rows": [Staff.objects.filter(staff_code__startswith="R").count(), done["roster"] * 5],
        "roster_history": [
            Staff.history.filter(staff_code__startswith="R", history_type="+").count(),
            done["roster"] * 5,
        ],
        "nominations": [Enrollment.objects.filter(training_class=klass).count() - 8, done["nominate"]],
        "attendance_lost": sorted(
            pk
            for pk, status in last_mark.items()
            if Attendance.objects.get(session=session, enrollment_id=pk).status != status
        ),
        "inspections": [Inspection.objects.filter(status="submitted").count(), done["inspection"]],
    }
    return {"done": dict(done), "errors": errors, "checks": checks}


if __name__ == "__main__":
    report = main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
    print("REPORT " + json.dumps(report, ensure_ascii=False))
