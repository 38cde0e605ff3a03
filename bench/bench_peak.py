"""A province's peak hour, open loop: gunicorn with the production `gunicorn.conf.py` on 127.0.0.1, the
real mix of requests arriving at random (Poisson) at a fixed rate from a second process
(bench/loadgen.py), latency counted from each request's scheduled arrival, so queueing counts.

The mix (weights of the issue): half HTML pages (staff directory, class list, roll-call screen of a
class session, inspection list, findings register, a unit's scorecard), a third API reads (the staff,
class, inspection and finding lists and one record of each), the rest writes (roll call saved again
with the same marks through the attendance API with If-Match, a draft inspection saved again through
the API with If-Match, a staff member's phone number edited through PATCH /api/v1/staff/<id>/,
changed then restored). Reads pick a random page (of the first ten) or a random record of a pool of
a few hundred, so caches are as cold as an office leaves them; writes go round a pool of records and
never write one record twice at the same time. A 412 (stale If-Match) is the expected answer to a
stale write and not an error; any other status outside 2xx is. Users log in through the login form
(demo password), two sessions each: hr.tinh (staff, training), inspector.lead (inspections),
unithead (scorecards).

Figures:
- the peak: 20 arrivals a second for 60 s (about 7× a province's busiest hour): p50 / p95 / p99 /
  max over all requests, errors; per category and per kind in the detail lines.
  Goal: p95 < 300 ms, p99 < 1 s, no errors.
- capacity: the highest arrival rate of the same mix whose p95 stays under 300 ms (no errors),
  found by doubling the rate, then bisecting, 20 s a step (longer at low rates, up to 60 s, for about
  100 arrivals a step); beside it /healthz's capacity found the
  same way on the same server (the floor of the stack, load generator included: it shares the CPUs).
  One number to compare from change to change; no goal.

Run:  .venv/bin/python bench/run.py --only peak [--quick]   (quick: 15 s peak, 8 s steps, coarser search)
      DATABASE_URL=... .venv/bin/python bench/bench_peak.py [--quick]
On PostgreSQL the run starts with VACUUM (ANALYZE), as autovacuum would have done.
"""

from __future__ import annotations

import http.client
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, Context, Row, bench_env, emit, gunicorn, setup_django  # noqa: E402

PASSWORD = "CongVu@2026"  # the demo logins' password (staff/demo.py)
PEAK_RATE = 20.0
P95_GOAL_MS = 300.0
P99_GOAL_MS = 1000.0
SHARE = {"page": 1 / 2, "api": 1 / 3, "write": 1 / 6}
SESSIONS_PER_USER = 2
CONNECTIONS = 64
LIST_PAGES = 10  # reads pick one of the first pages of a list
POOL = 300  # records a read picks from
WRITE_POOL = 60  # records a kind of write goes round


# ------------------------------------------------------------------------------ HTTP helpers
def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    out = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            if "=" in pair:
                k, v = pair.split("=", 1)
                out[k.strip()] = v.strip()
    return out


def login(port: int, username: str) -> dict[str, str]:
    """Log in through the login form, as a browser does. Returns the headers of that session's requests
    and writes (cookie; CSRF token for the API's session authentication)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode("utf-8", "replace")
    jar = cookies_of(response)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or not match:
        raise RuntimeError(f"login page: HTTP {response.status}, no CSRF field")
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)})
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
    )
    response = conn.getresponse()
    response.read()
    jar.update(cookies_of(response))
    conn.close()
    if response.status != 302 or "sessionid" not in " ".join(jar):
        raise RuntimeError(f"login of {username} failed: HTTP {response.status}")
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    csrf = next((v for k, v in jar.items() if "csrf" in k.lower()), "")
    if csrf:
        headers["X-CSRFToken"] = csrf
    return headers


def wait_quiet(port: int, limit_s: float = 300.0) -> None:
    """Wait until the server answers /healthz quickly twice in a row: the previous step's queue is gone."""
    deadline, fast = time.time() + limit_s, 0
    while time.time() < deadline and fast < 2:
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            fast = fast + 1 if time.perf_counter() - t0 < 0.1 else 0
        except OSError:
            fast = 0
        time.sleep(0.3)


