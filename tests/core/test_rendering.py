"""Choice labels and the menu, as people see them."""

import pytest
from django.urls import reverse
from django.utils import translation

from staff.models import Staff, StaffCategory, Unit, UnitKind


@pytest.mark.parametrize(
    ("language", "labels"),
    [("vi", ["Xã, phường", "Viên chức", "Đã nghỉ việc"]), ("en", ["Commune / ward", "Viên chức", "Left"])],
)
def test_choice_labels_follow_the_language(language, labels):
    unit = Unit(kind=UnitKind.COMMUNE)
    person = Staff(category=StaffCategory.VIEN_CHUC, status="left")
    odd = Staff(category="not-a-choice")
    with translation.override(language):
        assert [unit.get_kind_display(), person.get_category_display(), person.get_status_display()] == labels
        assert odd.get_category_display() == "not-a-choice"


def test_menu_follows_a_new_grant_and_the_language_on_the_next_request(login, cast, tree):
    """Menu entries are kept per (permissions, language, script prefix, URLconf): a new grant changes the
    permissions, so the entry appears at once."""
    from django.conf import settings

    from core.permissions import Role
    from tests.factories import grant

    client = login(cast["member"])
    menu = 'aria-label="Trình đơn chính"'
    page = client.get(reverse("dashboard")).content.decode()
    assert menu in page and f'href="{reverse("staff:staff-list")}"' not in page
    grant(cast["member"], Role.HR, tree["alpha"])
    page = client.get(reverse("staff:staff-list")).content.decode()
    assert f'<a href="{reverse("staff:staff-list")}" aria-current="page">Cán bộ</a>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("staff:staff-list")).content.decode()
    assert f'<a href="{reverse("staff:staff-list")}" aria-current="page">Staff</a>' in page
