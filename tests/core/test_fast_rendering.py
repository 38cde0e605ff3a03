"""The fast paths print exactly what Django prints: widgets (FastWidgetRenderer), links ({% url_pk %}) and
choice labels (choice_display)."""

import datetime as dt

import django_filters
import pytest
from django import forms
from django.template import engines
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from core.templatetags.fast_urls import url_for_pk
from core.widgets import FastWidgetRenderer, with_fast_widgets
from staff.models import Staff, StaffCategory, Unit, UnitKind


class EveryWidgetForm(forms.Form):
    text = forms.CharField(label="Text", required=False)
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"min": 0, "step": 1}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": 'a "quoted" <tag> & more'}))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    flag = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=[("", "---------"), *UnitKind.choices], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Nhóm <1>", [("a", "A & B"), ("b", mark_safe("<b>B</b>"))]), ("c", "Xã Gamma")],
        widget=forms.Select(attrs={"disabled": False, "data-x": 0, "autofocus": True}),
    )
    maybe = forms.NullBooleanField(required=False)
    numbers = forms.TypedChoiceField(choices=[(1, 2024), (2, 2025)], coerce=int, required=False)


def render_both(form_class, data=None):
    plain = form_class(data)
    fast = with_fast_widgets(form_class(data))
    assert isinstance(fast.renderer, FastWidgetRenderer)
    return [(str(plain[name]), str(fast[name])) for name in plain.fields]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": 'x" onmouseover="y',
            "number": "12",
            "day": "2026-11-27",
            "email": "bad",
            "hidden": "<h>",
            "flag": "on",
            "kind": UnitKind.COMMUNE,
            "grouped": "b",
            "maybe": "false",
            "numbers": "2",
        },
    ],
)
def test_fast_widgets_print_what_django_prints(language, data):
    with translation.override(language):
        for plain, fast in render_both(EveryWidgetForm, data):
            assert fast == plain


def test_fast_widgets_match_every_filterset_form_of_the_project(rf, cast, tree):
    """Every FilterSet in the project, rendered as the list pages render it, unbound and bound."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith(("staff", "training", "inspections", "scorecards", "audit", "jobs")):
            try:
                __import__(f"{config.name}.filters")
            except ImportError:
                continue
    filtersets = set()
    todo = list(django_filters.FilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in ("staff", "training", "inspections", "scorecards", "audit", "jobs"):
            filtersets.add(cls)
    assert len(filtersets) >= 3
    request = rf.get("/")
    request.user = cast["admin"]
    for cls in filtersets:
        for data in (None, {"q": "x", "status": "active", "kind": "commune", "unit": str(tree["alpha"].pk)}):
            plain = cls(data, queryset=cls._meta.model.objects.all(), request=request).form
            fast = with_fast_widgets(cls(data, queryset=cls._meta.model.objects.all(), request=request).form)
            for name in plain.fields:
                assert str(fast[name]) == str(plain[name]), (cls.__name__, name)


def test_filter_form_include_renders_the_same_html(rf, cast, tree):
    from staff.filters import StaffFilterSet

    request = rf.get("/")
    request.user = cast["admin"]
    template = engines["django"].from_string('{% include "includes/filter_form.html" %}')
    plain_template = engines["django"].from_string(
        '{% for field in filter.form %}<label for="{{ field.id_for_label }}">{{ field.label }}</label>'
        "{{ field }}{% endfor %}"
    )
    data = {"category": StaffCategory.CONG_CHUC, "rank_code": "01.003"}
    html = template.render({"filter": StaffFilterSet(data, queryset=Staff.objects.all(), request=request)})
    plain = plain_template.render({"filter": StaffFilterSet(data, queryset=Staff.objects.all(), request=request)})
    for field in ('<option value="cong_chuc" selected>', 'name="rank_code" value="01.003"', 'id="id_rank_code"'):
        assert field in html and field in plain


def test_url_pk_gives_the_url_reverse_gives(tree):
    for name, pk in [("staff:unit-detail", tree["alpha"].pk), ("staff:staff-detail", 7), ("staff:unit-detail", 0)]:
        assert url_for_pk(name, pk) == reverse(name, args=[pk])
    template = engines["django"].from_string('{% load fast_urls %}{% url_pk "staff:unit-detail" unit.pk %}')
    assert template.render({"unit": tree["alpha"]}) == f"/staff/units/{tree['alpha'].pk}/"


def test_url_pk_follows_the_script_prefix(tree):
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    try:
        set_script_prefix("/congvu/")
        assert url_for_pk("staff:unit-detail", 5) == "/congvu/staff/units/5/" == reverse("staff:unit-detail", args=[5])
    finally:
        set_script_prefix(before)


def test_url_pk_refuses_what_reverse_refuses():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        url_for_pk("staff:unit-detail", -1)
    with pytest.raises(NoReverseMatch):
        url_for_pk("staff:unit-detail", "abc")


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


def test_dates_in_inputs_are_the_same():
    class DateForm(forms.Form):
        day = forms.DateField(initial=dt.date(2026, 1, 2))

    with translation.override("vi"):
        assert str(with_fast_widgets(DateForm())["day"]) == str(DateForm()["day"])


def test_unit_filter_shows_a_renamed_unit_on_the_next_request(login, cast, tree):
    """The unit options are kept per distinct list of units (core.widgets._options_html): a rename, a new
    unit or a new grant is a different list, shown at once."""
    from core.permissions import Role
    from staff.services import unit_update
    from tests.factories import grant, make_unit

    client = login(cast["hr"])
    url = reverse("staff:staff-list")
    assert "Phòng Alpha-1</option>" in client.get(url).content.decode()
    unit_update(actor=cast["admin"], unit=tree["alpha1"], name="Phòng Alpha-Một")
    page = client.get(url, {"unit": tree["alpha1"].pk}).content.decode()
    assert f'<option value="{tree["alpha1"].pk}" selected>Phòng Alpha-Một</option>' in page
    assert "Phòng Alpha-1<" not in page
    make_unit("Phòng Alpha-2", parent=tree["alpha"], code="ALPHA-2")
    assert "Phòng Alpha-2</option>" in client.get(url).content.decode()
    assert "Sở Beta</option>" not in client.get(url).content.decode()
    grant(cast["hr"], Role.HR, tree["beta"])
    assert "Sở Beta</option>" in client.get(url).content.decode()


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
