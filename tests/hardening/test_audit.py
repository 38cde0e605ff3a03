"""Audit trail: who, when, from where and what changed, for single and bulk writes; the history
section on a record's page; the administrator's log with filters and its Excel export."""

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.selectors import record_history
from staff import services
from staff.importers import roster_import
from staff.models import Staff, StaffUnitHistory
from tests.staff.test_importers import GOOD_ROWS, VI_HEADER, workbook

EDIT = {
    "full_name": "Nguyễn Văn Ân",
    "gender": "male",
    "category": "cong_chuc",
    "status": "active",
    "position_title": "Phó phòng",
}


def test_an_edit_through_the_screen_records_who_when_where_and_the_difference(login, cast, people, tree):
    client = login(cast["hr"])
    before = timezone.now()
    response = client.post(
        reverse("staff:staff-edit", args=[people["an"].pk]),
        {**EDIT, "unit": tree["alpha"].pk},
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302
    row = Staff.history.filter(id=people["an"].pk).latest("history_id")
    assert (row.history_type, row.history_user, row.ip_address) == ("~", cast["hr"], "10.20.30.40")
    assert row.history_date >= before
    entry = record_history(obj=people["an"])[0]
    changes = {c.field: (c.before, c.after) for c in entry.changes}
    assert changes == {"full_name": ("Nguyễn Văn An", "Nguyễn Văn Ân"), "position_title": ("—", "Phó phòng")}
    assert (entry.kind, entry.user, entry.ip_address) == ("changed", "hr", "10.20.30.40")
    created = record_history(obj=people["an"])[-1]
    assert created.kind == "created" and created.user == "hệ thống"


def test_role_grants_and_revocations_are_in_the_trail(cast, tree):
    assignment = services.role_assign(actor=cast["admin"], user=cast["nobody"], role="hr", unit=tree["beta"])
    pk = assignment.pk
    services.role_revoke(actor=cast["admin"], assignment=assignment)
    kinds = list(Staff.history.model.objects.none())  # noqa: F841  (Staff history unaffected)
    history = assignment.__class__.history.filter(id=pk).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history[0].role == "hr" and history[0].unit_id == tree["beta"].pk


def test_a_bulk_roster_import_writes_history_rows_with_the_importer_and_address(login, cast, people, tree):
    before = Staff.history.count()
    client = login(cast["admin"])
    data = workbook(VI_HEADER, GOOD_ROWS)
    from staff.views import StaffImportView  # noqa: F401  (the screen imports through roster_apply)

    plan = roster_import(data=data, actor=cast["admin"])
    assert (plan.created, plan.updated) == (2, 1)
    rows = Staff.history.filter(history_id__gt=0).order_by("-history_id")[:3]
    assert Staff.history.count() == before + 3
    assert {(r.staff_code, r.history_type, r.history_user_id) for r in rows} == {
        ("N001", "+", cast["admin"].pk),
        ("N002", "+", cast["admin"].pk),
        ("A001", "~", cast["admin"].pk),
    }
    # the unit move is recorded on the unit history too (bulk update of the closing row + bulk create)
    an = people["an"]
    assert StaffUnitHistory.history.filter(staff_id=an.pk).count() >= 2
    assert client.get(reverse("staff:staff-detail", args=[an.pk])).status_code == 200


def test_the_import_screen_records_the_request_address(login, cast, people, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast["admin"])
    upload = io.BytesIO(workbook(VI_HEADER, GOOD_ROWS))
    upload.name = "roster.xlsx"
    preview = client.post(reverse("staff:staff-import"), {"file": upload}, REMOTE_ADDR="192.0.2.7")
    assert preview.status_code == 200
    done = client.post(reverse("staff:staff-import"), {"token": preview.context["token"]}, REMOTE_ADDR="192.0.2.7")
    assert done.status_code == 302
    row = Staff.history.filter(staff_code="N001").get()
    assert (row.history_type, row.history_user, row.ip_address) == ("+", cast["admin"], "192.0.2.7")


def test_the_record_page_shows_its_history_to_those_who_see_it(login, cast, people, tree):
    services.staff_update(actor=cast["hr"], staff=people["binh"], position_title="Chuyên viên chính")
    page = login(cast["hr"]).get(reverse("staff:staff-detail", args=[people["binh"].pk]))
    html = page.content.decode()
    assert "Lịch sử thay đổi" in html
    assert "—" in html and "→ Chuyên viên chính" in html
    # the person herself sees her record and its history; someone outside the scope sees nothing
    assert (
        "Chuyên viên chính"
        in login(cast["member"]).get(reverse("staff:staff-detail", args=[people["binh"].pk])).content.decode()
    )
    assert login(cast["outsider_hr"]).get(reverse("staff:staff-detail", args=[people["binh"].pk])).status_code == 404


def test_the_audit_log_is_for_administrators_only(login, cast, people):
    for name in ("hr", "inspector", "unit_head", "member", "nobody"):
        assert login(cast[name]).get(reverse("audit:log")).status_code == 404, name
        assert login(cast[name]).get(reverse("audit:log-export")).status_code == 404, name
    assert login(cast["admin"]).get(reverse("audit:log")).status_code == 200


def test_the_audit_log_filters_by_model_user_and_date_and_exports(login, cast, people, tree):
    edit = {**EDIT, "full_name": '=HYPERLINK("http://x","y")', "position_title": "", "unit": tree["alpha"].pk}
    assert login(cast["hr"]).post(reverse("staff:staff-edit", args=[people["an"].pk]), edit).status_code == 302
    client = login(cast["admin"])
    assert (
        client.post(
            reverse("staff:role-list"),
            {"username": "nobody", "role": "staff", "unit": tree["alpha"].pk, "include_subunits": "on"},
        ).status_code
        == 302
    )
    everything = client.get(reverse("audit:log")).context
    assert everything["page_obj"].paginator.count == (
        Staff.history.count()
        + StaffUnitHistory.history.count()
        + people["an"].unit.__class__.history.count()
        + cast["admin"].role_assignments.model.history.count()
    )
    by_user = client.get(reverse("audit:log"), {"user": "hr"}).context["entries"]
    assert [(e.model_label, e.object_id, e.user) for e in by_user] == [("cán bộ", people["an"].pk, "hr")]
    assert {c.field for c in by_user[0].changes} == {"full_name"}
    by_model = client.get(reverse("audit:log"), {"model": "staff.roleassignment", "user": "admin"}).context["entries"]
    assert [(e.kind, e.user) for e in by_model] == [("created", "admin")]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert client.get(reverse("audit:log"), {"date_from": tomorrow}).context["page_obj"].paginator.count == 0
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert (
        client.get(reverse("audit:log"), {"date_from": today, "date_to": today, "user": "hr"})
        .context["page_obj"]
        .paginator.count
        == 1
    )

    response = client.get(reverse("audit:log-export"), {"user": "hr"})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Thời điểm", "Người dùng", "Địa chỉ IP")
    assert rows[1][1] == "hr" and rows[1][7] == "họ và tên"
    assert rows[1][8:] == ("Nguyễn Văn An", '=HYPERLINK("http://x","y")')
    assert ws.cell(2, 10).data_type == "s"  # a formula-like value stays text


def test_audit_log_query_count_does_not_grow_with_page_size(login, cast, people, tree, django_assert_num_queries):
    for i in range(30):
        services.staff_update(actor=cast["hr"], staff=people["an"], phone=f"0900{i:04d}")
    client = login(cast["admin"])
    client.get(reverse("audit:log"))
    counts = []
    for size in (5, 25):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("audit:log"), {"page_size": size, "model": "staff.staff"})
        assert len(response.context["entries"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_change_of_a_related_record_reads_by_name_not_number(cast, people, tree):
    """A move to another unit reads "Sở Alpha → Phòng …", and the person who made it by login."""
    person = people["an"]
    old_unit = person.unit
    services.staff_update(actor=cast["hr"], staff=person, unit=tree["alpha1"])
    entry = record_history(obj=person)[0]
    changes = {c.field: (c.before, c.after) for c in entry.changes}
    assert changes["unit_id"] == (str(old_unit), str(tree["alpha1"]))
    assert not any(value.startswith("#") for value in changes["unit_id"])
