"""Concurrent editors of the same records: nobody's edit is lost.

`api_patchers(seconds)`: eight API clients PATCH different fields of one staff member at once, each
with If-Match (on 412 they take the current version from the answer and send again): at the end every
field holds the value its client wrote last. The same with one client per field of an inspection plan
(name, year, target) and of a corrective action (description, due date, and progress reports). `service_editors(rounds)`: for each versioned resource
(unit, staff, course, class, plan, corrective action, template) up to four threads edit different fields of the
same row through its service with the version they read (StaleVersion: re-read and retry).

Runs inside a pytest test on PostgreSQL (threads share the test database), and as its own process
on a SQLite file with the production settings (WAL, BEGIN IMMEDIATE, busy timeout):

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.hardening.version_writers SECONDS
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
import traceback

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

if __name__ == "__main__":
    django.setup()

STAFF_FIELDS = {
    "full_name": lambda i, n: f"Người {i}-{n}",
    "job_position": lambda i, n: f"Vị trí {n}",
    "rank_code": lambda i, n: f"R{n}",
    "rank_name": lambda i, n: f"Ngạch {n}",
    "position_title": lambda i, n: f"Chức vụ {n}",
    "email": lambda i, n: f"p{n}@example.vn",
    "phone": lambda i, n: f"09{n:08d}",
    "gender": lambda i, n: ("male", "female")[n % 2],
}


# How long one edit keeps retrying after 412 / StaleVersion before the run reports it as an error.
RETRY_GRACE = 30.0

PLAN_FIELDS = {
    "name": lambda i, n: f"Kế hoạch {n}",
    "year": lambda i, n: 2026 + n % 3,
    "target_coverage": lambda i, n: f"{20 + n % 50}.00",
}
ACTION_FIELDS = {
    "description": lambda i, n: f"Khắc phục {n}",
    "due_date": lambda i, n: f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
    "status": lambda i, n: "in_progress",  # a progress report (with a note) by the responsible unit
}


def _body(field, value, n):
    return {"status": value, "note": f"Tiến độ {n}"} if field == "status" else {field: value}


def _close():
    from django.db import connection

    connection.close()


def make_world():
    """A province, a unit, a person, a course, a class, a template and a corrective action."""
    from inspections import services as insp
    from staff import services as staff_services
    from staff.access import system_actor
    from staff.models import StaffCategory, UnitKind
    from training import services as training

    system = system_actor()
    province = staff_services.unit_create(actor=system, code="VP", name="Tỉnh V", kind=UnitKind.PROVINCE)
    unit = staff_services.unit_create(actor=system, code="VU", name="Sở V", kind=UnitKind.DEPARTMENT, parent=province)
    person = staff_services.staff_create(
        actor=system, staff_code="V001", full_name="Người V", unit=unit, category=StaffCategory.CONG_CHUC
    )
    course = training.course_create(
        actor=system,
        code="VC",
        title="Khóa V",
        category="service_culture",
        planned_minutes=240,
        owner_unit=unit,
        min_attendance_percent=80,
        pass_mark=5,
    )
    today = dt.date.today()
    klass = training.class_create(
        actor=system,
        course=course,
        code="VL",
        unit=unit,
        capacity=30,
        start_date=today,
        end_date=today + dt.timedelta(days=30),
    )
    template = insp.template_create(actor=system, code="VT", name_vi="Mẫu V", kind="other")
    plan, action = _plan_and_action(system, province, unit, today)
    return {
        "system": system,
        "unit": unit,
        "staff": person,
        "course": course,
        "class": klass,
        "template": template,
        "plan": plan,
        "action": action,
    }


def _plan_and_action(system, province, unit, today):
    """A plan with an approved inspection whose finding has a corrective action."""
    from inspections import services as insp
    from staff.models import Role
    from tests.factories import UserFactory, grant
    from tests.inspections.conftest import make_checklist
    from tests.inspections.scope_cases import ANSWERS

    lead = UserFactory(username="v_lead")
    grant(lead, Role.INSPECTOR, province)
    plan = insp.plan_create(actor=system, year=2026, name="Kế hoạch V", unit=province)
    assignment = insp.assignment_create(
        actor=system, plan=plan, unit=unit, template_version=make_checklist(), due_date=today, lead=lead
    )
    inspection = insp.inspection_save(
        actor=lead, assignment=assignment, answers=ANSWERS, submit=True, inspected_on=today
    )
    inspection = insp.inspection_approve(actor=system, inspection=inspection)
    action = insp.action_create(
        actor=lead, finding=inspection.findings.get(), description="Nhắc nhở", due_date=today + dt.timedelta(days=30)
    )
    return plan, action


def api_patchers(seconds: float, person_pk: int | None = None, *, url: str | None = None, fields=None) -> dict:
    """One client per field (eight for a person) PATCHes its field of one record for `seconds`; returns
    errors and lost fields. Default: the staff member `person_pk`; else `url` with `fields`."""
    from django.conf import settings
    from rest_framework.test import APIClient

    settings.ALLOWED_HOSTS = ["*"]
    if url is None and person_pk is None:
        person_pk = make_world()["staff"].pk
    from staff.access import system_actor

    system = system_actor()
    url = url or f"/api/v1/staff/{person_pk}/"
    fields = fields or STAFF_FIELDS
    last: dict[str, str] = {}
    errors: list[str] = []
    acknowledged = {"count": 0, "stale": 0}
    deadline: list[float] = []  # set when every client is ready
    barrier = threading.Barrier(len(fields), action=lambda: deadline.append(time.monotonic() + seconds))
    lock = threading.Lock()

    def client_loop(index: int, field: str):
        client = APIClient()
        client.force_authenticate(system)
        try:
            etag = client.get(url)["ETag"]
            barrier.wait()
            n = 0
            while time.monotonic() < deadline[0]:
                n += 1
                value = fields[field](index, n)
                # A stale edit is retried with the version the 412 names. Under load one client can
                # lose many rounds in a row to the seven others, so the bound is time, not a count.
                give_up = deadline[0] + RETRY_GRACE
                while True:
                    response = client.patch(url, _body(field, value, n), format="json", HTTP_IF_MATCH=etag)
                    etag = response.get("ETag", etag)
                    if response.status_code == 412 and time.monotonic() < give_up:
                        with lock:
                            acknowledged["stale"] += 1
                        continue
                    break
                if response.status_code != 200:
                    errors.append(f"{field}: {response.status_code} {response.content[:300]!r}")
                    return
                with lock:
                    acknowledged["count"] += 1
                last[field] = value
        except Exception as exc:
            errors.append(f"{field}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")
        finally:
            _close()

    threads = [threading.Thread(target=client_loop, args=(i, f)) for i, f in enumerate(fields)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reader = APIClient()
    reader.force_authenticate(system)
    now = reader.get(url).json()
    _close()
    lost = {f: [now[f], v] for f, v in last.items() if now[f] != v}
    return {
        "errors": errors,
        "lost": lost,
        "fields": sorted(last),
        "acknowledged": acknowledged["count"],
        "stale_retries": acknowledged["stale"],
        "version": now["version"],
    }


def service_editors(rounds: int = 10, world: dict | None = None) -> dict:
    """Per resource, four threads edit four fields `rounds` times each through the service."""
    from core.concurrency import StaleVersion
    from inspections import services as insp
    from inspections.models import ChecklistTemplate, CorrectiveAction, InspectionPlan
    from staff import services as staff_services
    from staff.models import Staff, Unit
    from training import services as training
    from training.models import Course, TrainingClass

    world = world or make_world()
    system = world["system"]
    resources = {
        "unit": (
            Unit,
            world["unit"].pk,
            lambda obj, v, **kw: staff_services.unit_update(actor=system, unit=obj, expected_version=v, **kw),
            {"name": "Sở {n}", "active": None},
        ),
        "staff": (
            Staff,
            world["staff"].pk,
            lambda obj, v, **kw: staff_services.staff_update(actor=system, staff=obj, expected_version=v, **kw),
            {"phone": "09{n:08d}", "email": "s{n}@example.vn", "rank_name": "Ngạch {n}", "position_title": "CV {n}"},
        ),
        "course": (
            Course,
            world["course"].pk,
            lambda obj, v, **kw: training.course_update(actor=system, course=obj, expected_version=v, **kw),
            {"title": "Khóa {n}", "title_en": "Course {n}", "legal_basis": "QĐ {n}", "planned_minutes": 100},
        ),
        "class": (
            TrainingClass,
            world["class"].pk,
            lambda obj, v, **kw: training.class_update(actor=system, training_class=obj, expected_version=v, **kw),
            {"venue": "Phòng {n}", "trainers": "GV {n}", "notes": "Ghi chú {n}", "capacity": 30},
        ),
        "plan": (
            InspectionPlan,
            world["plan"].pk,
            lambda obj, v, **kw: insp.plan_update(actor=system, plan=obj, expected_version=v, **kw),
            {"name": "Kế hoạch {n}", "year": 2026, "target_coverage": 20},
        ),
        "action": (
            CorrectiveAction,
            world["action"].pk,
            lambda obj, v, **kw: insp.action_update(actor=system, action=obj, expected_version=v, **kw),
            {"description": "Khắc phục {n}", "due_date": dt.date(2026, 8, 1)},
        ),
        "template": (
            ChecklistTemplate,
            world["template"].pk,
            lambda obj, v, **kw: insp.template_update(actor=system, template=obj, expected_version=v, **kw),
            {"name_vi": "Mẫu {n}", "name_en": "Template {n}", "description": "Mô tả {n}"},
        ),
    }
    report: dict = {"errors": [], "lost": {}, "versions": {}}
    for name, (model, pk, update, fields) in resources.items():
        last: dict = {}
        barrier = threading.Barrier(len(fields))

        def editor(field, pattern, model=model, pk=pk, update=update, last=last, barrier=barrier, name=name):
            try:
                barrier.wait()
                for n in range(1, rounds + 1):
                    if pattern is None:
                        value = n % 2 == 0
                    elif isinstance(pattern, dt.date):
                        value = pattern + dt.timedelta(days=n)
                    elif isinstance(pattern, int):
                        value = pattern + n
                    else:
                        value = pattern.format(n=n)
                    give_up = time.monotonic() + RETRY_GRACE
                    while True:
                        obj = model.objects.get(pk=pk)
                        try:
                            update(obj, obj.version, **{field: value})
                            break
                        except StaleVersion:
                            if time.monotonic() < give_up:
                                continue
                            report["errors"].append(f"{name}.{field}: never got through in {RETRY_GRACE} s")
                            break
                    last[field] = value
            except Exception as exc:
                report["errors"].append(f"{name}.{field}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")
            finally:
                _close()

        threads = [threading.Thread(target=editor, args=(f, p)) for f, p in fields.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        row = model.objects.get(pk=pk)
        lost = {f: [getattr(row, f), v] for f, v in last.items() if getattr(row, f) != v}
        if lost:
            report["lost"][name] = lost
        report["versions"][name] = row.version
    return report


def main(seconds: float) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = make_world()
    return {
        "api": api_patchers(seconds, world["staff"].pk),
        "plan_api": api_patchers(seconds, url=f"/api/v1/inspection-plans/{world['plan'].pk}/", fields=PLAN_FIELDS),
        "action_api": api_patchers(
            seconds, url=f"/api/v1/corrective-actions/{world['action'].pk}/", fields=ACTION_FIELDS
        ),
        "services": service_editors(10, world),
    }


if __name__ == "__main__":
    print("REPORT " + json.dumps(main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0), ensure_ascii=False))
