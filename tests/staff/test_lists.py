"""The directory and unit lists, on the screen and in the API: each person sees their own scope, a change
shows at the next request, rows are escaped, pages walk every row once."""

import pytest
from django.conf import settings
from django.urls import reverse

from core.permissions import Role
from staff.models import Staff, Unit
from tests.factories import grant, make_staff, make_unit

STAFF_API = "/api/v1/staff/"


def codes(body) -> set[str]:
    return {row["staff_code"] for row in body["results"]}


def tbody(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


@pytest.mark.django_db(transaction=True)
def test_directory_and_api_show_a_new_person_at_once(client, tree, people, cast):
    client.force_login(cast["hr"])  # Sở Alpha: An and Bình
    assert client.get(reverse("staff:staff-list")).context["page_obj"].paginator.count == 2
    assert client.get(STAFF_API).json()["count"] == 2
    make_staff(tree["alpha1"], "Phạm Văn Em", code="A003")
    assert client.get(reverse("staff:staff-list")).context["page_obj"].paginator.count == 3
    assert codes(client.get(STAFF_API).json()) == {"A001", "A002", "A003"}


def test_each_user_gets_their_own_scope(api, cast):
    assert codes(api(cast["hr"]).get(STAFF_API).json()) == {"A001", "A002"}
    assert codes(api(cast["outsider_hr"]).get(STAFF_API).json()) == {"B001"}
    assert codes(api(cast["admin"]).get(STAFF_API).json()) == {"A001", "A002", "B001", "G001"}
    assert codes(api(cast["member"]).get(STAFF_API).json()) == {"A002"}


def test_a_new_grant_widens_the_list_at_once(login, cast, tree):
    client = login(cast["outsider_hr"])
    assert codes(client.get(STAFF_API).json()) == {"B001"}
    grant(cast["outsider_hr"], Role.HR, tree["gamma"])
    assert codes(client.get(STAFF_API).json()) == {"B001", "G001"}


def test_a_superuser_flag_changes_the_list_at_once(login, cast):
    hr = cast["outsider_hr"]
    client = login(hr)
    hr.is_superuser = True
    hr.save(update_fields=["is_superuser"])
    assert codes(client.get(STAFF_API).json()) == {"A001", "A002", "B001", "G001"}
    hr.is_superuser = False
    hr.save(update_fields=["is_superuser"])
    assert codes(client.get(STAFF_API).json()) == {"B001"}


def test_the_api_pages_walk_every_row_once(login, cast, tree):
    for i in range(7):
        make_staff(tree["beta"], f"Người {i}", code=f"M{i:02d}")
    client = login(cast["admin"])
    seen, url = [], STAFF_API + "?page_size=4"
    while url:
        body = client.get(url).json()
        seen += [row["staff_code"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 11
    assert set(seen) == set(Staff.objects.values_list("staff_code", flat=True))


@pytest.fixture
def awkward(tree, people):
    """Text that needs escaping, a status outside the choices, an inactive unit with a headcount."""
    odd = make_unit("Phòng <b>\"Đặc biệt\"</b> & 'Thử'", parent=tree["alpha"], code="A&<1>")
    make_staff(odd, "Lê <script>alert(1)</script> & Co", code="Z&1", position_title='Trưởng "phòng" <i>')
    make_staff(odd, "Đỗ Thị Ánh", code="Z002", status="left", category="vien_chuc")
    Staff.objects.filter(staff_code="Z002").update(status="retired")  # not a choice: shown as stored
    Unit.objects.filter(pk=odd.pk).update(active=False)
    return odd


def test_directory_rows_are_escaped_and_labelled(login, cast, awkward):
    page = tbody(login(cast["hr"]).get(reverse("staff:staff-list")).content.decode())
    person = Staff.objects.get(staff_code="Z&1")
    assert (
        f'<td><a href="/staff/people/{person.pk}/">Lê &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</a></td>' in page
    )
    assert "<td>Z&amp;1</td>" in page
    assert "<td>Phòng &lt;b&gt;&quot;Đặc biệt&quot;&lt;/b&gt; &amp; &#x27;Thử&#x27;</td>" in page
    assert "<td>Trưởng &quot;phòng&quot; &lt;i&gt;</td>" in page
    assert "<td>Viên chức</td>" in page and "<td>retired</td>" in page
    assert "<script>" not in page


@pytest.mark.parametrize(
    ("language", "message"), [("vi", "Không có cán bộ nào phù hợp."), ("en", "No staff member matches.")]
)
def test_directory_says_when_nothing_matches(language, message, login, cast):
    client = login(cast["hr"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("staff:staff-list"), {"q": "không có ai"}).content.decode()
    assert tbody(page).count("<tr>") == 1 and f'<td colspan="6">{message}</td>' in page


def test_directory_second_page(login, cast):
    response = login(cast["admin"]).get(reverse("staff:staff-list"), {"page_size": 2, "page": 2})
    names = [person.full_name for person in response.context["object_list"]]
    assert names == ["Nguyễn Văn An", "Trần Thị Bình"]  # after Hoàng Đức Dũng and Lê Văn Cường
    assert tbody(response.content.decode()).count("<tr>") == 2


def test_unit_tree_rows_show_depth_kind_headcount_and_inactive(login, cast, tree, awkward):
    page = tbody(login(cast["hr"]).get(reverse("staff:unit-list")).content.decode())
    alpha = tree["alpha"]
    assert f'<td class="depth-1"><a href="/staff/units/{alpha.pk}/">Sở Alpha</a></td>' in page
    assert "<td>Sở, ban, ngành</td>" in page
    assert (
        f'<td class="depth-2"><a href="/staff/units/{awkward.pk}/">Phòng &lt;b&gt;&quot;Đặc biệt&quot;&lt;/b&gt;'
        ' &amp; &#x27;Thử&#x27;</a> <span class="badge">' in page
    )
    assert '<td class="num">1</td>' in page  # Sở Alpha: An (active); the odd unit: one active person
