"""What one request of each key page costs, in process (Django's test client, no HTTP server): CPU time
of this process per request (median of several; SQLite runs in process, so on SQLite this includes the
database's work, on PostgreSQL only Django's) and the SQL statements it runs, counted at two page sizes
(25 and 100 rows) for the lists (CPU: at the default page size): the count must not grow with the page. For information; no goal.

Pages: the staff directory, class list, roll-call screen, inspection list, findings register and a unit's
scorecard (HTML); the staff, class, inspection and finding lists of the API and one record of each.
Users: hr.tinh (staff, training), inspector.lead (inspections), unithead (scorecards).

Run:  .venv/bin/python bench/run.py --only pages [--quick]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, CountQueries, Row, bench_env, emit, setup_django  # noqa: E402

SIZES = (25, 100)


def targets() -> list[tuple[str, str, str, bool]]:
    """(label, path, username, paged) of every key page, with records from the seeded province."""
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from inspections.models import Finding, Inspection
    from staff.models import RoleAssignment, Staff
    from training.models import ClassSession, TrainingClass

    today = timezone.localdate()
    session = (
        ClassSession.objects.filter(date__lte=today, date__gte=today - dt.timedelta(days=120))
        .annotate(n=Count("marks"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    head_unit = RoleAssignment.objects.filter(user__username="unithead").values_list("unit_id", flat=True).first()
    staff = Staff.objects.order_by("pk").values_list("pk", flat=True).first()
    cls = TrainingClass.objects.order_by("pk").values_list("pk", flat=True).first()
    inspection = Inspection.objects.order_by("-pk").values_list("pk", flat=True).first()
    finding = Finding.objects.order_by("-pk").values_list("pk", flat=True).first()
    out = [
        ("staff directory (HTML)", "/staff/people/", "hr.tinh", True),
        ("class list (HTML)", "/training/classes/", "hr.tinh", True),
        ("inspection list (HTML)", "/inspections/list/", "inspector.lead", True),
        ("findings register (HTML)", "/inspections/findings/", "inspector.lead", True),
        ("/api/v1/staff/", "/api/v1/staff/", "hr.tinh", True),
        ("/api/v1/classes/", "/api/v1/classes/", "hr.tinh", True),
        ("/api/v1/inspections/", "/api/v1/inspections/", "inspector.lead", True),
        ("/api/v1/findings/", "/api/v1/findings/", "inspector.lead", True),
    ]
    if session is not None:
        out.append(
            (
                f"roll-call screen (HTML, {session.n} people)",
                f"/training/sessions/{session.pk}/roll-call/",
                "hr.tinh",
                False,
            )
        )
    if head_unit is not None:
        out.append(("unit scorecard (HTML)", f"/scorecards/units/{head_unit}/?period={today.year}", "unithead", False))
    for label, path, user, pk in (
        ("/api/v1/staff/<id>/", "/api/v1/staff/{}/", "hr.tinh", staff),
        ("/api/v1/classes/<id>/", "/api/v1/classes/{}/", "hr.tinh", cls),
        ("/api/v1/inspections/<id>/", "/api/v1/inspections/{}/", "inspector.lead", inspection),
        ("/api/v1/findings/<id>/", "/api/v1/findings/{}/", "inspector.lead", finding),
    ):
        if pk is not None:
            out.append((label, path.format(pk), user, False))
    return out


def run(ctx: Context) -> list[Row]:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    repeat = ctx.repeat(15, 5)
    clients: dict[str, Client] = {}
    rows: list[Row] = []
    for label, path, username, paged in targets():
        if username not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(get_user_model().objects.get(username=username))
            clients[username] = client
        client = clients[username]
        joiner = "&" if "?" in path else "?"
        variants = [f"{path}{joiner}page_size={n}" for n in SIZES] if paged else [path]
        counts, statuses = [], set()
        for url in variants:
            client.get(url)  # warm: templates, URL resolver, this process's caches
            with CountQueries(connection) as queries:
                response = client.get(url)
            statuses.add(response.status_code)
            counts.append(len(queries))
        cpu = []
        for _ in range(repeat):  # the page as served: its default page size
            c0 = time.process_time()
            client.get(path)
            cpu.append(time.process_time() - c0)
        size_text = " / ".join(f"{n}: {c}" for n, c in zip(SIZES, counts, strict=True)) if paged else str(counts[0])
        queries_text = f"queries at page size {size_text}" if paged else f"{counts[0]} queries"
        status_text = "" if statuses == {200} else f"; HTTP {sorted(statuses)}"
        rows.append(
            Row(
                f"{label} as {username}",
                f"CPU {statistics.median(cpu) * 1000:.1f} ms a request (median of {repeat}); {queries_text}{status_text}",
                group="Key pages, in process",
                detail={"path": path, "queries": counts},
            )
        )
    return rows


if __name__ == "__main__":
    from bench.common import DEFAULT_DB_URL, vendor_of

    url = bench_env()["DATABASE_URL"] or DEFAULT_DB_URL
    result = run(Context(db_url=url, vendor=vendor_of(url), quick="--quick" in sys.argv))
    for row in result:
        print(f"{row.benchmark}: {row.figure}")
    emit(result)
