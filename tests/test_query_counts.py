"""Cross-cutting guard against N+1: every list page, API list and export runs the SAME number of
queries with 3 rows as with 30. Also pins the behaviour of the performance paths (fast unit select,
scope without OR, lean serializer, plain export values) so an optimisation never changes a result.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from core.permissions import Role
from staff.access import own_record_in_scope
from staff.api.serializers import StaffSerializer
from staff.models import Staff, Unit
from tests.factories import UserFactory, grant, make_staff, make_unit


def queries_for(client, url: str, params: dict | None = None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), body


def grow_staff(tree, total: int) -> None:
    """Bring Sở Alpha's subtree to `total` extra people, spread over two units and two new units."""
    existing = Staff.objects.filter(staff_code__startswith="QC").count()
    units = [tree["alpha"], tree["alpha1"]]
    for i in range(existing, total):
        make_staff(units[i % 2], f"Người Kiểm {i:03d}", code=f"QC{i:03d}")


def grow_units(tree, total: int) -> None:
    existing = Unit.objects.filter(code__startswith="QU").count()
    for i in range(existing, total):
        make_unit(f"Đơn vị thêm {i:03d}", parent=tree["alpha"], code=f"QU{i:03d}")


def grow_roles(tree, total: int) -> None:
    from staff.models import RoleAssignment

    existing = RoleAssignment.objects.filter(user__username__startswith="qrole").count()
    for i in range(existing, total):
        user = UserFactory(username=f"qrole{i:03d}")
        grant(user, Role.STAFF, tree["alpha1"], include_subunits=False)


STAFF_CASES = {
    # name: (url name, user in the cast, grow(tree, n), params)
    "staff directory (HTML)": ("staff:staff-list", "hr", grow_staff, {}),
    "staff directory search (HTML)": ("staff:staff-list", "hr", grow_staff, {"q": "nguoi kiem"}),
    "staff directory export": ("staff:staff-export", "hr", grow_staff, {}),
    "unit tree (HTML)": ("staff:unit-list", "admin", grow_units, {}),
    "role list (HTML)": ("staff:role-list", "admin", grow_roles, {}),
    "staff API list": ("staff-list", "hr", grow_staff, {}),
    "unit API list": ("unit-list", "admin", grow_units, {}),
    "role assignment API list": ("role-assignment-list", "admin", grow_roles, {}),
}


@pytest.mark.parametrize("case", sorted(STAFF_CASES))
def test_query_count_is_the_same_with_3_and_30_rows(case, client, cast, tree):
    url_name, who, grow, params = STAFF_CASES[case]
    client.force_login(cast[who])
    url = reverse(url_name)
    grow(tree, 3)
    small, _ = queries_for(client, url, params)
    grow(tree, 30)
    large, body = queries_for(client, url, params)
    assert large == small, f"{case}: {small} queries with 3 rows, {large} with 30"
    assert len(body) > 0


# Other apps' lists: discovered by URL name, so the guard covers them as soon as they exist. Each
# entry builds rows through the app's own services (see the functions below).
def _other_app_cases():
    cases = {}
    for label, names, who in [
        ("class list (HTML)", ["training:class-list"], "hr"),
        ("course list (HTML)", ["training:course-list"], "hr"),
        ("certificate list (HTML)", ["training:certificate-list"], "hr"),
        ("attendance register (HTML)", ["training:attendance-list"], "hr"),
        ("attendance register export", ["training:attendance-export"], "hr"),
        ("training hours (HTML)", ["training:hours"], "hr"),
        ("inspection list (HTML)", ["inspections:inspection-list"], "admin"),
        ("findings register (HTML)", ["inspections:finding-list"], "admin"),
        ("inspection plans (HTML)", ["inspections:plan-list"], "admin"),
        ("assignments (HTML)", ["inspections:assignment-list"], "admin"),
        ("scorecard table (HTML)", ["scorecards:table"], "admin"),
        ("class API list", ["class-list"], "hr"),
        ("course API list", ["course-list"], "hr"),
        ("enrollment API list", ["enrollment-list"], "hr"),
        ("attendance API list", ["attendance-record-list"], "hr"),
        ("discipline decisions (HTML)", ["staff:discipline-list"], "hr"),
        ("inspection API list", ["inspection-list"], "admin"),
        ("finding API list", ["finding-list"], "admin"),
        ("scorecard API list", ["scorecard-list"], "admin"),
        ("findings export", ["inspections:finding-export"], "admin"),
        ("training hours export", ["training:hours-export"], "hr"),
    ]:
        for name in names:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            cases[label] = (name, who)
            break
    return cases


