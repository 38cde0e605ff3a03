"""The units table (province table and a scorecard's sub-units): figures with two decimals in the
language's format, a dash where there is none, the unit's name escaped, links to each unit's scorecard."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from staff.models import UnitKind

ROWS = [
    SimpleNamespace(
        unit=SimpleNamespace(id=12, name='Xã <Alpha> & "Beta"', kind=UnitKind.DEPARTMENT),
        headcount=20,
        total=92.345,
        band="excellent",
        capability=88.0,
        service_culture=96.695,
        rank=1,
        rank_of=3,
        change=-1.5,
    ),
    SimpleNamespace(
        unit=SimpleNamespace(id=987, name="Sở Beta", kind="unknown-kind"),
        headcount=0,
        total=None,
        band="",
        capability=None,
        service_culture=0.004,
        rank=None,
        rank_of=3,
        change=0.25,
    ),
]


def test_rows_in_both_languages():
    period = SimpleNamespace(key="2026-Q1")
    for language, separator in (("vi", ","), ("en", ".")):
        with translation.override(language):
            html = render_to_string("scorecards/_units_table.html", {"rows": ROWS, "period": period})
            assert f"92{separator}35" in html and f"96{separator}70" in html and f"0{separator}00" in html
            assert f"-1{separator}50" in html and f"+0{separator}25" in html and "1/3" in html
            assert "Xã &lt;Alpha&gt; &amp; &quot;Beta&quot;" in html and "unknown-kind" in html
            assert f'href="{reverse("scorecards:unit", args=[12])}?period=2026-Q1"' in html
            assert str(UnitKind.DEPARTMENT.label) in html
            assert html.count("—") == 3  # Beta: no total, no capability, no rank


def test_an_empty_table_says_so():
    with translation.override("en"):
        html = render_to_string("scorecards/_units_table.html", {"rows": [], "period": SimpleNamespace(key="2026")})
    assert "No unit." in html
