"""Scorecards at province scale: the province-wide table (all units, one period) and the charts.

Figures printed:
- `score_table` (every unit of the province for a period, live + change since the previous period):
  wall time median / p95 and the number of SQL queries (constant whatever the number of units);
- the province scorecards computed (facts + engine, one period): goal ≤ 2.5× the hand-written SQL
  computing the same facts (bench/scorecard_sql.py), measured in the same run;
- `score_table` served again with the data unchanged: goal from the cache (fewer queries than computing it,
  under a tenth of the computed time; reading the period's publication is still a query);
- the HTML province table `scorecards:table` as an administrator;
- the training (capability) facts alone, computed in the database per unit;
- the engine alone on the facts already fetched (Python merge, roll-up, ranks);
- each chart rendered without cache, PNG and SVG, and served from the cache;
- a unit's scorecard page (the unit head's, the province's) opened right after a write, with its trend,
  then its three chart images: goal < 1 s for the page (issue 18); the worker's refresh that follows the
  write; and the cold page (nothing kept).

Run:  DATABASE_URL=sqlite:////tmp/congvu_province.sqlite3 .venv/bin/python bench/bench_scorecards.py
(the database must hold `seed_demo --scale province`; `--seed` migrates and seeds it if empty).
`--only first-read` measures only the unit pages after a write; `--quick` repeats 3 times.
Also usable from bench/run.py through `run(ctx)`.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = "sqlite:////tmp/congvu_province.sqlite3"
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefgh",
    "STATIC_MANIFEST": "false",
    "SECURE_COOKIES": "false",
    "LOG_LEVEL": "WARNING",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    # Production's shared cache (the worker's refresh reaches the app servers); a database of its own.
    "REDIS_URL": "redis://127.0.0.1:6379/7",
}
RATIO_GOAL = 2.5  # computed scorecards: at most this many times the hand-written SQL floor
FIRST_READ_GOAL = 1.0  # seconds: a unit's scorecard page, first read after a write (issue 18)
CACHED_SHARE = 0.1  # served again, data unchanged: under this share of the computed time, fewer queries


def _env() -> dict:
    env = dict(os.environ)
    for key, value in ENV.items():
        env.setdefault(key, value)
    env.setdefault("DATABASE_URL", DEFAULT_DB_URL)
    return env


CPU: dict[int, list[float]] = {}


def _timed(fn, repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds per run; the CPU seconds of this process (SQLite runs in-process, so this is
    the work done, whatever else loads the machine) are kept in CPU under the id of the returned list."""
    for _ in range(warmup):
        fn()
    samples, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[id(samples)] = cpu
    return samples


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _fmt(samples: list[float]) -> str:
    cpu = CPU.get(id(samples))
    cpu_text = f", CPU median {statistics.median(cpu) * 1000:.0f} ms" if cpu else ""
    return (
        f"wall median {statistics.median(samples) * 1000:.0f} ms, p95 {_p95(samples) * 1000:.0f} ms"
        f"{cpu_text} (n={len(samples)})"
    )


def forget_scorecards() -> None:
    """Drop every kept scorecard result, as after a change to the data (they live in Django's cache)."""
    from django.core.cache import cache

    cache.clear()


def seed_if_empty() -> None:
    env = _env()
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([*manage, "seed_demo", "--scale", "province", "--if-empty"], env=env, cwd=ROOT, check=True)


