"""Peak memory of one Excel import of the biggest file the upload checks allow (issue 22: a 195 KB
workbook used to inflate to a 190 MB shared-strings part and pushed workers past 900 MB).

Three files, each imported in a fresh process (`roster_import(dry_run=True)` or `nominations_parse`:
upload check, openpyxl, validation of every row against the database, nothing written), on a
throw-away SQLite database:
- `roster`: IMPORT_MAX_ROWS rows of a realistic roster (14 columns, unique names, codes, e-mails);
- `nominations`: NOMINATION_IMPORT_MAX_ROWS staff codes for one class, every one on the staff list (run
  with `NOMINATION_IMPORT_MAX_ROWS=50000` to see the whole IMPORT_MAX_ROWS: 240 MB);
- `strings`: a shared-strings part as large as accepted (core.xlsx.uncompressed_limit and
  shared_strings_element_limit), made of the smallest distinct strings (the worst case for openpyxl,
  which keeps every string, and every cleared element, until the table is read).
The figure is the process's peak resident size (ru_maxrss), and its growth over the process ready to
import (Django set up, database migrated). Run: `.venv/bin/python bench/bench_upload_memory.py [rows]`
(`BENCH_ONLY=roster`, `nominations` or `shared` measures one file).
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["Mã số", "Họ và tên", "Giới tính", "Ngày sinh", "Đơn vị", "Phân loại", "Vị trí việc làm", "Mã ngạch",
           "Ngạch", "Chức vụ", "Email", "Điện thoại", "Ngày vào", "Trạng thái"]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn An", "Thị Bình", "Đức Cường", "Thị Dung", "Minh Đức", "Thu Hằng", "Quốc Huy", "Ngọc Lan"]


def peak_mb() -> float:
    """This process's peak resident size (VmHWM; ru_maxrss would include the parent's size at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak starts again from the current size


