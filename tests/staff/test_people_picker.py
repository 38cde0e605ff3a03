"""The people picker: a field resolving names (diacritics optional), staff codes and pasted code lists on the
server with clear errors; the type-ahead endpoint (scoped, with unit, rank and this year's tiết); nominating by
name on screen."""

from django import forms
from django.urls import reverse

from staff.forms import PeoplePickerField
from staff.models import Staff
from tests.factories import make_staff


class PickForm(forms.Form):
    people = PeoplePickerField(queryset=Staff.objects.all())
    lead = PeoplePickerField(queryset=Staff.objects.all(), multiple=False, required=False)


def _clean(**data):
    form = PickForm(data)
    return form, form.is_valid()


def test_names_without_diacritics_codes_and_pasted_code_lists_resolve_in_order(people):
    form, ok = _clean(people="tran thi binh\nb001, Hoàng Đức\nA001 G001", lead="nguyen van an")
    assert ok, form.errors
    assert [p.staff_code for p in form.cleaned_data["people"]] == ["A002", "B001", "G001", "A001"]
    assert form.cleaned_data["lead"].staff_code == "A001"


def test_unknown_and_ambiguous_entries_are_all_named(people, tree):
    make_staff(tree["beta"], "Nguyễn Văn Anh", code="B002")
    form, ok = _clean(people="Nguyen Van\nZZZ9\nA001", lead="A001, A002")
    assert not ok
    assert form.errors["people"] == [
        "Có nhiều người khớp với “Nguyen Van”: hãy nhập mã CBCCVC.",
        "Không tìm thấy ai khớp với “ZZZ9”.",
    ]
    assert form.errors["lead"] == ["Chỉ chọn một người."]


def test_the_widget_points_to_its_lookup_and_shows_codes_back(people):
    html = PickForm(initial={"people": [people["an"], people["binh"]]}).as_p()
    assert 'data-people-picker="/api/v1/people/"' in html and "data-multiple" in html
    assert "A001\nA002</textarea>" in html


def test_lookup_finds_by_name_code_prefix_and_unit_in_scope_with_tiet(api, people, cast):
    client = api(cast["hr"])
    by_name = client.get("/api/v1/training-people/", {"q": "tran thi"}).json()["results"]
    assert by_name == [
        {
            "id": people["binh"].pk,
            "staff_code": "A002",
            "full_name": "Trần Thị Bình",
            "unit_code": "ALPHA-1",
            "unit_name": "Phòng Alpha-1",
            "rank_code": "",
            "rank_name": "",
            "year": 2026,
            "periods": 0.0,
            "required_periods": 40,
            "status": "at_risk",
            "status_label": "Có nguy cơ không đạt",
            "badge": "warn",
        }
    ]
    assert [r["staff_code"] for r in client.get("/api/v1/training-people/", {"q": "a00"}).json()["results"]] == [
        "A001",
        "A002",
    ]
    assert [r["staff_code"] for r in client.get("/api/v1/training-people/", {"q": "ALPHA-1"}).json()["results"]] == [
        "A002"
    ]
    # Lê Văn Cường is in Sở Beta, outside hr's scope
    assert client.get("/api/v1/training-people/", {"q": "cuong"}).json()["results"] == []
    assert client.get("/api/v1/training-people/", {"q": "B001"}).json()["results"] == []
    assert (
        api(cast["outsider_hr"]).get("/api/v1/training-people/", {"q": "B001"}).json()["results"][0]["staff_code"]
        == "B001"
    )
    assert api().get("/api/v1/training-people/", {"q": "an"}).status_code in (401, 403)


def test_staff_api_search_takes_partial_codes(api, people, cast):
    found = api(cast["admin"]).get("/api/v1/staff/", {"q": "a00"}).json()["results"]
    assert [r["staff_code"] for r in found] == ["A001", "A002"]


# ------------------------------------------------------------------ the staff-level picker (/api/v1/people/)
def _codes(response):
    assert response.status_code == 200, response.content
    return [r["staff_code"] for r in response.json()["results"]]


def test_people_api_suggests_only_people_in_the_users_scope(api, people, cast):
    assert _codes(api(cast["hr"]).get("/api/v1/people/", {"q": "van"})) == ["A001"]  # Cường (Beta) is outside
    # the admin sees everyone; "van" also finds the people of "Văn phòng xã Gamma"
    assert _codes(api(cast["admin"]).get("/api/v1/people/", {"q": "van"})) == ["G001", "B001", "A001"]
    assert api(cast["hr"]).get("/api/v1/people/", {"q": "an"}).json()["results"][0] == {
        "id": people["an"].pk,
        "staff_code": "A001",
        "full_name": "Nguyễn Văn An",
        "unit_code": "ALPHA",
        "unit_name": "Sở Alpha",
        "rank_code": "",
        "rank_name": "",
    }
    assert api(cast["member"]).get("/api/v1/people/", {"q": "a00"}).status_code == 403  # own record only
    assert api().get("/api/v1/people/", {"q": "an"}).status_code in (401, 403)


def test_people_api_narrows_like_the_forms(api, people, cast, tree):
    client = api(cast["admin"])
    assert _codes(client.get("/api/v1/people/", {"within": tree["alpha"].pk})) == ["A001", "A002"]
    assert _codes(client.get("/api/v1/people/", {"account": "true"})) == ["A002"]  # Bình is `member`
    assert _codes(client.get("/api/v1/people/", {"perm": "inspection.fill"})) == []
    make_staff(tree["gamma"], "Phạm Minh Tâm", code="G010", user=cast["inspector"])
    assert _codes(client.get("/api/v1/people/", {"perm": "inspection.fill", "q": "tam"})) == ["G010"]
    assert client.get("/api/v1/people/", {"perm": "staff.manage"}).status_code == 400


def test_a_role_is_granted_by_typing_the_persons_name_without_diacritics(login, cast, people, tree):
    client = login(cast["admin"])
    page = client.get(reverse("staff:role-list")).content.decode()
    assert 'data-people-picker="/api/v1/people/?account=True"' in page
    response = client.post(
        reverse("staff:role-list"), {"username": "tran thi binh", "role": "hr", "unit": tree["alpha1"].pk}
    )
    assert response.status_code == 302
    assert cast["member"].role_assignments.filter(role="hr", unit=tree["alpha1"]).exists()
    # a person without an account, or somebody outside the admin's people, is refused by name
    refused = client.post(
        reverse("staff:role-list"), {"username": "Nguyen Van An", "role": "hr", "unit": tree["alpha"].pk}
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["username"] == ["Không tìm thấy ai khớp với “Nguyen Van An”."]
