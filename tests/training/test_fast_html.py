"""Screens whose rows are printed in Python print what their template loop printed."""

import datetime as dt

from django.template import engines
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from training.models import ClassStatus
from training.views import _class_row, _roll_call_row

# The loop of training/roll_call.html before its rows were printed in Python.
ROLL_CALL_LOOP = """{% load i18n %}{% translate "Minutes" as minutes_label %}
  {% for row in rows %}
    <li class="roll-row" data-row>
      <div class="roll-name"><strong>{{ row.name }}</strong> <span class="muted">{{ row.code }} · {{ row.unit }}</span></div>
      <fieldset class="roll-status">
        <legend class="sr-only">{{ row.legend }}</legend>
        {{ row.radios }}
      </fieldset>
      <label class="roll-minutes">{{ minutes_label }} <input type="number" name="minutes-{{ row.pk }}" value="{{ row.minutes }}" min="0" max="{{ planned }}" inputmode="numeric"></label>
    </li>
  {% endfor %}"""

PEOPLE = [
    {"pk": 7, "name": "Nguyễn Văn An", "code": "A001", "unit": "Sở Alpha", "minutes": "240"},
    {"pk": 123456, "name": '<b>Trần "Bình"</b> & Co', "code": "B'02", "unit": None, "minutes": "<9>"},
    {"pk": 8, "name": "Lê Văn Cường", "code": "", "unit": "Phòng <1>", "minutes": ""},
]


def test_roll_call_rows_are_the_template_loop_rows():
    for language in ("vi", "en"):
        with translation.override(language):
            rows = [
                {**p, "legend": f"Điểm danh {p['name']}", "radios": mark_safe(f'<input name="status-{p["pk"]}">')}
                for p in PEOPLE
            ]
            expected = engines["django"].from_string(ROLL_CALL_LOOP).render({"rows": rows, "planned": "240"})
            minutes_label = escape(translation.gettext("Minutes"))  # as RollCallView passes it
            printed = "\n  " + "".join(
                _roll_call_row(
                    row,
                    legend=row["legend"],
                    radios=row["radios"],
                    minutes=row["minutes"],
                    minutes_label=minutes_label,
                    planned="240",
                )
                for row in rows
            )
            assert printed == expected


# The loop of training/class_list.html before its rows were printed in Python, with the row dicts it was given.
CLASS_LIST_LOOP = """{% for c in rows %}
  <tr><td><a href="{{ c.url }}">{{ c.code }}</a></td><td>{{ c.course }}</td><td>{{ c.unit }}</td><td>{{ c.dates }}</td><td class="num">{{ c.confirmed }}</td><td class="num">{{ c.waitlist }}</td><td>{{ c.status }}</td></tr>
  {% endfor %}"""

CLASSES = [
    {
        "pk": 12,
        "code": "VHCV-2026-01",
        "course__title": "Văn hóa công vụ",
        "unit__name": "Sở Alpha",
        "start_date": dt.date(2026, 3, 2),
        "end_date": dt.date(2026, 3, 6),
        "capacity": 40,
        "status": ClassStatus.OPEN,
        "confirmed_count": 38,
        "waitlist_count": 1200,
    },
    {
        "pk": 987654,
        "code": 'L<1>&"2"',
        "course__title": "Kỹ năng <b>số</b> & 'AI'",
        "unit__name": "Phòng A & B",
        "start_date": dt.date(2025, 12, 29),
        "end_date": dt.date(2026, 1, 2),
        "capacity": 0,
        "status": ClassStatus.COMPLETED,
        "confirmed_count": 0,
        "waitlist_count": 0,
    },
]


def test_class_list_rows_are_the_template_loop_rows():
    for language in ("vi", "en"):
        with translation.override(language):
            labels = {value: str(label) for value, label in ClassStatus.choices}
            rows = [
                {
                    "url": reverse("training:class-detail", args=[c["pk"]]),
                    "code": c["code"],
                    "course": c["course__title"],
                    "unit": c["unit__name"],
                    "dates": f"{c['start_date']:%d/%m/%Y} – {c['end_date']:%d/%m/%Y}",
                    "confirmed": f"{c['confirmed_count']}/{c['capacity']}",
                    "waitlist": c["waitlist_count"],
                    "status": labels[c["status"]],
                }
                for c in CLASSES
            ]
            expected = engines["django"].from_string(CLASS_LIST_LOOP).render({"rows": rows})
            escaped_labels = {value: escape(label) for value, label in ClassStatus.choices}
            assert "".join(_class_row(c, escaped_labels) for c in CLASSES) == expected
