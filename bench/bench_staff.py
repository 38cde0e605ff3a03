"""Staff at province scale, in process: roster import of 25,000 rows (workbook built with openpyxl,
timed through `staff.importers.roster_import`, rolled back after each run) next to openpyxl alone
reading the same workbook (the floor); the same file again as an update of every row; the staff
directory selector (first page and count) next to one hand-written SQL query.

For information (the roster import's old goal, < 60 s for 25,000 rows, is not among the current goals).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Row, emit, fmt_med_p95, setup_django, timed  # noqa: E402

IMPORT_ROWS = 25_000
HEADERS = [
    "Mã số",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Đơn vị",
    "Phân loại",
    "Vị trí việc làm",
    "Mã ngạch",
    "Ngạch",
    "Chức vụ",
    "Email",
    "Điện thoại",
    "Ngày vào",
    "Trạng thái",
]


def roster_workbook(*, rows: int, new_codes: bool) -> bytes:
    """A roster like an HR office sends: a title row, then the header, then one row per person.
    `new_codes`: every person is new (create path); otherwise the existing people, each with a changed
    job position (update path)."""
    from openpyxl import Workbook

    from staff.models import Staff

    labels = {
        "male": "Nam",
        "female": "Nữ",
        "other": "Khác",
        "can_bo": "Cán bộ",
        "cong_chuc": "Công chức",
        "vien_chuc": "Viên chức",
        "contract": "Hợp đồng",
        "active": "Đang công tác",
        "left": "Nghỉ việc",
        "transferred": "Đã chuyển",
    }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC"])
    ws.append(HEADERS)
    source = Staff.objects.select_related("unit").order_by("pk")
    written = 0
    while written < rows:
        for s in source.iterator(chunk_size=2000):
            code = f"NK{written + 1:06d}" if new_codes else s.staff_code
            ws.append(
                [
                    code,
                    s.full_name,
                    labels.get(s.gender, ""),
                    s.date_of_birth.strftime("%d/%m/%Y") if s.date_of_birth else "",
                    s.unit.code,
                    labels[s.category],
                    s.job_position if new_codes else f"{s.job_position} (2)",
                    s.rank_code,
                    s.rank_name,
                    s.position_title,
                    s.email,
                    s.phone,
                    s.start_date,
                    labels[s.status],
                ]
            )
            written += 1
            if written >= rows:
                break
        if not new_codes:
            break
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), written


def run(ctx: Context) -> list[Row]:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from openpyxl import load_workbook

    from staff import selectors
    from staff.importers import roster_import

    actor = get_user_model().objects.get(username="hr.tinh")
    rows: list[Row] = []
    repeat = ctx.repeat(3, 1)

    # --- roster import, all new people
    data, n = roster_workbook(rows=IMPORT_ROWS, new_codes=True)

    def read_only():
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()

    def do_import(payload):
        def _go():
            with transaction.atomic():
                plan = roster_import(data=payload, actor=actor)
                transaction.set_rollback(True)
            return plan

        return _go

    floor = timed(read_only, repeat=repeat, warmup=0)
    create = timed(do_import(data), repeat=repeat, warmup=0)
    rows.append(
        Row(
            f"roster import, {n:,} new people",
            fmt_med_p95(create),
            f"openpyxl read only {fmt_med_p95(floor)}",
            "",
            None,
            group="Staff",
        )
    )

    # --- the same people again, every row changed (update path)
    data_u, n_u = roster_workbook(rows=IMPORT_ROWS, new_codes=False)
    update = timed(do_import(data_u), repeat=max(1, repeat - 1), warmup=0)
    rows.append(
        Row(
            f"roster import, {n_u:,} people updated",
            fmt_med_p95(update),
            "",
            "",
            None,
            group="Staff",
        )
    )

    # --- directory selector: first page + count, next to hand-written SQL doing the same
    def selector_page():
        qs = selectors.staff_list(user=actor, filters={}, request=None)
        qs.count()
        list(qs[:50])

    from staff.access import grants, subtree_bounds

    low, high = subtree_bounds(grants(actor)[0].unit_path)

    def raw_sql():
        """The same scope (the officer's subtree), count and first page, written by hand."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM staff_staff s JOIN staff_unit u ON u.id = s.unit_id "
                "WHERE u.path >= %s AND u.path < %s",
                [low, high],
            )
            cursor.fetchone()
            cursor.execute(
                "SELECT s.*, u.* FROM staff_staff s JOIN staff_unit u ON u.id = s.unit_id "
                "WHERE u.path >= %s AND u.path < %s ORDER BY s.search_name, s.staff_code LIMIT 50",
                [low, high],
            )
            cursor.fetchall()

    sel = timed(selector_page, repeat=ctx.repeat(30, 10), warmup=2)
    floor_sql = timed(raw_sql, repeat=ctx.repeat(30, 10), warmup=2)
    rows.append(
        Row(
            "staff directory selector (count + 50 rows, province HR)",
            fmt_med_p95(sel),
            f"hand-written SQL {fmt_med_p95(floor_sql)}",
            "",
            None,
            group="Staff",
        )
    )
    return rows


if __name__ == "__main__":
    from bench.common import DEFAULT_DB_URL, bench_env, vendor_of

    url = bench_env()["DATABASE_URL"] or DEFAULT_DB_URL
    emit(run(Context(db_url=url, vendor=vendor_of(url), quick="--quick" in sys.argv)))
