"""The staff directory and the unit tree print their rows in Python (staff.views): the page must stay the
HTML the template loop they replaced printed. Each test renders that loop (kept here verbatim) over the
same page of records and compares it with the page served, byte for byte, in both languages."""

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from staff import selectors
from staff.models import Staff, Unit
from staff.views import _number
from tests.factories import make_staff, make_unit

# The <tbody> loops of templates/staff/staff_list.html and unit_list.html before the rows moved to Python.
OLD_STAFF_ROWS = Template(
    """{% load i18n fast_urls %}
  {% for s in object_list %}
    <tr>
      <td><a href="{% url_pk 'staff:staff-detail' s.pk %}">{{ s.full_name }}</a></td>
      <td>{{ s.staff_code }}</td>
      <td>{{ s.unit.name }}</td>
      <td>{{ s.get_category_display }}</td>
      <td>{{ s.position_title }}</td>
      <td>{{ s.get_status_display }}</td>
    </tr>
  {% empty %}<tr><td colspan="6">{% translate "No staff member matches." %}</td></tr>
  {% endfor %}
  """
)
OLD_UNIT_ROWS = Template(
    """{% load i18n fast_urls l10n %}
  {% for unit in object_list %}
    <tr>
      <td class="depth-{{ unit.depth|unlocalize }}"><a href="{% url_pk 'staff:unit-detail' unit.pk %}">{{ unit.name }}</a>{% if not unit.active %} <span class="badge">{% translate "inactive" %}</span>{% endif %}</td>
      <td>{{ unit.code }}</td>
      <td>{{ unit.get_kind_display }}</td>
      <td class="num">{{ unit.staff_count }}</td>
    </tr>
  {% empty %}<tr><td colspan="4">{% translate "No unit matches." %}</td></tr>
  {% endfor %}
  """
)


def _tbody(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def _old(template: Template, records, language: str) -> str:
    with translation.override(language):
        return template.render(Context({"object_list": records}))


@pytest.fixture
def awkward(tree, people):
    """Text that needs escaping, an empty position, a status and a unit kind outside the choices, an
    inactive unit with a headcount."""
    odd = make_unit("Phòng <b>\"Đặc biệt\"</b> & 'Thử'", parent=tree["alpha"], code="A&<1>")
    make_staff(odd, "Lê <script>alert(1)</script> & Co", code="Z&1", position_title='Trưởng "phòng" <i>')
    make_staff(odd, "Đỗ Thị Ánh", code="Z002", status="left", category="vien_chuc")
    make_staff(tree["alpha1"], "Phạm 'Ba'", code="Z003", category="contract", status="transferred")
    Staff.objects.filter(staff_code="Z002").update(status="retired")  # not a choice: shown as stored
    Unit.objects.filter(pk=odd.pk).update(active=False)
    Unit.objects.filter(pk=tree["gamma"].pk).update(kind="zone")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("who", ["admin", "hr", "member"])
def test_directory_rows_are_the_template_loops_html(who, language, login, cast, awkward):
    client = login(cast[who])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("staff:staff-list")).content.decode()
    records = list(selectors.staff_list(user=cast[who]).order_by("search_name", "staff_code"))
    assert records
    assert _tbody(page) == _old(OLD_STAFF_ROWS, records, language)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_directory_rows_when_nothing_matches(language, login, cast, awkward):
    client = login(cast["hr"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("staff:staff-list"), {"q": "không có ai"}).content.decode()
    assert _tbody(page) == _old(OLD_STAFF_ROWS, [], language)
    assert ("Không có cán bộ nào phù hợp." if language == "vi" else "No staff member matches.") in page


def test_directory_second_page_rows(login, cast, awkward):
    client = login(cast["admin"])
    page = client.get(reverse("staff:staff-list"), {"page_size": 2, "page": 2}).content.decode()
    records = list(selectors.staff_list(user=cast["admin"]).order_by("search_name", "staff_code")[2:4])
    assert _tbody(page) == _old(OLD_STAFF_ROWS, records, "vi")
    assert page.count("<tr>") == 3  # header and two people


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("who", ["admin", "hr"])
def test_unit_tree_rows_are_the_template_loops_html(who, language, login, cast, awkward):
    client = login(cast[who])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("staff:unit-list")).content.decode()
    records = list(selectors.unit_list(user=cast[who]))
    assert any(not u.active for u in records) and any(u.staff_count for u in records)
    assert _tbody(page) == _old(OLD_UNIT_ROWS, records, language)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_unit_tree_rows_when_nothing_matches(language, login, cast, awkward):
    client = login(cast["hr"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("staff:unit-list"), {"q": "không có"}).content.decode()
    assert _tbody(page) == _old(OLD_UNIT_ROWS, [], language)


@pytest.mark.parametrize("grouping", [False, True])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_headcounts_print_as_the_template_did(grouping, language, settings):
    settings.USE_THOUSAND_SEPARATOR = grouping
    shown = Template("{{ n }}")
    for n in (0, 7, 999, 1000, 24784, 1234567):
        with translation.override(language):
            assert _number(n) == shown.render(Context({"n": n})), n
