import datetime as dt

import pytest
from rest_framework.authtoken.models import Token

from staff.models import Unit
from tests.factories import make_staff


def test_api_lists_staff_in_scope_with_filters(api, cast, people):
    response = api(cast["hr"]).get("/api/v1/staff/", {"q": "tran thi"})
    assert response.status_code == 200
    assert [r["staff_code"] for r in response.json()["results"]] == ["A002"]


def test_api_detail_outside_scope_is_404(api, cast, people):
    assert api(cast["hr"]).get(f"/api/v1/staff/{people['cuong'].pk}/").status_code == 404


def test_api_filter_on_a_unit_outside_scope_is_refused(api, cast, tree, people):
    response = api(cast["hr"]).get("/api/v1/staff/", {"unit": tree["beta"].pk})
    assert response.status_code == 400
    assert "unit" in response.json()


def test_api_token_authentication(client, cast, people):
    token = Token.objects.create(user=cast["hr"])
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert sorted(u["code"] for u in response.json()["results"]) == ["ALPHA", "ALPHA-1"]


def test_api_create_staff_in_scope_records_history(api, cast, tree):
    response = api(cast["hr"]).post(
        "/api/v1/staff/",
        {"staff_code": "N100", "full_name": "Đỗ Thị Mới", "unit": tree["alpha1"].pk, "category": "vien_chuc"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    from staff.models import Staff

    person = Staff.objects.get(staff_code="N100")
    assert person.search_name == "do thi moi"
    assert person.unit_history.get().unit == tree["alpha1"]


def test_api_create_staff_outside_scope_is_refused(api, cast, tree):
    response = api(cast["hr"]).post(
        "/api/v1/staff/",
        {"staff_code": "N101", "full_name": "Ngoài", "unit": tree["beta"].pk, "category": "vien_chuc"},
        format="json",
    )
    assert response.status_code == 400
    assert "phạm vi" in str(response.json()) or "scope" in str(response.json())


def test_unit_head_cannot_write_staff(api, cast, tree):
    response = api(cast["unit_head"]).post(
        "/api/v1/staff/",
        {"staff_code": "N102", "full_name": "X", "unit": tree["alpha"].pk, "category": "vien_chuc"},
        format="json",
    )
    assert response.status_code == 403


def test_api_role_assignments_scoped_to_admin(api, cast):
    response = api(cast["admin"]).get("/api/v1/role-assignments/")
    assert {r["username"] for r in response.json()["results"]} >= {"hr", "outsider_hr", "inspector"}
    assert api(cast["hr"]).get("/api/v1/role-assignments/").status_code == 403


@pytest.mark.parametrize("page_size", [5, 40])
def test_api_staff_list_query_count_is_constant(page_size, api, cast, tree, django_assert_num_queries):
    for i in range(45):
        make_staff(tree["alpha1"], f"Người Thứ {i}", code=f"Q{i:03d}")
    client = api(cast["hr"])
    # grants, count, page
    with django_assert_num_queries(3):
        response = client.get("/api/v1/staff/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [2, 6])
def test_api_unit_list_query_count_is_constant(page_size, api, cast, tree, django_assert_num_queries):
    client = api(cast["admin"])
    # grants, count, page (parents joined)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/units/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_openapi_schema_and_docs_are_served_locally(client, cast):
    client.force_login(cast["hr"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/staff/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "//cdn" not in docs and "unpkg" not in docs and "jsdelivr" not in docs


def test_api_unit_list_shows_parent_codes(api, cast, tree):
    response = api(cast["admin"]).get("/api/v1/units/", {"within": tree["alpha"].pk})
    rows = {row["code"]: row for row in response.json()["results"]}
    assert rows["ALPHA-1"]["parent_code"] == "ALPHA" and rows["ALPHA-1"]["parent"] == tree["alpha"].pk
    assert rows["ALPHA"]["kind"] == "department" and rows["ALPHA"]["active"] is True


def test_api_lists_give_the_clients_json(api, cast, tree, people):
    """The exact JSON the clients read, field by field."""
    person = make_staff(
        tree["gamma_office"],
        "Vũ Thị <Hà>",
        code="G002",
        date_of_birth=None,
        email="ha@example.vn",
        phone="0912 345 678",
        rank_code="01.003",
        rank_name="Chuyên viên",
        job_position="Văn thư",
        position_title="Phó chánh văn phòng",
        start_date=dt.date(2020, 2, 29),
    )
    Unit.objects.filter(code="GAMMA-VP").update(active=False)
    client = api(cast["admin"])

    rows = client.get("/api/v1/staff/", {"q": "G002"}).json()["results"]
    assert rows == [
        {
            "id": person.pk,
            "staff_code": "G002",
            "full_name": "Vũ Thị <Hà>",
            "gender": "male",
            "date_of_birth": None,
            "unit": tree["gamma_office"].pk,
            "unit_code": "GAMMA-VP",
            "unit_name": "Văn phòng xã Gamma",
            "category": "cong_chuc",
            "job_position": "Văn thư",
            "rank_code": "01.003",
            "rank_name": "Chuyên viên",
            "position_title": "Phó chánh văn phòng",
            "email": "ha@example.vn",
            "phone": "0912 345 678",
            "start_date": "2020-02-29",
            "status": "active",
            "version": 1,
        }
    ]
    staff_codes = [row["staff_code"] for row in client.get("/api/v1/staff/").json()["results"]]
    assert staff_codes == ["G001", "B001", "A001", "A002", "G002"]  # by folded name, then code

    units = client.get("/api/v1/units/").json()["results"]
    assert [row["code"] for row in units] == ["TINH", "ALPHA", "ALPHA-1", "BETA", "GAMMA", "GAMMA-VP"]
    assert units[0] == {
        "id": tree["province"].pk,
        "code": "TINH",
        "name": "UBND tỉnh Thử nghiệm",
        "kind": "province",
        "parent": None,
        "parent_code": None,
        "depth": 0,
        "active": True,
        "version": 1,
    }
    assert units[-1] == {
        "id": tree["gamma_office"].pk,
        "code": "GAMMA-VP",
        "name": "Văn phòng xã Gamma",
        "kind": "division",
        "parent": tree["gamma"].pk,
        "parent_code": "GAMMA",
        "depth": 2,
        "active": False,
        "version": 1,
    }


def test_a_province_administrator_creates_units_under_the_province_not_beside_it(api, cast, tree):
    """A unit without a parent would sit outside every role's scope (its creator could not even see it):
    only a system administrator creates one. Under the province, the new unit is answered as a GET shows it."""
    client = api(cast["admin"])
    refused = client.post("/api/v1/units/", {"code": "TINH2", "name": "Tỉnh khác", "kind": "province"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["parent"] == [
        "Chỉ quản trị hệ thống mới tạo được đơn vị cấp cao nhất: hãy chọn đơn vị cấp trên."
    ]
    assert not Unit.objects.filter(code="TINH2").exists()
    created = client.post(
        "/api/v1/units/",
        {"code": "SO-MOI", "name": "Sở Mới", "kind": "department", "parent": tree["province"].pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["parent_code"] == "TINH" and created.json()["depth"] == 1
    assert client.get(f"/api/v1/units/{created.json()['id']}/").json() == created.json()
