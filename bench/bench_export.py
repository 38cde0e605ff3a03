"""Excel export of 200,000 rows through the app's export (queryset → core.xlsx.XlsxWriter → file), next
to openpyxl `write_only` writing the same values with no Django in between (the floor).

Rows: the first 200,000 marks of the attendance register as province HR sees it (newest session first;
629,840 marks at province scale), through `training.exports.attendance_records_xlsx`, the export behind the
register's "Export to Excel" and its background export.
Each measurement runs in a fresh child process: wall and CPU time (rows/s; the CPU figure is the
fair one on a busy machine), per-20,000-row chunk rates (median, p95) and peak RSS (getrusage).

Goals: app export >= 70% of raw openpyxl speed; peak memory < 250 MB for 200,000 rows.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, Context, Row, bench_env, emit, med_p95  # noqa: E402

ROWS = 200_000
CHUNK = 20_000
SPEED_SHARE = 0.70
PEAK_MB = 250


class Clock:
    """CPU seconds of this process and the CPU time of every CHUNK rows."""

    def __init__(self):
        self.start = self.last = cpu()
        self.chunks: list[float] = []

    def tick(self, produced: int) -> None:
        if produced % CHUNK == 0:
            now = cpu()
            self.chunks.append(now - self.last)
            self.last = now


class Repeated:
    """Looks like a queryset to an export: `iterator()` yields the rows of `qs` again and again,
    `limit` rows in all (each pass is a real database read)."""

    def __init__(self, qs, limit: int, clock: Clock):
        self.qs, self.limit, self.clock = qs, limit, clock

    def values_list(self, *fields, **kwargs):
        return Repeated(self.qs.values_list(*fields, **kwargs), self.limit, self.clock)

    def iterator(self, chunk_size: int = 2000):
        produced = 0
        while produced < self.limit:
            before = produced
            for obj in self.qs.iterator(chunk_size=chunk_size):
                yield obj
                produced += 1
                self.clock.tick(produced)
                if produced >= self.limit:
                    return
            if produced == before:
                return


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def result(t0: float, clock: Clock, base_mb: float, size: int) -> dict:
    return {
        "seconds": time.perf_counter() - t0,
        "cpu": cpu() - clock.start,
        "chunks": clock.chunks[1:],
        "peak_mb": peak_mb(),
        "base_mb": base_mb,
        "bytes": size,
    }


def child_app(rows: int) -> dict:
    from bench.common import setup_django

    setup_django()
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from training import selectors
    from training.exports import attendance_records_xlsx

    translation.activate("vi")
    user = get_user_model().objects.get(username="hr.tinh")
    qs = selectors.attendance_records(user=user, filters={}, request=None)
    base_mb = peak_mb()
    t0, clock = time.perf_counter(), Clock()
    handle = attendance_records_xlsx(records=Repeated(qs, rows, clock), handle_large=True)
    size = handle.seek(0, 2)
    handle.close()
    return result(t0, clock, base_mb, size)


def child_raw(rows: int) -> dict:
    """The floor: the same 11 values per row (read beforehand, labels and local times ready, no Django while
    writing), openpyxl write_only appending plain tuples."""
    from bench.common import setup_django

    setup_django()
    from django.utils import timezone, translation
    from openpyxl import Workbook

    from training.exports import ATTENDANCE_EXPORT_FIELDS
    from training.models import Attendance, AttendanceStatus

    translation.activate("vi")
    labels = {value: str(label) for value, label in AttendanceStatus.choices}
    marks = Attendance.objects.order_by("-session__date", "-session_id", "enrollment_id").values_list(
        *ATTENDANCE_EXPORT_FIELDS
    )[:rows]
    values = [
        (*r[:1], r[1].strftime("%H:%M"), *r[2:8], labels[r[8]], r[9], timezone.localtime(r[10]).replace(tzinfo=None))
        for r in marks.iterator(chunk_size=2000)
    ]
    base_mb = peak_mb()
    t0, clock = time.perf_counter(), Clock()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Attendance")
    ws.append([f"h{i}" for i in range(11)])
    written = 0
    while written < rows:
        for row in values:
            ws.append(row)
            written += 1
            clock.tick(written)
            if written >= rows:
                break
    with tempfile.TemporaryFile() as handle:
        wb.save(handle)
        size = handle.seek(0, 2)
    return result(t0, clock, base_mb, size)


def measure(kind: str, rows: int) -> dict:
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "bench_export.py"), "--child", kind, str(rows)],
        env=bench_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def rates(runs: list[dict]) -> tuple[float, float]:
    """Median and p95 (slow end) of the per-chunk rates, in rows per CPU second."""
    chunk_rates = [CHUNK / c for r in runs for c in r["chunks"] if c > 0]
    med, _ = med_p95(chunk_rates)
    slow = sorted(chunk_rates)[max(0, int(len(chunk_rates) * 0.05))]
    return med, slow


def run(ctx: Context) -> list[Row]:
    repeat = ctx.repeat(2, 1)
    rows = ROWS
    app, raw = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        raw.append(measure("raw", rows))
        app.append(measure("app", rows))
    app_cpu = sorted(r["cpu"] for r in app)[len(app) // 2]
    raw_cpu = sorted(r["cpu"] for r in raw)[len(raw) // 2]
    app_wall = sorted(r["seconds"] for r in app)[len(app) // 2]
    raw_wall = sorted(r["seconds"] for r in raw)[len(raw) // 2]
    app_med, app_slow = rates(app)
    raw_med, raw_slow = rates(raw)
    share = raw_cpu / app_cpu
    app_peak = max(r["peak_mb"] for r in app)
    raw_peak = max(r["peak_mb"] for r in raw)
    return [
        Row(
            f"Excel export, {rows:,} attendance rows (rows/s)",
            f"{rows / app_cpu:,.0f} rows/s ({app_cpu:.1f} s CPU, {app_wall:.1f} s wall); per 20k: median "
            f"{app_med:,.0f}, p95 {app_slow:,.0f} rows/s; {share:.0%} of raw",
            f"openpyxl write_only {rows / raw_cpu:,.0f} rows/s ({raw_cpu:.1f} s CPU, {raw_wall:.1f} s wall); per 20k: "
            f"median {raw_med:,.0f}, p95 {raw_slow:,.0f}",
            f"≥ {SPEED_SHARE:.0%} of raw speed",
            share >= SPEED_SHARE,
            group="Excel export",
            detail={"app": app, "raw": raw},
        ),
        Row(
            f"Excel export, {rows:,} attendance rows (peak memory)",
            f"{app_peak:.0f} MB peak RSS (Django loaded: {app[0]['base_mb']:.0f} MB before)",
            f"openpyxl write_only {raw_peak:.0f} MB (values held: {raw[0]['base_mb']:.0f} MB before)",
            f"< {PEAK_MB} MB",
            app_peak < PEAK_MB,
            group="Excel export",
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--child":
        fn = child_app if sys.argv[2] == "app" else child_raw
        print(json.dumps(fn(int(sys.argv[3]))))
    else:
        from bench.common import DEFAULT_DB_URL, vendor_of

        url = bench_env()["DATABASE_URL"] or DEFAULT_DB_URL
        emit(run(Context(db_url=url, vendor=vendor_of(url), quick="--quick" in sys.argv)))
