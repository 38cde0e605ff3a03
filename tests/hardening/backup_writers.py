"""A backup taken while eight writers work: no write fails or waits for the backup, the copy is one
consistent snapshot holding every write acknowledged before it started, and a restore gives back
exactly what was copied (every row, every byte of text).

Runs inside a pytest test on PostgreSQL (threads share the test database), and as its own process on
a SQLite file with the production settings (WAL, BEGIN IMMEDIATE, busy timeout):

    DATABASE_URL=sqlite:////tmp/x.sqlite3 MEDIA_ROOT=/tmp/m python -m tests.hardening.backup_writers SECONDS
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

if __name__ == "__main__":
    django.setup()

WRITERS = 8
TRICKY = "Dòng 1\r\nDòng 2\rhết\n" + "Nguye\u0302\u0303n" + " 🎉👩‍💼 \u200b"  # CRLF, NFD, emoji, ZWSP


def snapshot() -> dict:
    """Every row of every backed-up table (primary keys included), values as Python gives them."""
    from core.management.commands.backup_data import backed_up_models

    data = {}
    for model in backed_up_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        data[model._meta.label_lower] = sorted(
            (tuple(repr(v) for v in row) for row in model._default_manager.values_list(*fields)), key=repr
        )
    return data


def run(seconds: float, workdir: Path) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from staff import services
    from staff.access import system_actor
    from staff.models import Staff, StaffCategory, Unit, UnitKind

    system = system_actor()
    unit = services.unit_create(actor=system, code="BK", name="Sở Sao lưu", kind=UnitKind.DEPARTMENT)
    tricky = services.staff_create(
        actor=system, staff_code="TRICKY", full_name="Người Khó", unit=unit, category=StaffCategory.CONG_CHUC
    )
    Staff.objects.filter(pk=tricky.pk).update(position_title=TRICKY, job_position="ế\u0301 NFD")  # as stored
    written: dict[int, list[str]] = {i: [] for i in range(WRITERS)}
    errors: list[str] = []
    slowest = [0.0]
    stop = threading.Event()
    barrier = threading.Barrier(WRITERS + 1)

    def writer(index: int):
        n = 0
        try:
            barrier.wait()
            while not stop.is_set():
                n += 1
                code = f"W{index}-{n}"
                started = time.monotonic()
                try:
                    services.staff_create(
                        actor=system,
                        staff_code=code,
                        full_name=f"Người {index} {n}",
                        unit=unit,
                        category=StaffCategory.CONG_CHUC,
                    )
                except Exception as exc:
                    errors.append(f"{code}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
                    continue
                slowest[0] = max(slowest[0], time.monotonic() - started)
                written[index].append(code)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    barrier.wait()
    time.sleep(seconds / 2)
    before = {i: len(codes) for i, codes in written.items()}  # acknowledged before the backup started
    archive = workdir / "during.tar.gz"
    started = time.monotonic()
    call_command("backup_data", str(archive), verbosity=0)
    backup_seconds = time.monotonic() - started
    time.sleep(seconds / 2)
    stop.set()
    for t in threads:
        t.join()
    acknowledged = {i: list(codes) for i, codes in written.items()}
    live_codes = set(Staff.objects.filter(staff_code__startswith="W").values_list("staff_code", flat=True))
    lost_live = sorted({c for codes in acknowledged.values() for c in codes} - live_codes)

    # restore the copy taken during the writes: each writer's rows are a prefix of what it wrote,
    # holding at least everything acknowledged before the backup began
    call_command("restore_data", str(archive), force=True, verbosity=0)
    restored_codes = set(Staff.objects.filter(staff_code__startswith="W").values_list("staff_code", flat=True))
    not_prefix, missing_before = [], []
    for i, codes in acknowledged.items():
        kept = [c for c in codes if c in restored_codes]
        if kept != codes[: len(kept)]:
            not_prefix.append(i)
        if len(kept) < before[i]:
            missing_before.append(i)
    after_restore_total = len(restored_codes)

    # exactness: back up the state now, change it, restore: every row and byte comes back
    exact = snapshot()
    second = workdir / "after.tar.gz"
    call_command("backup_data", str(second), verbosity=0)
    services.unit_create(actor=system, code="NEWER", name="Mới hơn bản sao", kind=UnitKind.OTHER)
    Staff.objects.filter(pk=tricky.pk).update(position_title="đã sửa")
    call_command("restore_data", str(second), force=True, verbosity=0)
    again = snapshot()
    diff = {k: (len(v), len(again.get(k, []))) for k, v in exact.items() if again.get(k) != v}
    row = Staff.objects.get(staff_code="TRICKY")
    return {
        "errors": errors,
        "acknowledged": sum(len(c) for c in acknowledged.values()),
        "before_backup": sum(before.values()),
        "restored_from_during": after_restore_total,
        "lost_live": lost_live,
        "not_prefix": not_prefix,
        "missing_before": missing_before,
        "diff": diff,
        "tricky_ok": row.position_title == TRICKY and row.job_position == "ế\u0301 NFD",
        "newer_unit_gone": not Unit.objects.filter(code="NEWER").exists(),
        "backup_seconds": round(backup_seconds, 3),
        "slowest_write_seconds": round(slowest[0], 3),
        "vendor": connection.vendor,
    }


if __name__ == "__main__":
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    work = Path(os.environ["DATA_DIR"])
    print("REPORT " + json.dumps(run(float(sys.argv[1]) if len(sys.argv) > 1 else 4.0, work), ensure_ascii=False))
