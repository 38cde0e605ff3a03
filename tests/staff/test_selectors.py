"""staff_list() lists exactly visible_to()'s people, in directory order."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.permissions import Role
from staff import selectors
from staff.models import Staff, StaffStatus
from tests.factories import UserFactory, grant, make_staff, make_unit


def _codes(qs) -> list[str]:
    return list(qs.values_list("staff_code", flat=True))


@pytest.fixture
def province_hr(tree, people):
    user = UserFactory(username="hr_tinh")
    grant(user, Role.HR, tree["province"])
    return user


def test_province_wide_reader_sees_every_person_in_directory_order(province_hr, people):
    listed = selectors.staff_list(user=province_hr)
    assert _codes(listed) == ["G001", "B001", "A001", "A002"]  # Hoàng, Lê, Nguyễn, Trần
    assert _codes(listed) == _codes(Staff.objects.visible_to(province_hr).order_by("search_name", "staff_code"))


def test_a_second_top_unit_keeps_the_scope(province_hr, people):
    other = make_unit("Tỉnh Khác", code="KHAC")
    make_staff(other, "Người Ngoài", code="K001")
    assert "K001" not in _codes(selectors.staff_list(user=province_hr))
    grant(province_hr, Role.HR, other)
    assert "K001" in _codes(selectors.staff_list(user=province_hr))


def test_grants_that_do_not_cover_every_unit_keep_the_scope(tree, people, cast):
    only_top = UserFactory(username="only_top")
    grant(only_top, Role.HR, tree["province"], include_subunits=False)
    member_of_all = UserFactory(username="member_of_all")
    grant(member_of_all, Role.STAFF, tree["province"])  # no staff.view
    assert _codes(selectors.staff_list(user=AnonymousUser())) == []
    assert _codes(selectors.staff_list(user=only_top)) == []
    assert _codes(selectors.staff_list(user=member_of_all)) == []
    assert sorted(_codes(selectors.staff_list(user=cast["hr"]))) == ["A001", "A002"]


def test_a_deactivated_province_reader_sees_nobody(province_hr, people):
    province_hr.is_active = False
    province_hr.save(update_fields=["is_active"])
    assert _codes(selectors.staff_list(user=province_hr)) == []


def test_own_record_outside_scope_is_listed_with_the_scope(tree, people, cast, login):
    hr = cast["hr"]  # HR on Sở Alpha, with a record in Sở Beta
    make_staff(tree["beta"], "Cán Bộ Nhân Sự", code="HR01", user=hr)
    hr = type(hr).objects.get(pk=hr.pk)
    assert sorted(_codes(selectors.staff_list(user=hr))) == ["A001", "A002", "HR01"]
    page = login(hr).get(reverse("staff:staff-list")).content.decode()
    assert "Cán Bộ Nhân Sự" in page and "Nguyễn Văn An" in page and "Lê Văn Cường" not in page


@pytest.mark.parametrize("extra", [3, 40])
def test_province_directory_query_count_does_not_grow(extra, login, province_hr, tree, django_assert_num_queries):
    for i in range(extra):
        make_staff(tree["gamma_office"], f"Người Tỉnh {i}", code=f"T{i:03d}", status=StaffStatus.ACTIVE)
    client = login(province_hr)
    client.get(reverse("staff:staff-list"))  # warm the session
    # session, user, grants, the top units, count, page (the unit picker reads no units)
    with django_assert_num_queries(5):
        response = client.get(reverse("staff:staff-list"))
    assert response.content.decode().count('<td><a href="/staff/people/') == min(extra + 4, 50)


def test_unit_headcounts_follow_the_data_between_calls(cast, tree, people):
    def counts():
        return {u.code: u.staff_count for u in selectors.unit_list(user=cast["admin"])}

    assert counts()["ALPHA-1"] == 1
    make_staff(tree["alpha1"], "Người Mới", code="N001")
    make_staff(tree["alpha1"], "Người Đã Nghỉ", code="N002", status=StaffStatus.LEFT)
    assert counts()["ALPHA-1"] == 2
    assert [u.staff_count for u in selectors.unit_tree(user=cast["admin"]) if u.code == "ALPHA-1"] == [2]
