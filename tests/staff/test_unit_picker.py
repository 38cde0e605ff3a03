"""The unit picker on filter forms: a text box that takes a unit's code, name or id, among the units
the person may see; the API keeps taking the id."""

from django.urls import reverse

from staff.services import unit_update

STAFF_LIST = reverse("staff:staff-list")
STAFF_API = "/api/v1/staff/"


def codes_on_page(html: str, people) -> set[str]:
    return {person.staff_code for person in people.values() if person.full_name in html}


def test_list_filtered_by_unit_code_any_case(login, cast, people):
    page = login(cast["hr"]).get(STAFF_LIST, {"unit": "alpha-1"}).content.decode()
    assert codes_on_page(page, people) == {"A002"}


def test_list_filtered_by_unit_name_without_diacritics(login, cast, people):
    page = login(cast["hr"]).get(STAFF_LIST, {"unit": "phong alpha-1"}).content.decode()
    assert codes_on_page(page, people) == {"A002"}


def test_list_filtered_by_unit_name_with_diacritics(login, cast, people):
    page = login(cast["hr"]).get(STAFF_LIST, {"unit": "Sở Alpha"}).content.decode()
    assert codes_on_page(page, people) == {"A001", "A002"}


def test_list_filtered_by_unit_id_shows_the_code_in_the_box(login, cast, tree, people):
    page = login(cast["hr"]).get(STAFF_LIST, {"unit": tree["alpha1"].pk}).content.decode()
    assert codes_on_page(page, people) == {"A002"}
    assert 'name="unit" value="ALPHA-1"' in page


def test_unknown_unit_name_is_an_error_naming_the_text(login, cast, people):
    page = login(cast["hr"]).get(STAFF_LIST, {"unit": "Sở Zeta"}).content.decode()
    assert "Không có đơn vị nào khớp với “Sở Zeta”." in page
    assert 'name="unit" value="Sở Zeta"' in page


def test_ambiguous_unit_name_asks_for_the_code(login, cast):
    page = login(cast["admin"]).get(STAFF_LIST, {"unit": "xa gamma"}).content.decode()
    assert "Có nhiều đơn vị khớp với “xa gamma”: hãy nhập mã đơn vị." in page


def test_unit_outside_the_scope_is_not_accepted(login, api, cast, tree):
    page = login(cast["hr"]).get(STAFF_LIST, {"unit": "BETA"}).content.decode()
    assert "Không có đơn vị nào khớp với “BETA”." in page
    response = api(cast["hr"]).get(STAFF_API, {"unit": tree["beta"].pk})
    assert response.status_code == 400
    assert response.json() == {"unit": [f"Không có đơn vị nào khớp với “{tree['beta'].pk}”."]}


def test_api_filters_by_unit_id(api, cast, tree):
    response = api(cast["hr"]).get(STAFF_API, {"unit": tree["alpha1"].pk})
    assert response.status_code == 200
    assert [row["staff_code"] for row in response.json()["results"]] == ["A002"]


def test_api_answers_an_unknown_unit_with_400(api, cast):
    response = api(cast["hr"]).get(STAFF_API, {"unit": "no such unit"})
    assert response.status_code == 400
    assert response.json() == {"unit": ["Không có đơn vị nào khớp với “no such unit”."]}


def test_a_huge_number_is_no_id(api, cast):
    response = api(cast["admin"]).get(STAFF_API, {"unit": "9" * 40})
    assert response.status_code == 400


def test_picker_is_a_text_box_with_its_script(login, cast):
    page = login(cast["hr"]).get(STAFF_LIST).content.decode()
    assert '<select name="unit"' not in page
    assert 'type="text" name="unit"' in page
    assert 'data-unit-picker="/api/v1/units/"' in page
    assert "js/unit-picker" in page and "<script" in page


def test_renamed_unit_is_found_by_its_new_name_at_once(login, cast, tree, people):
    client = login(cast["hr"])
    unit_update(actor=cast["admin"], unit=tree["alpha1"], name="Phòng Alpha-Một")
    page = client.get(STAFF_LIST, {"unit": "phong alpha-mot"}).content.decode()
    assert codes_on_page(page, people) == {"A002"}


def test_units_api_suggests_by_name_without_diacritics(api, cast):
    response = api(cast["hr"]).get("/api/v1/units/", {"q": "phong alpha"})
    assert [(row["code"], row["name"]) for row in response.json()["results"]] == [("ALPHA-1", "Phòng Alpha-1")]
