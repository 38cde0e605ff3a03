"""The province table's rows (unit_score_rows) print what format_html_join printed for the same cells, in
both languages, with the unit's name escaped and the figures as |score and |signed show them."""

from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join

from scorecards.models import Band
from scorecards.templatetags.scorecards_tags import band_class, score, signed, unit_score_rows
from staff.models import UnitKind

ROWS = [
    SimpleNamespace(
        unit=SimpleNamespace(id=12, name='Xã <Alpha> & "Beta"', kind=UnitKind.choices[0][0]),
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
        change=None,
    ),
]


def _reference(rows, period):
    """The rows as the tag printed them before: format_html_join over the same cells."""
    kinds, bands = dict(UnitKind.choices), dict(Band.choices)
    base = reverse("scorecards:unit", args=[0]).removesuffix("0/")
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}{}/{}">{}</a></th><td>{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td><span class="badge {}">{}</span></td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                base,
                s.unit.id,
                f"?period={period.key}",
                s.unit.name,
                kinds.get(s.unit.kind, s.unit.kind),
                s.headcount,
                score(s.total),
                band_class(s.band),
                bands.get(s.band, s.band),
                score(s.capability),
                score(s.service_culture),
                f"{s.rank}/{s.rank_of}" if s.rank else "—",
                signed(s.change),
            )
            for s in rows
        ),
    )


def test_rows_are_the_format_html_join_rows():
    period = SimpleNamespace(key="2026-Q1")
    for language, separator in (("vi", ","), ("en", ".")):
        with translation.override(language):
            printed = unit_score_rows(ROWS, period)
            assert printed == _reference(ROWS, period)
            assert f"92{separator}35" in printed and "&lt;Alpha&gt;" in printed and f"-1{separator}50" in printed
            assert "unknown-kind" in printed and "?period=2026-Q1" in printed


def test_two_decimals_rounds_as_floatformat_does():
    import random

    from django.template.defaultfilters import floatformat

    from scorecards.templatetags.scorecards_tags import _two_decimals, _two_decimals_by_decimal

    rng = random.Random(20261128)
    values = [0, 5, -3, 0.0, -0.0, 0.005, -0.005, 0.004, 92.345, 2.675, 1.005, -1.005, 99.995, 999.999, -999.995]
    values += [1e-05, -4e-07, 0.1 + 0.2, 1 / 3, 2 / 3]
    values += [round(rng.uniform(-1000, 1000), rng.randint(0, 6)) for _ in range(3000)]
    values += [rng.uniform(-1, 1) for _ in range(1000)]
    for language in ("vi", "en"):
        with translation.override(language):
            for value in values:
                assert _two_decimals(value) == _two_decimals_by_decimal(value) == floatformat(value, 2), value
