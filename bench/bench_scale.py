"""Ten times the province: the same screens on ≈15,000 units and ≈250,000 staff, next to the province.
Query counts should stay the same and time should grow less than linearly (less than 10×); printed for
information (no goal since the open-loop goals replaced the old ones).

The 10× database is a copy of the province SQLite file (/tmp/congvu_x10.sqlite3, built once and kept)
in which every unit under the province root and every person is copied nine times (new codes, new
ids, same tree shape under the same root, so a province-wide HR officer sees ten times the people).
Only staff and units are multiplied; training, inspection and scorecard rows stay at province size.
SQLite only (the file is copied); on PostgreSQL this module reports that it was skipped.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, Context, CountQueries, Row, bench_env, emit, vendor_of  # noqa: E402

FACTOR = 10
X10_PATH = Path("/tmp/congvu_x10.sqlite3")
PAGES = [
    ("staff directory (HTML, first page)", "/staff/people/"),
    ("staff directory (HTML, page 100)", "/staff/people/?page=100"),
    ("staff directory search (HTML)", "/staff/people/?q=nguyen+van"),
    ("/api/v1/staff/", "/api/v1/staff/"),
    ("unit tree (HTML)", "/staff/units/"),
    ("/api/v1/units/", "/api/v1/units/"),
]


def build_x10(source: Path, target: Path) -> str:
    """Copy the province file and multiply units and staff. Returns a note with the sizes."""
    tmp = target.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(tmp)
    src.backup(dst)
    src.close()
    cur = dst.cursor()
    ((root_id, root_path),) = cur.execute("SELECT id, path FROM staff_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1")
    max_unit = cur.execute("SELECT MAX(id) FROM staff_unit").fetchone()[0]
    max_staff = cur.execute("SELECT MAX(id) FROM staff_staff").fetchone()[0]
    units = cur.execute(
        "SELECT id, created_at, updated_at, code, name, kind, parent_id, path, depth, active, search_name "
        "FROM staff_unit WHERE id <> ? AND path >= ? AND path < ?",
        (root_id, root_path, str(int(root_path) + 1).zfill(len(root_path))),
    ).fetchall()
    seg = len(root_path)
    for k in range(1, FACTOR):
        shift = k * max_unit

        def new_path(path: str, shift=shift) -> str:
            parts = [path[i : i + seg] for i in range(0, len(path), seg)]
            return parts[0] + "".join(f"{int(p) + shift:0{seg}d}" for p in parts[1:])

        cur.executemany(
            "INSERT INTO staff_unit (id, created_at, updated_at, code, name, kind, parent_id, path, depth, active, "
            "search_name) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    uid + shift,
                    c,
                    u,
                    f"{code}-{k}",
                    f"{name} ({k})",
                    kind,
                    parent if parent == root_id else parent + shift,
                    new_path(path),
                    depth,
                    active,
                    f"{sname} {k}",
                )
                for uid, c, u, code, name, kind, parent, path, depth, active, sname in units
            ],
        )
        cur.execute(
            "INSERT INTO staff_staff (id, created_at, updated_at, staff_code, full_name, search_name, gender, "
            "date_of_birth, unit_id, category, job_position, rank_code, rank_name, position_title, email, phone, "
            "start_date, status, user_id) "
            "SELECT id + ?, created_at, updated_at, staff_code || '-' || ?, full_name, search_name, gender, "
            "date_of_birth, CASE WHEN unit_id = ? THEN unit_id ELSE unit_id + ? END, category, job_position, "
            "rank_code, rank_name, position_title, email, phone, start_date, status, NULL "
            "FROM staff_staff WHERE id <= ?",
            (k * max_staff, k, root_id, shift, max_staff),
        )
    dst.commit()
    cur.execute("ANALYZE")
    n_units = cur.execute("SELECT COUNT(*) FROM staff_unit").fetchone()[0]
    n_staff = cur.execute("SELECT COUNT(*) FROM staff_staff").fetchone()[0]
    dst.close()
    # The previous copy's WAL files must go with it: SQLite would replay them onto the new file ("database disk
    # image is malformed"; seen when a measurement process had left its WAL behind).
    for p in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        p.unlink(missing_ok=True)
    tmp.replace(target)
    return f"{n_units:,} units, {n_staff:,} staff"


def child(repeat: int) -> None:
    """In a process pointed at one database: time each page (Django test client) and count queries."""
    from bench.common import setup_django

    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from staff.models import Staff, Unit

    user = get_user_model().objects.get(username="hr.tinh")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    out = {"units": Unit.objects.count(), "staff": Staff.objects.count(), "pages": {}}
    for label, path in PAGES:
        client.get(path)  # warm: templates, URL resolver
        with CountQueries(connection) as captured:
            response = client.get(path)
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            client.get(path)
            samples.append(time.perf_counter() - t0)
        out["pages"][label] = {
            "status": response.status_code,
            "queries": len(captured),
            "median": statistics.median(samples),
            "samples": samples,
        }
    print(json.dumps(out))


def measure(db_url: str, repeat: int) -> dict:
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "bench_scale.py"), "--child", str(repeat)],
        env=bench_env(DATABASE_URL=db_url, ALLOWED_HOSTS="127.0.0.1,testserver"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(ctx: Context) -> list[Row]:
    if ctx.vendor != "sqlite":
        return [
            Row("10× province", "skipped on PostgreSQL (the 10× file is a copy of the SQLite province)", group="Scale")
        ]
    source = Path(ctx.db_url.removeprefix("sqlite:///"))
    note = "reused"
    if not X10_PATH.exists() or X10_PATH.stat().st_mtime < source.stat().st_mtime:
        t0 = time.perf_counter()
        sizes = build_x10(source, X10_PATH)
        note = f"built in {time.perf_counter() - t0:.0f} s: {sizes}"
    repeat = ctx.repeat(9, 3)
    one = measure(ctx.db_url, repeat)
    ten = measure(f"sqlite:///{X10_PATH}", repeat)
    rows = [
        Row(
            "10× database",
            f"{ten['units']:,} units, {ten['staff']:,} staff ({note})",
            f"province: {one['units']:,} units, {one['staff']:,} staff",
            group="Scale",
        )
    ]
    for label, _path in PAGES:
        a, b = one["pages"][label], ten["pages"][label]
        ratio = b["median"] / a["median"] if a["median"] else float("inf")
        same = a["queries"] == b["queries"]
        rows.append(
            Row(
                f"{label} at 10×",
                f"{b['median'] * 1000:.0f} ms ({ratio:.1f}× the province); {b['queries']} queries"
                + ("" if same else " (NOT the same number of queries)")
                + ("" if a["status"] == b["status"] == 200 else f" (HTTP {a['status']} / {b['status']})"),
                f"province {a['median'] * 1000:.0f} ms; {a['queries']} queries",
                "",
                None,
                group="Scale",
            )
        )
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        from bench.common import DEFAULT_DB_URL

        url = bench_env()["DATABASE_URL"] or DEFAULT_DB_URL
        emit(run(Context(db_url=url, vendor=vendor_of(url), quick="--quick" in sys.argv)))