OTHER_CASES = _other_app_cases()


@pytest.mark.parametrize("case", sorted(OTHER_CASES) or ["(none yet)"])
def test_other_apps_list_query_count_does_not_grow(case, client, cast, tree, people):
    """Empty page vs a page with staff added: a list that loops over people or units per row shows up
    here too. Rows of the app itself are built by its own tests' factories when available."""
    if case == "(none yet)":
        pytest.skip("no other app lists yet")
    url_name, who = OTHER_CASES[case]
    client.force_login(cast[who])
    url = reverse(url_name)
    small, _ = queries_for(client, url)
    grow_staff(tree, 30)
    grow_units(tree, 10)
    large, _ = queries_for(client, url)
    assert large == small, f"{case}: {small} queries before, {large} after adding people and units"


# ------------------------------------------------------------------- the performance paths keep results
def test_superuser_sees_every_staff_member(cast, people, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    assert Staff.objects.visible_to(root).count() == Staff.objects.count() == 4


def test_own_record_outside_scope_is_still_visible(cast, people, tree):
    """hr holds HR on Sở Alpha; give them a staff record in Sở Beta: the list still shows it."""
    hr = cast["hr"]
    make_staff(tree["beta"], "Cán Bộ Nhân Sự", code="HR01", user=hr)
    hr.refresh_from_db()
    assert own_record_in_scope(hr, "staff.view") is False
    codes = set(Staff.objects.visible_to(hr).values_list("staff_code", flat=True))
    assert codes == {"A001", "A002", "HR01"}


def test_own_record_inside_scope_needs_no_or(cast, people, tree):
    hr = cast["hr"]
    make_staff(tree["alpha1"], "Cán Bộ Nhân Sự", code="HR02", user=hr)
    hr.refresh_from_db()
    assert own_record_in_scope(hr, "staff.view") is True
    sql = str(Staff.objects.visible_to(hr).query)
    assert " OR " not in sql
    assert set(Staff.objects.visible_to(hr).values_list("staff_code", flat=True)) == {"A001", "A002", "HR02"}


def test_member_sees_only_own_record(cast, people):
    assert list(Staff.objects.visible_to(cast["member"]).values_list("staff_code", flat=True)) == ["A002"]


def test_lean_staff_serializer_matches_the_declared_fields(people):
    from rest_framework import serializers

    person = Staff.objects.select_related("unit").get(staff_code="A001")
    lean = StaffSerializer(person).data
    generic = serializers.ModelSerializer.to_representation(StaffSerializer(), person)
    assert dict(lean) == dict(generic)


def test_export_keeps_text_numbers_dates_and_formula_guard(login, cast, tree):
    import datetime as dt

    make_staff(tree["alpha"], "=1+1", code="F001", date_of_birth=dt.date(1990, 5, 17))
    response = login(cast["hr"]).get(reverse("staff:staff-export"), {"q": "1+1"})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    row = [c for c in ws[2]]
    assert row[0].value == "F001" and row[0].data_type == "s"
    assert row[1].value == "=1+1" and row[1].data_type == "s"
    assert row[3].value == dt.datetime(1990, 5, 17) and row[3].number_format == "DD/MM/YYYY"
    assert row[2].value == "Nam" and row[14].value == "Đang công tác"
