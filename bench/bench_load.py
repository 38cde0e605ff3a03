"""Key pages and API lists under load: gunicorn on 127.0.0.1 (a free port), 10 concurrent keep-alive
clients from a second process (bench/loadgen.py), requests/s and latency next to /healthz on the same
server (the floor of the stack).

Goals: key pages p95 < 200 ms; API lists >= 25% of /healthz throughput.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, Context, Row, bench_env, emit, gunicorn, setup_django  # noqa: E402

CLIENTS = 10
PAGE_P95_MS = 200.0
API_SHARE = 0.25


@dataclass
class Target:
    label: str
    path: str
    username: str
    kind: str  # "page" | "api"


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    user = get_user_model().objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend, as a login records
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _try_reverse(names: list[str], kwargs: dict | None = None) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name in names:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def targets() -> list[Target]:
    """The staff screens always; the other apps' screens when their URLs exist (discovered by name)."""
    from django.urls import reverse

    found = [
        Target("staff directory (HTML, 50 rows)", reverse("staff:staff-list"), "hr.tinh", "page"),
        Target("unit tree (HTML, 100 units)", reverse("staff:unit-list"), "hr.tinh", "page"),
        Target("/api/v1/staff/ (50 rows)", reverse("staff-list"), "hr.tinh", "api"),
        Target("/api/v1/units/ (50 rows)", reverse("unit-list"), "hr.tinh", "api"),
    ]
    found += extra_targets()
    return found


def extra_targets() -> list[Target]:
    """Other apps' key pages, once they exist. Each probe is skipped while its URL name is unknown."""
    out: list[Target] = []
    probes = [
        ("class list (HTML)", ["training:class-list"], "hr.tinh", "page"),
        ("/api/v1/classes/", ["class-list"], "hr.tinh", "api"),
        ("inspection list (HTML)", ["inspections:inspection-list"], "inspector.lead", "page"),
        ("/api/v1/inspections/", ["inspection-list"], "inspector.lead", "api"),
        ("findings register (HTML)", ["inspections:finding-list"], "inspector.lead", "page"),
        ("/api/v1/findings/", ["finding-list"], "inspector.lead", "api"),
        ("province scorecard table (HTML)", ["scorecards:table"], "admin", "page"),
    ]
    for label, names, user, kind in probes:
        path = _try_reverse(names)
        if path:
            out.append(Target(label, path, user, kind))
    attendance = attendance_target()
    if attendance:
        out.append(attendance)
    return out


def attendance_target() -> Target | None:
    """The roll-call (attendance) screen of a 200-person session: bench_training's bench class (made once and
    kept; the seeded classes hold at most ≈65 people)."""
    try:
        from bench.bench_training import _bench_class

        cls = _bench_class()
    except LookupError:
        return None
    session = cls.sessions.order_by("pk").first()
    if session is None:
        return None
    path = _try_reverse(["training:roll-call"], {"pk": session.pk})
    if not path:
        return None
    people = cls.enrollments.filter(status="confirmed").count()
    return Target(f"attendance screen (roll call, {people} people)", path, "hr.tinh", "page")


def load(
    port: int, path: str, cookie: str, *, seconds: float, max_requests: int, accept: str = "", fresh: bool = False
) -> dict:
    cmd = [
        PYTHON,
        str(ROOT / "bench" / "loadgen.py"),
        "--port",
        str(port),
        "--path",
        path,
        "--clients",
        str(CLIENTS),
        "--seconds",
        str(seconds),
        "--max",
        str(max_requests),
        "--cookie",
        cookie,
    ]
    if accept:
        cmd += ["--accept", accept]
    if fresh:
        cmd.append("--fresh")
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def summary(result: dict) -> tuple[float, float, float]:
    from bench.common import percentile

    lat = result["latencies_ms"]
    return result["rps"], percentile(lat, 50), percentile(lat, 95)