def _setup() -> list:
    """Django set up for the bench database; the periods measured (this year, this quarter)."""
    for key, value in _env().items():
        os.environ.setdefault(key, value)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone, translation

    from scorecards.periods import Period

    translation.activate("vi")
    today = timezone.localdate()
    return [Period(today.year), Period(today.year, quarter=(today.month - 1) // 3 + 1)]


def _data_line() -> dict:
    from django.db import connection

    from staff.models import Staff, Unit

    units, people = Unit.objects.filter(active=True).count(), Staff.objects.count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "figure": "data",
        "value": f"{units} units, {people} staff, database {connection.vendor}; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs",
    }


def measure(repeat: int = 5) -> list[dict]:
    periods = _setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from scorecards import charts, engine, selectors
    from staff.models import Unit

    results = [_data_line()]

    from bench.scorecard_sql import province_facts, required_case
    from training.selectors import rules_for_year

    for period in periods:
        # The floor: one hand-written statement computing the same facts for every unit.
        required = required_case(rules_for_year(period.end.year), 0)  # the 40-tiết default is a rule row
        floor_samples = _timed(
            lambda p=period, r=required: province_facts(connection, start=p.start, end=p.end, required=r),
            repeat,
        )
        same = _compare_with_floor(
            selectors.period_facts(period),
            province_facts(connection, start=period.start, end=period.end, required=required),
        )
        results.append(
            {
                "figure": f"hand-written SQL, facts of every unit {period.key} (floor of the database)",
                "value": f"{_fmt(floor_samples)}; 1 query; {same}",
            }
        )

        def computed(p=period):
            forget_scorecards()  # computed from the records, as after any change to them
            return selectors.score_table(period=p)

        def one_period(p=period):
            forget_scorecards()
            return selectors.compute_live(period=p, units=selectors.unit_rows())

        with CaptureQueriesContext(connection) as queries:
            one_period()
        samples = _timed(one_period, repeat)
        ratio = statistics.median(samples) / statistics.median(floor_samples)
        results.append(
            {
                "figure": f"province scorecards {period.key} computed (facts + engine, one period)",
                "value": f"{_fmt(samples)}; {len(queries)} queries; {ratio:.1f}× the hand-written SQL",
                "floor": f"hand-written SQL {statistics.median(floor_samples) * 1000:.0f} ms",
                "seconds": statistics.median(samples),
                "ratio": ratio,
            }
        )

        with CaptureQueriesContext(connection) as queries:
            table = computed()
        with_data = sum(1 for s in table.live.values() if s.total is not None)
        samples = _timed(computed, repeat)
        results.append(
            {
                "figure": f"score_table {period.key} computed, with the previous period ({len(table.live)} units, "
                f"{with_data} with data, {'published' if table.publication else 'live'})",
                "value": f"{_fmt(samples)}; {len(queries)} queries",
            }
        )
        computed_median, computed_queries = statistics.median(samples), len(queries)
        selectors.score_table(period=period)
        with CaptureQueriesContext(connection) as queries:
            selectors.score_table(period=period)
        samples = _timed(lambda p=period: selectors.score_table(period=p), repeat)
        results.append(
            {
                "figure": f"score_table {period.key} again, data unchanged (from the cache)",
                "value": f"{_fmt(samples)}; {len(queries)} queries; "
                f"{statistics.median(samples) / computed_median:.1%} of the computed time",
                "floor": f"computed {computed_median * 1000:.0f} ms, {computed_queries} queries",
                "cached": len(queries) < computed_queries
                and statistics.median(samples) < CACHED_SHARE * computed_median,
            }
        )
        from training.selectors import unit_capability_facts

        with CaptureQueriesContext(connection) as queries:
            unit_capability_facts(start=period.start, end=period.end)
        samples = _timed(lambda p=period: unit_capability_facts(start=p.start, end=p.end), repeat)
        results.append(
            {
                "figure": f"capability facts only {period.key} (training, one GROUP BY per source)",
                "value": f"{_fmt(samples)}; {len(queries)} queries",
            }
        )
        capability, inspection = selectors.period_facts(period)
        unit_rows = list(table.units.values())
        samples = _timed(
            lambda c=capability, i=inspection, s=table.spec, u=unit_rows: engine.compute(
                model=s, units=u, capability=c, inspection=i
            ),
            repeat,
        )
        results.append(
            {
                "figure": f"engine only {period.key} (merge, roll-up, ranks; facts of "
                f"{len(capability)} + {len(inspection)} units)",
                "value": _fmt(samples),
            }
        )

    admin = (
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.filter(is_superuser=True)
        .first()
    )
    if admin is not None:
        client = Client()
        client.force_login(admin)
        for period in periods:
            url = reverse("scorecards:table") + f"?period={period.key}"

            def get(u=url, cold=True):
                if cold:
                    forget_scorecards()
                response = client.get(u)
                assert response.status_code == 200, response.status_code

            samples = _timed(get, repeat)
            results.append(
                {
                    "figure": f"HTML province table {period.key} (admin, all units), computed",
                    "value": _fmt(samples),
                }
            )
            samples = _timed(lambda u=url: get(u, cold=False), repeat)
            results.append(
                {
                    "figure": f"HTML province table {period.key} (admin, all units), data unchanged",
                    "value": _fmt(samples),
                }
            )
        province = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        url = reverse("scorecards:unit", args=[province.pk]) + f"?period={periods[0].key}"

        def unit_page():
            forget_scorecards()
            client.get(url)

        samples = _timed(unit_page, max(2, repeat // 2))
        results.append(
            {
                "figure": f"HTML scorecard of the province {periods[0].key} (with trend), computed",
                "value": _fmt(samples),
            }
        )

        results.extend(first_read_after_a_write(periods, repeat))

    # Charts: the data of the province's scorecard, rendered without the cache, then from the cache.
    table = selectors.score_table(period=periods[0])
    province_id = next(u.id for u in table.units.values() if u.parent_id is None)
    score = table.score(province_id)
    visible = set(table.units)
    some_department = next(
        (s for s in table.live.values() if s.unit.kind == "department" and s.total is not None), score
    )
    datas = {
        "criteria": charts.criteria_data(score),
        "trend": charts.trend_data(selectors.unit_trend(unit_id=province_id, period=periods[1], table=None)),
        "peers": charts.peers_data(table.peers(some_department.unit_id), some_department.unit_id, visible),
    }
    for name, data in datas.items():
        for fmt in charts.FORMATS:

            def render(n=name, d=data, f=fmt):
                cache.clear()
                return charts.chart_bytes(n, d, f)

            samples = _timed(render, repeat * 2)
            size = len(render())
            results.append(
                {
                    "figure": f"chart {name}.{fmt} render (no cache, {len(data['rows'])} rows, {size} bytes)",
                    "value": _fmt(samples),
                }
            )
        charts.chart_bytes(name, data, "png")
        samples = _timed(lambda n=name, d=data: charts.chart_bytes(n, d, "png"), repeat * 2)
        results.append({"figure": f"chart {name}.png from cache", "value": _fmt(samples)})
    return results


def first_read_after_a_write(periods=None, repeat: int = 5) -> list[dict]:
    """A unit's scorecard page opened right after a write, with its trend, then the page's three chart images
    as the browser asks for them: the unit head's unit (`unithead`) and the province (`admin`). Production
    settings: the cache shared with the worker (REDIS_URL), SCORECARD_REFRESH_IN_BACKGROUND on, and every
    write older than SCORECARD_LIVE_MAX_AGE (set to 0: the worst case). Per sample: a staff phone is updated,
    the page is read (it shows the kept province computation, labelled, and queues a refresh), then the
    worker's refresh runs here (timed: how long until the screens show the write). Then the cold case: nothing
    kept at all (an emptied cache; a day's first read shows the day before's computation), where the request
    computes."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from scorecards import charts, selectors
    from scorecards.selectors.tables import refresh_live_scorecards
    from staff.models import Staff

    periods = periods or _setup()
    settings.SCORECARD_REFRESH_IN_BACKGROUND = True
    settings.SCORECARD_LIVE_MAX_AGE = 0
    out = []
    for username in ("unithead", "admin"):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            continue
        unit = selectors.home_unit(user=user)
        client = Client()
        client.force_login(user)
        person = Staff.objects.filter(unit__path__startswith=unit.path).order_by("pk").first()
        for period in periods:
            url = reverse("scorecards:unit", args=[unit.pk]) + f"?period={period.key}"
            chart_urls = {
                name: reverse("scorecards:chart", args=[unit.pk, name, "png"]) + f"?period={period.key}"
                for name in charts.CHARTS
            }
            samples: dict[str, list[float]] = {
                "page": [],
                **{name: [] for name in chart_urls},
                "worker": [],
                "cold": [],
            }
            queries: dict[str, int] = {}
            cpu: dict[str, list[float]] = {name: [] for name in samples}

            def timed(name, fn, queries=queries, cpu=cpu):
                gc.collect()
                with CaptureQueriesContext(connection) as ctx:
                    t0, c0 = time.perf_counter(), time.process_time()
                    result = fn()
                    elapsed, used = time.perf_counter() - t0, time.process_time() - c0
                queries[name] = len(ctx)
                cpu[name].append(used)
                return elapsed, result

            def get(u, client=client):
                response = client.get(u)
                assert response.status_code == 200, (u, response.status_code)
                return response

            client.get(url)  # something kept: the state of a server in use
            for i in range(1 + max(3, repeat)):  # the first round warms the process up and is not counted
                Staff.objects.filter(pk=person.pk).update(phone=f"09{time.time_ns() % 10**8:08d}")  # a write
                page, response = timed("page", lambda u=url: get(u))
                if period.key not in {p.key for p in _published(periods)}:
                    assert b"data-as-of" in response.content, "the page did not show the kept computation"
                images = {name: timed(name, lambda u=u: get(u))[0] for name, u in chart_urls.items()}
                worker, _ = timed("worker", lambda p=period: refresh_live_scorecards.call(p.key))
                if i:
                    samples["page"].append(page)
                    samples["worker"].append(worker)
                    for name, elapsed in images.items():
                        samples[name].append(elapsed)
                else:
                    for name in ("page", "worker", *chart_urls):
                        cpu[name].clear()
            for _ in range(max(3, repeat // 2)):  # cold: nothing kept
                Staff.objects.filter(pk=person.pk).update(phone=f"09{time.time_ns() % 10**8:08d}")
                forget_scorecards()
                samples["cold"].append(timed("cold", lambda u=url: get(u))[0])
            DBTaskResult.objects.filter(task_path="scorecards.selectors.tables.refresh_live_scorecards").delete()
            for name, kept in cpu.items():
                CPU[id(samples[name])] = kept
            who = f"{unit.code} ({unit.name}, {unit.kind}, as {username})"
            out.append(
                {
                    "figure": f"HTML scorecard of {who} {period.key}, with trend: first read after a write",
                    "value": f"{_fmt(samples['page'])}; {queries['page']} queries",
                    "first_read": statistics.median(samples["page"]),
                }
            )
            for name in chart_urls:
                out.append(
                    {
                        "figure": f"  its chart {name}.png, right after that page",
                        "value": f"{_fmt(samples[name])}; {queries[name]} queries",
                    }
                )
            out.append(
                {
                    "figure": "  the worker's refresh of the period (until the screens show the write)",
                    "value": f"{_fmt(samples['worker'])}; {queries['worker']} queries",
                }
            )
            out.append(
                {
                    "figure": "  cold: nothing kept (emptied cache), computed in the request",
                    "value": f"{_fmt(samples['cold'])}; {queries['cold']} queries",
                }
            )
    return out


def _published(periods) -> list:
    from scorecards.models import PublishedPeriod

    keys = set(PublishedPeriod.objects.filter(period__in=[p.key for p in periods]).values_list("period", flat=True))
    return [p for p in periods if p.key in keys]


def _compare_with_floor(app_facts: tuple[dict, dict], floor: dict) -> str:
    """Whether the application and the hand-written SQL agree on every fact of every unit."""
    from bench.scorecard_sql import CAPABILITY, INSPECTION

    capability, inspection = app_facts
    differences = []
    for unit_id, (cap_row, insp_row) in floor.items():
        cap, insp = capability.get(unit_id), inspection.get(unit_id)
        for name, value in zip(CAPABILITY, cap_row, strict=True):
            mine = getattr(cap, name) if cap else None
            if (mine or 0) != (value or 0):
                differences.append(f"unit {unit_id} {name}: app {mine}, SQL {value}")
        for name, value in zip(INSPECTION, insp_row, strict=True):
            mine = getattr(insp, name) if insp else None
            if name.endswith("_score"):
                # Both are means rounded to 2 decimals; SQL's float AVG and Django's decimal Avg may round
                # a last digit apart.
                value = round(float(value), 2) if value is not None else None
                if (mine is None) != (value is None) or (mine is not None and abs(mine - value) > 0.011):
                    differences.append(f"unit {unit_id} {name}: app {mine}, SQL {value}")
            elif (mine or 0) != (value or 0):
                differences.append(f"unit {unit_id} {name}: app {mine}, SQL {value}")
    if differences:
        return f"DIFFERENT from the application in {len(differences)} figures, e.g. " + "; ".join(differences[:3])
    return f"same {len(CAPABILITY) + len(INSPECTION)} figures as the application for all {len(floor)} units"


def report(results: list[dict]) -> None:
    for r in results:
        goal = ""
        if "ratio" in r:
            goal = f"  [goal ≤ {RATIO_GOAL}× the hand-written SQL: {'met' if r['ratio'] <= RATIO_GOAL else 'NOT met'}]"
        if "cached" in r:
            goal = f"  [goal: from the cache: {'met' if r['cached'] else 'NOT met'}]"
        if "first_read" in r:
            goal = f"  [goal < {FIRST_READ_GOAL:.0f} s: {'met' if r['first_read'] < FIRST_READ_GOAL else 'NOT met'}]"
        print(f"- {r['figure']}: {r['value']}{goal}")


def run(ctx) -> list:
    """bench/run.py entry point: the same figures as Row objects."""
    from bench.common import Row

    os.environ["DATABASE_URL"] = ctx.db_url
    rows = []
    for r in measure(repeat=3 if getattr(ctx, "quick", False) else 5):
        goal, met = "", None
        if "ratio" in r:
            goal, met = f"≤ {RATIO_GOAL}× the hand-written SQL", r["ratio"] <= RATIO_GOAL
        if "first_read" in r:
            goal, met = f"< {FIRST_READ_GOAL:.0f} s", r["first_read"] < FIRST_READ_GOAL
        if "cached" in r:
            goal, met = f"from the cache: fewer queries, < {CACHED_SHARE:.0%} of the computed time", r["cached"]
        rows.append(
            Row(
                benchmark=f"scorecards: {r['figure']}",
                figure=r["value"],
                floor=r.get("floor", ""),
                goal=goal,
                met=met,
                group="scorecards",
            )
        )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", action="store_true", help="migrate and seed the province first if empty")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (3)")
    parser.add_argument(
        "--only",
        choices=["first-read"],
        help="first-read: only the unit head's scorecard page opened right after a write, and its charts",
    )
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    if args.seed:
        seed_if_empty()
    if args.only == "first-read":
        periods = _setup()  # this year and quarter, and this month (whose previous month is not published)
        from django.utils import timezone

        from scorecards.periods import Period

        periods.append(Period(periods[0].year, month=timezone.localdate().month))
        report([_data_line(), *first_read_after_a_write(periods, repeat)])
    else:
        report(measure(repeat=repeat))
