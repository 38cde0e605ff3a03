"""Shared pieces of the benchmark suite: environment, timing statistics, result rows, the province
database, a gunicorn server on a free loopback port.

Every benchmark module `bench/bench_<name>.py` exposes `run(ctx) -> list[Row]` and is run by
`bench/run.py` in its own process, so memory figures and Django state never leak between modules.
Benchmarks print figures; they never fail the test suite.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
DEFAULT_DB_URL = "sqlite:////tmp/congvu_province.sqlite3"

# Production-like settings (DEBUG off) with a throwaway key; the database comes from DATABASE_URL.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefgh",
    "STATIC_MANIFEST": "false",
    "SECURE_COOKIES": "false",
    "LOG_LEVEL": "WARNING",
    "IMPORT_MAX_ROWS": "300000",
    # in-process modules use Django's test client ("testserver"); the load test uses 127.0.0.1
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}


def bench_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in BENCH_ENV.items():
        env.setdefault(key, value)
    env.setdefault("DATABASE_URL", DEFAULT_DB_URL)
    env.update(extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def setup_django() -> None:
    """Configure this process for the benchmark database and start Django."""
    for key, value in bench_env().items():
        os.environ.setdefault(key, value)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ------------------------------------------------------------------------------------- results
@dataclass
class Row:
    """One line of the table: a figure, the floor it is compared with (measured in the same run),
    the goal, and whether the goal is met (None: no goal, only a figure)."""

    benchmark: str
    figure: str
    floor: str = ""
    goal: str = ""
    met: bool | None = None
    group: str = ""
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Context:
    db_url: str
    vendor: str
    quick: bool = False
    out_dir: Path = field(default_factory=lambda: Path("/tmp/congvu-bench"))

    def repeat(self, normal: int, quick: int | None = None) -> int:
        return (quick if quick is not None else max(1, normal // 3)) if self.quick else normal


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def med_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), percentile(samples, 95)


def timed(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of `fn()` over `repeat` runs after `warmup` untimed runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


class CountQueries:
    """Counts the SQL statements run on the default connection inside the block, requests included.

    Django's CaptureQueriesContext reads `connection.queries_log`, which the `request_started` signal
    (reset_queries) empties in the middle of a test-client request, so it reports 0 for a request.
    An execute wrapper sees every statement. `captured_queries` has the same shape as Django's."""

    def __init__(self, connection=None):
        from django.db import connection as default

        self.connection = connection or default
        self.captured_queries: list[dict] = []
        self._wrapper = None

    def _record(self, execute, sql, params, many, context):
        self.captured_queries.append({"sql": sql})
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = self.connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return len(self.captured_queries)


def as_new_request(user) -> None:
    """Drop what a user object remembers between requests (its role grants, read once per request), so the
    next call through it reads them again, as a new request's fresh user object would."""
    for attr in ("_congvu_grants", "_congvu_own_unit"):
        if hasattr(user, attr):
            delattr(user, attr)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def fmt_med_p95(samples: list[float]) -> str:
    med, p95 = med_p95(samples)
    return f"{ms(med)} (p95 {ms(p95)})"


# ------------------------------------------------------------------------------------ database
def vendor_of(db_url: str) -> str:
    return "postgresql" if db_url.startswith(("postgres://", "postgresql://")) else "sqlite"


def manage(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env or bench_env(),
        cwd=ROOT,
        check=check,
        capture_output=True,
        text=True,
    )


def ensure_province(db_url: str) -> str:
    """Migrate the database and seed the province once (`seed_demo --if-empty`). Returns a note."""
    env = bench_env(DATABASE_URL=db_url)
    manage("migrate", "--noinput", env=env)
    t0 = time.perf_counter()
    out = manage("seed_demo", "--scale", "province", "--if-empty", env=env).stdout
    if "already loaded" in out:
        return "province data already loaded"
    return f"seeded the province in {time.perf_counter() - t0:.0f} s: " + out.splitlines()[-10].strip()


# -------------------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*, workers: int | None = None, threads: int | None = None, env: dict | None = None):
    """gunicorn serving config.wsgi on 127.0.0.1:<free port> with the production settings of
    `gunicorn.conf.py` (the same sizing as a deployment on this machine: (2 × cores) + 1 sync workers),
    without the access log. `workers` / `threads` override the sizing (threads > 1: gthread workers).
    Yields the base URL; stops the server (its own pid only) on exit."""
    port = free_port()
    env = dict(env or bench_env())
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG="", GUNICORN_LOG_LEVEL="warning")
    env.update(GUNICORN_MAX_REQUESTS="0")  # no worker recycling in the middle of a measurement
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    cmd = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "config.wsgi:application"]
    log = open(Path("/tmp") / f"congvu-bench-gunicorn-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180  # a busy machine can be very slow to start workers
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=60) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log.name}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def emit(rows: list[Row]) -> None:
    """How a module run as a child hands its rows to run.py: one marked JSON line."""
    sys.stdout.write("BENCH-ROWS " + json.dumps([r.as_dict() for r in rows], default=str) + "\n")
    sys.stdout.flush()