def roster_file(rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC"])
    ws.append(HEADERS)
    for i in range(rows):
        name = f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i // 12) % len(GIVEN)]} {i:06d}"
        ws.append([f"NK{i:06d}", name, "Nam" if i % 2 else "Nữ", f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 30}",
                   "BENCH", "Công chức", "Chuyên viên", "01.003", "Chuyên viên", "", f"nk{i:06d}@bench.gov.vn",
                   f"09{i:08d}", "01/01/2015", "Đang công tác"])  # fmt: skip
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def strings_file(limit: int, elements: int) -> bytes:
    """A small roster whose shared-strings table holds the most distinct short strings accepted: up to
    `limit` bytes and `elements` elements (two a string)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["NK1", "Tên", "Nam", "", "BENCH", "Công chức"])
    base = io.BytesIO()
    wb.save(base)
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    parts, size, n = [head], len(head) + 6, 0
    while True:
        item = b"<si><t>%x</t></si>" % n
        if size + len(item) > limit or 2 * (n + 1) + 1 > elements:  # + 1: the closing </sst>
            break
        parts.append(item)
        size += len(item)
        n += 1
    parts.append(b"</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item.filename, src.read(item.filename))
        dst.writestr("xl/sharedStrings.xml", b"".join(parts))
    return link_shared_strings(out.getvalue())


def link_shared_strings(data: bytes) -> bytes:
    """Declare the shared-strings part (content type and workbook relationship) if openpyxl did not."""
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "[Content_Types].xml" and b"sharedStrings" not in content:
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
                content = content.replace(b"</Types>", override.encode())
            if item.filename == "xl/_rels/workbook.xml.rels" and b"sharedStrings" not in content:
                link = f'<Relationship Id="rIdSst" Type="{rel}" Target="sharedStrings.xml"/></Relationships>'
                content = content.replace(b"</Relationships>", link.encode())
            dst.writestr(item.filename, content)
    return out.getvalue()


def nominations_file(rows: int) -> bytes:
    """A nomination list of `rows` people (staff code and name), all on the staff list."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách cử đi học")
    ws.append(["Mã số", "Họ và tên"])
    for i in range(rows):
        ws.append([f"NK{i:06d}", f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i // 12) % len(GIVEN)]} {i:06d}"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def prepare() -> None:
    """In its own process (migrations take more memory than the import): the throw-away database."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from staff.access import system_actor
    from staff.models import Unit, UnitKind

    unit = Unit.objects.create(name="Đơn vị đo", code="BENCH", kind=UnitKind.DEPARTMENT, search_name="don vi do")
    system = system_actor()
    # For the nominations import: everyone of the list on the staff list, and a class open for registration.
    import datetime as dt

    from django.conf import settings

    from staff.models import Staff, StaffCategory
    from training import services as training

    Staff.objects.bulk_create(
        [
            Staff(
                staff_code=f"NK{i:06d}",
                full_name=f"Người {i:06d}",
                search_name=f"nguoi {i:06d}",
                unit=unit,
                category=StaffCategory.CONG_CHUC,
            )  # fmt: skip
            for i in range(settings.IMPORT_MAX_ROWS)
        ],
        batch_size=2000,
    )
    course = training.course_create(
        actor=system, code="BENCH", title="Khóa đo", category="service_culture", planned_minutes=240, owner_unit=unit
    )
    start = dt.date.today() + dt.timedelta(days=60)
    training.class_create(
        actor=system, course=course, code="BENCH-1", unit=unit, capacity=settings.IMPORT_MAX_ROWS, start_date=start,
        end_date=start + dt.timedelta(days=5),
    )  # fmt: skip


def measure(path: str, kind: str) -> dict:
    """In a fresh process on the prepared database: import the file once (dry run, nothing written)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from core.xlsx import ImportRejected
    from staff.access import system_actor
    from staff.importers import roster_import
    from training.importers import nominations_parse
    from training.models import TrainingClass

    actor = system_actor()
    data = Path(path).read_bytes()
    klass = TrainingClass.objects.get(code="BENCH-1") if kind == "nominations" else None
    reset_peak()
    ready = peak_mb()
    started = time.perf_counter()
    cpu_before = sum(getattr(resource.getrusage(resource.RUSAGE_SELF), f) for f in ("ru_utime", "ru_stime"))
    try:
        if kind == "nominations":
            plan = nominations_parse(data=data, training_class=klass, actor=actor)
        else:
            plan = roster_import(data=data, actor=actor, dry_run=True)
        outcome = f"{plan.total} rows checked"
    except ImportRejected as exc:
        outcome = f"refused: {str(exc)[:120]}"
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    return {"ready_mb": round(ready, 1), "peak_mb": round(peak_mb(), 1), "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(cpu.ru_utime + cpu.ru_stime - cpu_before, 1),
            "outcome": outcome}  # fmt: skip


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--prepare":
        prepare()
        return
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATA_DIR": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
               "DJANGO_SETTINGS_MODULE": "config.settings", "AXES_ENABLED": "false"}  # fmt: skip
        if rows:
            env["IMPORT_MAX_ROWS"] = str(rows)
        sys.path.insert(0, str(ROOT))
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings

        from core.xlsx import shared_strings_element_limit, uncompressed_limit

        rows = settings.IMPORT_MAX_ROWS
        files = {
            f"roster, {rows:,} rows": roster_file(rows),
            f"nominations, {settings.NOMINATION_IMPORT_MAX_ROWS:,} rows": nominations_file(
                settings.NOMINATION_IMPORT_MAX_ROWS
            ),
            "shared strings at the limit": strings_file(
                uncompressed_limit("xl/sharedStrings.xml"), shared_strings_element_limit()
            ),
        }
        print(
            f"IMPORT_MAX_ROWS={rows:,}; shared strings limit {uncompressed_limit('xl/sharedStrings.xml') / 1048576:.1f} MB, "
            f"{shared_strings_element_limit():,} elements"
        )
        subprocess.run([sys.executable, __file__, "--prepare"], env=env, check=True, cwd=ROOT)
        only = os.environ.get("BENCH_ONLY")  # e.g. "nominations": measure that file only
        for label, data in files.items():
            if only and not label.startswith(only):
                continue
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(data)
            parts = {i.filename: i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
            kind = "nominations" if label.startswith("nominations") else "roster"
            out = subprocess.run([sys.executable, __file__, "--measure", str(path), kind], env=env,
                                 capture_output=True, text=True, cwd=ROOT)  # fmt: skip
            if out.returncode:
                print(label, "failed:", out.stderr[-2000:])
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{label}: file {len(data) / 1024:,.0f} KB, largest part {max(parts.values()) / 1048576:.1f} MB; "
                f"peak {result['peak_mb']} MB (ready {result['ready_mb']} MB, +{result['peak_mb'] - result['ready_mb']:.1f} MB) "
                f"in {result['seconds']} s ({result['cpu_seconds']} s CPU); {result['outcome']}"
            )


if __name__ == "__main__":
    main()
