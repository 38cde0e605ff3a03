import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_staff


def test_search_ignores_diacritics(login, cast, people):
    client = login(cast["hr"])
    response = client.get(reverse("staff:staff-list"), {"q": "nguyen van"})
    assert [s.full_name for s in response.context["object_list"]] == ["Nguyễn Văn An"]
    assert "Nguyễn Văn An" in response.content.decode()


def test_directory_lists_only_people_in_scope(login, cast, people):
    response = login(cast["hr"]).get(reverse("staff:staff-list"))
    assert sorted(s.staff_code for s in response.context["object_list"]) == ["A001", "A002"]


def test_staff_member_sees_only_their_own_record(login, cast, people):
    response = login(cast["member"]).get(reverse("staff:staff-list"))
    assert [s.staff_code for s in response.context["object_list"]] == ["A002"]


def test_person_outside_scope_is_not_found(login, cast, people):
    response = login(cast["hr"]).get(reverse("staff:staff-detail", args=[people["cuong"].pk]))
    assert response.status_code == 404


def test_unit_tree_shows_units_in_path_order(login, cast, tree):
    response = login(cast["admin"]).get(reverse("staff:unit-list"))
    assert [u.code for u in response.context["object_list"]] == [
        "TINH",
        "ALPHA",
        "ALPHA-1",
        "BETA",
        "GAMMA",
        "GAMMA-VP",
    ]


def test_export_has_the_screen_filters_and_a_frozen_header(login, cast, people):
    response = login(cast["hr"]).get(reverse("staff:staff-export"), {"q": "binh"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã số", "Họ và tên")
    assert [r[1] for r in rows[1:]] == ["Trần Thị Bình"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:O2"


def test_export_writes_formula_like_names_as_text(login, cast, tree):
    make_staff(tree["alpha"], '=HYPERLINK("http://evil","x")', code="EVIL")
    response = login(cast["hr"]).get(reverse("staff:staff-export"), {"q": "hyperlink"})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = ws["B2"]
    assert cell.value == '=HYPERLINK("http://evil","x")'
    assert cell.data_type == "s"


def test_hr_edits_a_person_and_the_transfer_is_recorded(login, cast, people, tree):
    client = login(cast["hr"])
    response = client.post(
        reverse("staff:staff-edit", args=[people["an"].pk]),
        {
            "full_name": "Nguyễn Văn An",
            "unit": tree["alpha1"].pk,
            "category": "cong_chuc",
            "status": "active",
            "date_of_birth": "15/03/1985",
            "effective_date": "01/09/2026",
        },
    )
    assert response.status_code == 302
    people["an"].refresh_from_db()
    assert people["an"].unit == tree["alpha1"]
    assert people["an"].date_of_birth.isoformat() == "1985-03-15"
    assert people["an"].unit_history.filter(end_date__isnull=True).get().unit == tree["alpha1"]


def test_hr_cannot_move_a_person_to_a_unit_outside_scope(login, cast, people, tree):
    response = login(cast["hr"]).post(
        reverse("staff:staff-edit", args=[people["an"].pk]),
        {"full_name": "Nguyễn Văn An", "unit": tree["beta"].pk, "category": "cong_chuc", "status": "active"},
    )
    assert response.status_code == 400
    people["an"].refresh_from_db()
    assert people["an"].unit == tree["alpha"]


def test_wrong_date_gets_a_clear_message(login, cast, people, tree):
    response = login(cast["hr"]).post(
        reverse("staff:staff-edit", args=[people["an"].pk]),
        {
            "full_name": "Nguyễn Văn An",
            "unit": tree["alpha"].pk,
            "category": "cong_chuc",
            "status": "active",
            "date_of_birth": "31/02/1985",
        },
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.context["form"].errors


def test_interface_is_vietnamese_by_default_and_switches_to_english(client, cast):
    client.force_login(cast["hr"])
    assert "Danh sách CBCCVC" in client.get(reverse("staff:staff-list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Staff directory" in client.get(reverse("staff:staff-list")).content.decode()


def test_menu_shows_only_what_the_role_may_open(login, cast):
    page = login(cast["member"]).get(reverse("dashboard")).content.decode()
    assert reverse("staff:role-list") not in page
    page = login(cast["admin"]).get(reverse("dashboard")).content.decode()
    assert reverse("staff:role-list") in page


def test_admin_grants_a_role_and_the_user_sees_the_new_unit(login, cast, tree):
    client = login(cast["admin"])
    response = client.post(
        reverse("staff:role-list"),
        {"username": "outsider_hr", "role": "hr", "unit": tree["gamma"].pk, "include_subunits": "on"},
    )
    assert response.status_code == 302
    client.force_login(cast["outsider_hr"])
    units = client.get(reverse("staff:unit-list")).context["object_list"]
    assert sorted(u.code for u in units) == ["BETA", "GAMMA", "GAMMA-VP"]


@pytest.mark.parametrize("page_size", [5, 40])
def test_directory_query_count_does_not_grow_with_page_size(page_size, login, cast, tree, django_assert_num_queries):
    for i in range(45):
        make_staff(tree["alpha1"], f"Người Thứ {i}", code=f"Q{i:03d}")
    client = login(cast["hr"])
    client.get(reverse("staff:staff-list"))  # warm the session
    # session, user, grants, the top units, count, page (the unit picker reads no units)
    with django_assert_num_queries(5):
        response = client.get(reverse("staff:staff-list"), {"page_size": page_size})
    assert len(response.context["object_list"]) == page_size


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_vietnamese_is_the_default_even_for_an_english_browser(client, cast):
    client.force_login(cast["hr"])
    page = client.get(reverse("staff:staff-list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Danh sách CBCCVC" in page
    assert '<html lang="vi">' in page