# ---------------------------------------------------------------------------------- the mix
def _pages(path: str, count: int, per_page: int = 50) -> list[str]:
    last = max(1, min(LIST_PAGES, -(-count // per_page)))
    joiner = "&" if "?" in path else "?"
    return [path] + [f"{path}{joiner}page={n}" for n in range(2, last + 1)]


def mix() -> tuple[list[dict], dict]:
    """The kinds of request of the mix, as loadgen plan entries whose `user` names the login to use,
    and a note of what was chosen. Records come from the seeded province (reads: random ones in the
    users' scopes; writes: records the user may write, each kept unchanged in meaning)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.utils import timezone

    from inspections.models import Answer, Finding, Inspection, InspectionStatus
    from staff.models import Staff, Unit
    from training.models import Attendance, ClassSession, ClassStatus, TrainingClass

    rng = random.Random(2026)
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["hr.tinh", "inspector.lead", "unithead"])
    }
    today = timezone.localdate()

    def sample(ids, k=POOL):
        ids = list(ids)
        return rng.sample(ids, min(k, len(ids)))

    staff_ids = sample(Staff.objects.values_list("pk", flat=True))
    class_ids = sample(TrainingClass.objects.values_list("pk", flat=True))
    inspection_ids = sample(Inspection.objects.values_list("pk", flat=True))
    finding_ids = sample(Finding.objects.values_list("pk", flat=True))
    held = (
        ClassSession.objects.filter(
            date__lte=today,
            date__gte=today - dt.timedelta(days=120),
            training_class__status__in=[ClassStatus.OPEN, ClassStatus.IN_PROGRESS, ClassStatus.COMPLETED],
        )
        .annotate(n=Count("marks"))
        .filter(n__gt=0)
    )
    session_ids = sample(held.values_list("pk", flat=True))
    head = users["unithead"]
    head_units = _grant_units(head)
    scorecard_units = sample(
        Unit.objects.filter(active=True)
        .filter(Q(pk__in=head_units) | Q(parent_id__in=head_units) | Q(parent__parent_id__in=head_units))
        .values_list("pk", flat=True),
        100,
    )
    year = today.year

    def kind(label, category, user, paths, **extra):
        return {"label": label, "category": category, "user": user, "requests": [{"path": p, **extra} for p in paths]}

    pages = [
        kind("staff directory (HTML)", "page", "hr.tinh", _pages("/staff/people/", Staff.objects.count())),
        kind("class list (HTML)", "page", "hr.tinh", _pages("/training/classes/", TrainingClass.objects.count())),
        kind(
            "roll-call screen (HTML)", "page", "hr.tinh", [f"/training/sessions/{pk}/roll-call/" for pk in session_ids]
        ),
        kind(
            "inspection list (HTML)", "page", "inspector.lead", _pages("/inspections/list/", Inspection.objects.count())
        ),
        kind(
            "findings register (HTML)",
            "page",
            "inspector.lead",
            _pages("/inspections/findings/", Finding.objects.count()),
        ),
        kind(
            "unit scorecard (HTML)",
            "page",
            "unithead",
            [f"/scorecards/units/{pk}/?period={year}" for pk in scorecard_units],
        ),
    ]
    apis = [
        kind("/api/v1/staff/ list", "api", "hr.tinh", _pages("/api/v1/staff/", Staff.objects.count())),
        kind("/api/v1/classes/ list", "api", "hr.tinh", _pages("/api/v1/classes/", TrainingClass.objects.count())),
        kind(
            "/api/v1/inspections/ list",
            "api",
            "inspector.lead",
            _pages("/api/v1/inspections/", Inspection.objects.count()),
        ),
        kind("/api/v1/findings/ list", "api", "inspector.lead", _pages("/api/v1/findings/", Finding.objects.count())),
        kind("/api/v1/staff/<id>/", "api", "hr.tinh", [f"/api/v1/staff/{pk}/" for pk in staff_ids]),
        kind("/api/v1/classes/<id>/", "api", "hr.tinh", [f"/api/v1/classes/{pk}/" for pk in class_ids]),
        kind(
            "/api/v1/inspections/<id>/",
            "api",
            "inspector.lead",
            [f"/api/v1/inspections/{pk}/" for pk in inspection_ids],
        ),
        kind("/api/v1/findings/<id>/", "api", "inspector.lead", [f"/api/v1/findings/{pk}/" for pk in finding_ids]),
    ]

    # -- writes: roll call saved again with the marks it has (a tablet syncing an unchanged sheet)
    roll_calls = []
    for pk in session_ids[:WRITE_POOL]:
        marks = [
            {"enrollment": e, "status": s, "minutes": m}
            for e, s, m in Attendance.objects.filter(session_id=pk)
            .order_by("enrollment_id")
            .values_list("enrollment_id", "status", "minutes")
        ]
        body = {"marks": marks, "reason": "Đồng bộ lại (bench)"}  # a reason is asked for after completion
        roll_calls.append(
            {
                "method": "PUT",
                "path": f"/api/v1/sessions/{pk}/attendance/",
                "etag_url": f"/api/v1/sessions/{pk}/attendance/",
                "etag": True,
                "fresh_uuid": True,
                "key": f"session:{pk}",
                "body": body,
            }
        )
    # -- a draft inspection of inspector.lead's team, saved again with its answers
    lead = users["inspector.lead"]
    open_drafts(lead, WRITE_POOL // 2)
    drafts = list(
        Inspection.objects.filter(status__in=[InspectionStatus.DRAFT, InspectionStatus.RETURNED])
        .filter(Q(assignment__lead=lead) | Q(assignment__members=lead))
        .filter(assignment__is_self=False)
        .values_list("pk", flat=True)
        .distinct()[: WRITE_POOL * 3]
    )
    drafts = sample(drafts, WRITE_POOL)
    draft_saves = []
    for pk in drafts:
        answers = [
            {"item": code, "value": value, "note": note}
            for code, value, note in Answer.objects.filter(inspection_id=pk)
            .order_by("item__order")
            .values_list("item__code", "value", "note")
        ]
        draft_saves.append(
            {
                "method": "PATCH",
                "path": f"/api/v1/inspections/{pk}/",
                "etag_url": f"/api/v1/inspections/{pk}/",
                "etag": True,
                "key": f"inspection:{pk}",
                "body": {"answers": answers, "submit": False},
            }
        )
    # -- a phone number changed, then restored (each record alternates)
    staff_edits = []
    for pk, phone in Staff.objects.filter(pk__in=staff_ids[:WRITE_POOL]).exclude(phone="").values_list("pk", "phone"):
        changed = phone[:-1] + str((int(phone[-1]) + 1) % 10) if phone[-1].isdigit() else phone + "0"
        staff_edits.append(
            {
                "method": "PATCH",
                "path": f"/api/v1/staff/{pk}/",
                "etag_url": f"/api/v1/staff/{pk}/",
                "etag": True,  # If-Match is sent when the record has an ETag
                "key": f"staff:{pk}",
                "bodies": [{"phone": changed}, {"phone": phone}],
            }
        )
    writes = [
        {"label": "roll call saved (PUT attendance)", "category": "write", "user": "hr.tinh", "requests": roll_calls},
        {
            "label": "inspection draft saved (PATCH)",
            "category": "write",
            "user": "inspector.lead",
            "requests": draft_saves,
        },
        {"label": "staff edit (PATCH phone)", "category": "write", "user": "hr.tinh", "requests": staff_edits},
    ]
    kinds = [k for k in pages + apis + writes if k["requests"]]
    for k in kinds:
        siblings = [x for x in kinds if x["category"] == k["category"]]
        k["weight"] = SHARE[k["category"]] / len(siblings)
    note = {
        "pool sizes": {k["label"]: len(k["requests"]) for k in kinds},
        "missing kinds": [k["label"] for k in pages + apis + writes if not k["requests"]],
    }
    return kinds, note


BENCH_PLAN = "Kiểm tra công vụ (bench, bản nháp)"


def open_drafts(lead, wanted: int) -> None:
    """At least `wanted` open drafts the lead may save. The seeded province holds two (most inspections are
    approved or submitted), too few for a write of the mix: two writes would often meet on one record. The
    missing ones are made once and kept, in a plan of their own, as drafts of the checklist version the
    seeded inspections use, answered like one of its approved inspections (a draft counts in no figure)."""
    import datetime as dt

    from django.db.models import Count, Q
    from django.utils import timezone

    from inspections import services
    from inspections.models import Answer, Inspection, InspectionPlan, InspectionStatus
    from inspections.services import AnswerInput
    from staff.access import system_actor
    from staff.models import Unit

    have = (
        Inspection.objects.filter(status__in=[InspectionStatus.DRAFT, InspectionStatus.RETURNED])
        .filter(Q(assignment__lead=lead) | Q(assignment__members=lead), assignment__is_self=False)
        .distinct()
        .count()
    )
    if have >= wanted:
        return
    today = timezone.localdate()
    province = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    plan = InspectionPlan.objects.filter(name=BENCH_PLAN).first() or services.plan_create(
        actor=system_actor(), year=today.year, name=BENCH_PLAN, unit=province
    )
    version_id = (
        Inspection.objects.filter(assignment__is_self=False, status=InspectionStatus.APPROVED)
        .values("template_version")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("template_version", flat=True)
        .first()
    )
    model = Inspection.objects.filter(template_version_id=version_id, status=InspectionStatus.APPROVED).order_by("pk")[
        0
    ]
    answers = [
        AnswerInput(item=code, value=value, note=note)
        for code, value, note in Answer.objects.filter(inspection=model).values_list("item__code", "value", "note")
    ]
    taken = set(plan.assignments.values_list("unit_id", flat=True))
    units = Unit.objects.filter(active=True, parent__isnull=False).exclude(pk__in=taken).order_by("path")
    for unit in units[: wanted - have]:
        assignment = services.assignment_create(
            actor=system_actor(),
            plan=plan,
            unit=unit,
            template_version=model.template_version,
            due_date=today + dt.timedelta(days=30),
            lead=lead,
        )
        services.inspection_save(actor=lead, assignment=assignment, answers=answers, submit=False)


def _grant_units(user) -> list[int]:
    from staff.models import RoleAssignment

    return list(RoleAssignment.objects.filter(user=user).values_list("unit_id", flat=True))


def with_sessions(kinds: list[dict], sessions: dict[str, list[dict]], seed: int = 7) -> list[dict]:
    """Each request of the plan gets the headers of one of its user's logged-in sessions."""
    rng = random.Random(seed)
    out = []
    for k in kinds:
        reqs = []
        for req in k["requests"]:
            headers = dict(rng.choice(sessions[k["user"]]))
            if k["category"] != "write":
                headers.pop("X-CSRFToken", None)
            if k["category"] in ("api", "write"):
                headers["Accept"] = "application/json"
            reqs.append({**req, "headers": headers})
        out.append({**{x: y for x, y in k.items() if x != "requests"}, "requests": reqs})
    return out


HEALTHZ = [{"label": "/healthz", "category": "health", "weight": 1.0, "requests": [{"path": "/healthz"}]}]


# ---------------------------------------------------------------------------------- running
class Server:
    def __init__(self, port: int):
        self.port = port
        self.etags: dict[str, str] = {}

    def load(self, kinds, *, rate, seconds, seed, stop_early=False, drain_s=15.0) -> dict:
        plan = {
            "port": self.port,
            "rate": rate,
            "seconds": seconds,
            "seed": seed,
            "connections": CONNECTIONS,
            "kinds": kinds,
            "slo_ms": P95_GOAL_MS,
            "stop_early": stop_early,
            "drain_s": drain_s,
            "etags": self.etags,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(plan, fh)
        try:
            done = subprocess.run(
                [PYTHON, str(ROOT / "bench" / "loadgen.py"), fh.name],
                capture_output=True,
                text=True,
                check=True,
                timeout=seconds + drain_s + 300,
            )
        finally:
            Path(fh.name).unlink(missing_ok=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        self.etags.update(result.get("etags") or {})
        return result


def percentile(samples: list[float], pct: float) -> float:
    """common.percentile, for samples that may hold infinity (unfinished requests): never NaN."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    if k == low or ordered[high] == ordered[low]:
        return ordered[low]
    if math.isinf(ordered[high]):
        return float("inf")
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def outcome(status: int, category: str) -> str:
    if 200 <= status < 300:
        return "ok"
    if status == 412 and category == "write":
        return "stale"  # the expected answer to a stale If-Match
    return "error"


def summarise(result: dict, only: set[str] | None = None) -> dict:
    """Latency percentiles (ms; an unfinished request counts as infinitely slow) and outcomes, over
    the arrivals whose category is in `only` (all if None)."""
    cats = result["categories"]
    latencies, errors, stale, unfinished, statuses = [], 0, 0, 0, {}
    for kind_index, _at, latency, status in result["results"]:
        cat = cats[kind_index]
        if only is not None and cat not in only:
            continue
        if latency is None:
            unfinished += 1
            latencies.append(float("inf"))
            continue
        latencies.append(latency)
        what = outcome(status, cat)
        errors += what == "error"
        stale += what == "stale"
        if what == "error":
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    n = len(latencies)
    return {
        "n": n,
        "p50": percentile(latencies, 50) if n else float("nan"),
        "p95": percentile(latencies, 95) if n else float("nan"),
        "p99": percentile(latencies, 99) if n else float("nan"),
        "max": max(latencies) if n else float("nan"),
        "errors": errors + unfinished,
        "unfinished": unfinished,
        "stale": stale,
        "error_statuses": statuses,
    }


def per_kind(result: dict) -> dict[str, dict]:
    out = {}
    for index, label in enumerate(result["kinds"]):
        lat = [r[2] if r[2] is not None else float("inf") for r in result["results"] if r[0] == index]
        bad = sum(
            1 for r in result["results"] if r[0] == index and outcome(r[3], result["categories"][index]) == "error"
        )
        if lat:
            out[label] = {"n": len(lat), "p50": percentile(lat, 50), "p95": percentile(lat, 95), "errors": bad}
    return out


def fmt_ms(value: float) -> str:
    return "∞" if value == float("inf") else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def capacity(server: Server, kinds, *, start: float, step_s: float, bisections: int, seed: int) -> dict:
    """The highest arrival rate whose p95 stays under the goal with no errors: double from `start` until a
    step fails, then bisect between the last rate that passed and the first that failed."""
    steps = []

    def passes(rate: float) -> bool:
        wait_quiet(server.port)
        seconds = max(
            step_s, min(3 * step_s, 100 / rate)
        )  # about 100 arrivals at least, for a p95 that means something
        result = server.load(kinds, rate=rate, seconds=seconds, seed=seed + len(steps), stop_early=True, drain_s=5.0)
        s = summarise(result)
        ok = not result["stopped_early"] and s["p95"] < P95_GOAL_MS and s["errors"] == 0
        slowest = sorted(per_kind(result).items(), key=lambda kv: -kv[1]["p50"])[:2]
        steps.append(
            {
                "rate": round(rate, 1),
                "p95": "stopped early" if result["stopped_early"] else round(s["p95"], 1),
                "errors": s["errors"],
                "pass": ok,
                "slowest p50": {label: round(v["p50"]) if v["p50"] != float("inf") else "∞" for label, v in slowest},
            }
        )
        print(f"    capacity step {rate:.1f}/s: {steps[-1]}", flush=True)
        return ok

    low, high, rate = 0.0, None, start
    while high is None:
        if passes(rate):
            low, rate = rate, rate * 2
            if rate > 20_000:
                break
        else:
            high = rate
    if high is not None and low == 0.0:  # even the first rate failed: go down
        rate = start / 2
        while rate >= 0.5 and not passes(rate):
            high, rate = rate, rate / 2
        low = rate if rate >= 0.5 else 0.0
    for _ in range(bisections):
        if high is None or low == 0.0 or high / low < 1.08:
            break
        mid = (low + high) / 2
        if passes(mid):
            low = mid
        else:
            high = mid
    return {"rate": low, "failed_at": high, "steps": steps}


def vacuum_if_postgresql() -> None:
    """VACUUM (ANALYZE) on PostgreSQL before the load, as autovacuum would have done by then (it is off on the
    bench server; the roster import benchmark leaves ≈50,000 dead staff rows)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def run(ctx: Context) -> list[Row]:
    setup_django()
    vacuum_if_postgresql()
    kinds, note = mix()
    from django.db import connections

    connections.close_all()  # the server's workers use the database; this process is done with it
    peak_s = 15.0 if ctx.quick else 60.0
    step_s = 8.0 if ctx.quick else 20.0
    bisections = 2 if ctx.quick else 4
    group = "Province peak (open loop)"
    rows: list[Row] = []
    with gunicorn(env=bench_env()) as base:
        server = Server(int(base.rsplit(":", 1)[1]))
        users = sorted({k["user"] for k in kinds})
        sessions = {u: [login(server.port, u) for _ in range(SESSIONS_PER_USER)] for u in users}
        plan = with_sessions(kinds, sessions)
        # Warm-up (not measured): every worker imports, compiles templates, opens its connection.
        warm = server.load(plan, rate=5.0, seconds=6.0 if ctx.quick else 12.0, seed=1)
        broken = {k: v for k, v in per_kind(warm).items() if v["errors"]}
        if broken:
            print(f"    warm-up errors by kind: {broken}", flush=True)
        wait_quiet(server.port)

        result = server.load(plan, rate=PEAK_RATE, seconds=peak_s, seed=2)
        s = summarise(result)
        met = s["p95"] < P95_GOAL_MS and s["p99"] < P99_GOAL_MS and s["errors"] == 0
        errors = f"{s['errors']} errors" + (f" (HTTP {s['error_statuses']})" if s["error_statuses"] else "")
        if s["unfinished"]:
            errors += f", {s['unfinished']} unanswered {result['elapsed'] - peak_s:.0f} s after the last arrival"
        rows.append(
            Row(
                f"peak mix, {PEAK_RATE:.0f} arrivals/s (Poisson) for {peak_s:.0f} s",
                f"{s['n']} requests: p50 {fmt_ms(s['p50'])}, p95 {fmt_ms(s['p95'])}, p99 {fmt_ms(s['p99'])}, "
                f"max {fmt_ms(s['max'])}; {errors}; {s['stale']} stale writes (412, expected)",
                "",
                f"p95 < {P95_GOAL_MS:.0f} ms, p99 < {P99_GOAL_MS / 1000:.0f} s, no errors",
                met,
                group=group,
                detail={"note": note, "per_kind": per_kind(result), "elapsed": result["elapsed"]},
            )
        )
        for label, cats in (("HTML pages", {"page"}), ("API reads", {"api"}), ("writes", {"write"})):
            c = summarise(result, cats)
            rows.append(
                Row(
                    f"peak mix: {label}",
                    f"{c['n']} requests: p50 {fmt_ms(c['p50'])}, p95 {fmt_ms(c['p95'])}, p99 {fmt_ms(c['p99'])}; "
                    f"{c['errors']} errors" + (f"; {c['stale']} stale (412)" if c["stale"] else ""),
                    group=group,
                )
            )
        kinds_text = "; ".join(
            f"{label} p95 {fmt_ms(v['p95'])}" + (f" ({v['errors']} errors)" if v["errors"] else "")
            for label, v in per_kind(result).items()
        )
        rows.append(Row("peak mix: p95 by kind", kinds_text, group=group))

        cap = capacity(server, plan, start=10.0, step_s=step_s, bisections=bisections, seed=100)
        floor = capacity(server, HEALTHZ, start=200.0, step_s=step_s, bisections=bisections, seed=200)
        share = cap["rate"] / floor["rate"] if floor["rate"] else float("nan")

        def bracket(c: dict) -> str:
            return (
                f"passed at {c['rate']:.1f}/s, failed at {c['failed_at']:.1f}/s" if c["failed_at"] else "never failed"
            )

        rows.append(
            Row(
                f"capacity: highest arrival rate of the mix with p95 < {P95_GOAL_MS:.0f} ms ({step_s:.0f} s steps)",
                f"{cap['rate']:.1f} req/s ({share:.1%} of /healthz; {bracket(cap)})",
                f"/healthz {floor['rate']:.0f} req/s ({bracket(floor)})",
                "",
                None,
                group=group,
                detail={"mix_steps": cap["steps"], "healthz_steps": floor["steps"]},
            )
        )
    return rows


if __name__ == "__main__":
    from bench.common import DEFAULT_DB_URL, vendor_of

    url = bench_env()["DATABASE_URL"] or DEFAULT_DB_URL
    rows = run(Context(db_url=url, vendor=vendor_of(url), quick="--quick" in sys.argv))
    for row in rows:
        print(f"{row.benchmark}: {row.figure}  [{row.floor}] [goal: {row.goal}; met: {row.met}]")
        if row.detail:
            print("    " + json.dumps(row.detail, ensure_ascii=False, default=str)[:3000])
    emit(rows)