def vacuum_if_postgresql() -> None:
    """VACUUM (ANALYZE) on PostgreSQL before the load, as autovacuum would have done by then (it is off on the
    bench server): the roster import benchmark leaves ≈50,000 dead staff rows, with which counting the 24,784
    people read the whole table (4.5 ms) instead of its index."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def run(ctx: Context) -> list[Row]:
    setup_django()
    vacuum_if_postgresql()
    seconds = 3.0 if ctx.quick else 8.0
    max_requests = 4000
    plan = targets()
    cookies = {t.username: session_cookie(t.username) for t in plan}
    rows: list[Row] = []
    with gunicorn(env=bench_env()) as base:
        port = int(base.rsplit(":", 1)[1])
        # Warm every worker and URL (template and URL caches, DB connections).
        for t in plan:
            load(port, t.path, cookies[t.username], seconds=1.0, max_requests=40)
        floor = load(port, "/healthz", "", seconds=seconds, max_requests=max_requests * 3)
        f_rps, f_p50, f_p95 = summary(floor)
        floor_txt = f"/healthz {f_rps:.0f} req/s, p50 {f_p50:.1f} ms, p95 {f_p95:.1f} ms"
        rows.append(
            Row(
                "/healthz (floor of the stack)",
                f"{f_rps:.0f} req/s; p50 {f_p50:.1f} ms, p95 {f_p95:.1f} ms",
                group="HTTP, 10 clients",
                detail={"errors": floor["errors"]},
            )
        )
        for t in plan:
            result = load(port, t.path, cookies[t.username], seconds=seconds, max_requests=max_requests)
            rps, p50, p95 = summary(result)
            figure = f"{rps:.0f} req/s; p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            if result["errors"]:
                figure += f"; {result['errors']} errors"
            if t.kind == "api":
                share = rps / f_rps if f_rps else 0.0
                figure += f" ({share:.0%} of /healthz)"
                goal = f"p95 < {PAGE_P95_MS:.0f} ms; ≥ {API_SHARE:.0%} of /healthz req/s"
                met = p95 < PAGE_P95_MS and share >= API_SHARE and not result["errors"]
            else:
                goal = f"p95 < {PAGE_P95_MS:.0f} ms"
                met = p95 < PAGE_P95_MS and not result["errors"]
            rows.append(
                Row(
                    t.label,
                    figure,
                    floor_txt,
                    goal,
                    met,
                    group="HTTP, 10 clients",
                    detail={"path": t.path, "requests": result["requests"], "errors": result["errors"]},
                )
            )
        # An API list keeps its statement and its pages' rows until a committed write (core.paging): the
        # rows above are what a list read again before any write costs. The same lists with a parameter
        # no view reads, new for every request, match nothing kept: what the first read after a write
        # costs, except the count (kept by statement) and, for findings, the page's corrective actions
        # (kept by finding ids: inspections.selectors.finding_actions).
        for t in plan:
            if t.kind != "api":
                continue
            result = load(port, t.path, cookies[t.username], seconds=seconds, max_requests=max_requests, fresh=True)
            rps, p50, p95 = summary(result)
            share = rps / f_rps if f_rps else 0.0
            figure = f"{rps:.0f} req/s; p50 {p50:.1f} ms, p95 {p95:.1f} ms ({share:.0%} of /healthz)"
            if result["errors"]:
                figure += f"; {result['errors']} errors"
            rows.append(
                Row(
                    f"{t.label}, nothing kept (as after a write)",
                    figure,
                    floor_txt,
                    group="HTTP, 10 clients",
                    detail={"path": t.path, "requests": result["requests"], "errors": result["errors"]},
                )
            )
    return rows


if __name__ == "__main__":
    from bench.common import DEFAULT_DB_URL, vendor_of

    url = bench_env()["DATABASE_URL"] or DEFAULT_DB_URL
    emit(run(Context(db_url=url, vendor=vendor_of(url), quick="--quick" in sys.argv)))
