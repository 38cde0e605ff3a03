"""Inspections at province scale: submitting a 60-item inspection in one request, the findings
register page and results per unit.

Figures printed:
- `POST /api/v1/inspections/` with 60 answers (one request, offline-sync protocol): SQL queries
  (constant: pinned in tests/inspections/test_api.py) and wall time median / p95; each run is rolled
  back so the database is left as it was;
- the findings and corrective actions register (`inspections:finding-list`) as the administrator at
  page sizes 25 and 100: queries (the same at both sizes) and wall time;
- results per unit for the year (`inspections:results`) at page sizes 25 and 100: queries and time.

Run:  DATABASE_URL=sqlite:////tmp/congvu_province.sqlite3 .venv/bin/python bench/bench_inspections.py
(the database should hold `seed_demo --scale province`; any seeded database works).
Also usable from bench/run.py through `run(ctx)`.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CountQueries, Row, med_p95, ms, setup_django, timed  # noqa: E402

SUBMIT_GOAL_S = 0.15


def _sixty_item_assignment():
    from django.contrib.auth import get_user_model

    from inspections import services
    from inspections.models import Assignment, ChecklistTemplate
    from inspections.services import ItemSpec, SectionSpec
    from staff.access import system_actor
    from staff.models import Unit

    lead = (
        get_user_model().objects.filter(username="inspector.lead").first()
        or get_user_model().objects.filter(is_superuser=True).first()
    )
    template = ChecklistTemplate.objects.filter(code="BENCH-60").first()
    if template is None:
        template = services.template_create(
            actor=system_actor(), code="BENCH-60", name_vi="Phiếu 60 tiêu chí (bench)", kind="discipline"
        )
        version = template.versions.get()
        services.version_set_content(
            actor=system_actor(),
            version=version,
            sections=[
                SectionSpec(
                    code=f"S{s}",
                    title_vi=f"Phần {s}",
                    items=[
                        ItemSpec(
                            code=f"B{s}-{i:02d}",
                            text_vi=f"Tiêu chí {s}.{i}",
                            answer_type="yes_no_na" if i % 4 else "scale_0_4",
                            weight=1 + i % 3,
                        )
                        for i in range(1, 11)
                    ],
                )
                for s in range(1, 7)
            ],
        )
        services.version_publish(actor=system_actor(), version=version)
    version = template.versions.get(status="published")
    unit = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    assignment = Assignment.objects.filter(template_version=version, inspection__isnull=True).first()
    if assignment is None:
        plan = services.plan_create(actor=system_actor(), year=dt.date.today().year, name="Bench", unit=unit)
        assignment = services.assignment_create(
            actor=system_actor(), plan=plan, unit=unit, template_version=version, due_date=dt.date.today(), lead=lead
        )
    return lead, assignment


def _body(assignment):
    answers = [
        {
            "item": f"B{s}-{i:02d}",
            "value": ("3" if i % 4 == 0 else "yes") if i != 1 else "no",
            "note": "Chưa đạt" if i == 1 else "",
        }
        for s in range(1, 7)
        for i in range(1, 11)
    ]
    return {"client_uuid": str(uuid.uuid4()), "assignment": assignment.pk, "submit": True, "answers": answers}


def run(ctx=None) -> list[Row]:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from rest_framework.test import APIClient

    from inspections.models import Finding, Inspection

    quick = bool(ctx and getattr(ctx, "quick", False))
    repeat = 3 if quick else 10
    rows: list[Row] = []
    lead, assignment = _sixty_item_assignment()
    api = APIClient()
    api.force_authenticate(lead)

    def submit(capture=None):
        with transaction.atomic():
            if capture is not None:
                with CountQueries(connection) as queries:
                    response = api.post("/api/v1/inspections/", _body(assignment), format="json")
                capture.append(len(queries.captured_queries))
            else:
                response = api.post("/api/v1/inspections/", _body(assignment), format="json")
            assert response.status_code == 201, response.content
            transaction.set_rollback(True)

    counts: list[int] = []
    submit(counts)
    median, p95 = med_p95(timed(submit, repeat=repeat))
    rows.append(
        Row(
            "inspections: submit 60 items (1 request)",
            f"{counts[0]} queries, median {ms(median)}, p95 {ms(p95)}",
            goal=f"< {SUBMIT_GOAL_S * 1000:.0f} ms",
            met=median < SUBMIT_GOAL_S,
            group="inspections",
        )
    )

    admin = (
        get_user_model().objects.filter(username="admin").first()
        or get_user_model().objects.filter(is_superuser=True).first()
    )
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(admin)
    year = dt.date.today().year
    sizes = (25, 100)
    totals = {"inspections": Inspection.objects.count(), "findings": Finding.objects.count()}
    for name, url, params in (
        ("findings register", "/inspections/findings/", {}),
        ("results per unit", "/inspections/results/", {"year": year}),
    ):
        figures, query_counts = [], []
        for size in sizes:
            with CountQueries(connection) as queries:
                response = web.get(url, {**params, "page_size": size})
            assert response.status_code == 200
            query_counts.append(len(queries.captured_queries))
            median, p95 = med_p95(
                timed(
                    lambda url=url, size=size, params=params: web.get(url, {**params, "page_size": size}), repeat=repeat
                )
            )
            figures.append(f"page {size}: {query_counts[-1]} queries, median {ms(median)}, p95 {ms(p95)}")
        rows.append(
            Row(
                f"inspections: {name}",
                "; ".join(figures) + ("" if len(set(query_counts)) == 1 else " (queries grow with the page)"),
                group="inspections",
                detail=totals,
            )
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.benchmark}: {row.figure}  [goal: {row.goal}; met: {row.met}]")
