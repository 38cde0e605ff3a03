"""Choice labels (core.models.choice_display) and the menu, as people see them."""

import pytest
from django.urls import reverse
from django.utils import translation

from staff.models import Staff, StaffCategory, Unit, UnitKind


@pytest.mark.parametrize("language", ["vi", "en"])
def test_choice_labels_are_django_labels(language, tree):
    unit = Unit(kind=UnitKind.COMMUNE)
    person = Staff(category=StaffCategory.VIEN_CHUC, status="left", gender="")
    odd = Staff(category="not-a-choice", status="active", gender="female")
    with translation.override(language):
        for obj, field in [(unit, "kind"), (person, "category"), (person, "status"), (person, "gender")]:
            field_obj = obj._meta.get_field(field)
            assert getattr(obj, f"get_{field}_display")() == obj._get_FIELD_display(field_obj)
        assert odd.get_category_display() == "not-a-choice" == odd._get_FIELD_display(Staff._meta.get_field("category"))
        assert odd.get_gender_display() == odd._get_FIELD_display(Staff._meta.get_field("gender"))


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
