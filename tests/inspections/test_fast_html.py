"""The findings register and the inspection list print their rows in Python: the same HTML their template
loops printed, in both languages, with every value escaped."""

from django.template import engines
from django.utils import translation

from inspections.views import inspection_rows_html
from inspections.views_manage import finding_rows_html

# The loop of inspections/finding_list.html before its rows were printed in Python.
FINDING_LOOP = """{% load i18n %}{% for f in rows %}
    <tr>
      <td><a href="{{ f.url }}">{{ f.date }}</a></td>
      <td>{{ f.unit }}</td>
      <td><strong>{{ f.item }}</strong> {{ f.description }}{% if f.critical %} <span class="badge bad">{% translate "Critical" %}</span>{% endif %}{% if f.overdue %} <span class="badge bad">{% translate "Overdue" %}</span>{% endif %}</td>
      <td>{% for a in f.actions %}<div><a href="{{ a.url }}">{{ a.description }}</a> · {{ a.due }} · <span class="badge {{ a.status_class }}">{{ a.status }}</span>{% if a.overdue %} <span class="badge bad">{% translate "Overdue" %}</span>{% endif %}</div>{% empty %}<span class="muted">{% translate "No corrective action yet." %}</span>{% endfor %}</td>
    </tr>
  {% endfor %}"""

# The loop of inspections/inspection_list.html before its rows were printed in Python.
INSPECTION_LOOP = """{% load i18n %}{% for i in rows %}
    <tr>
      <td><a href="{{ i.url }}">{{ i.date }}</a></td>
      <td>{{ i.unit }}{% if i.is_self %} <span class="badge">{% translate "Self" %}</span>{% endif %}</td>
      <td>{{ i.checklist }}</td>
      <td><span class="badge {{ i.status_class }}">{{ i.status }}</span></td>
      <td class="num">{{ i.total }}</td>
      <td>{% if i.band %}<span class="badge {{ i.band_class }}">{{ i.band }}</span>{% endif %}{% if i.critical_failed %} <span class="badge bad">{% translate "Critical" %}</span>{% endif %}</td>
    </tr>
  {% endfor %}"""

ACTION = {
    "url": "/inspections/actions/7/",
    "description": 'Sửa <b>"biển"</b> & bảng…',
    "due": "01/02/2026",
    "status": "Đang mở",
    "status_class": "warn",
    "overdue": True,
}
FINDINGS = [
    {
        "url": "/inspections/12/",
        "date": "03/04/2026",
        "unit": "Xã <Alpha> & 'Beta'",
        "item": "VH-1",
        "description": "Không đeo thẻ",
        "critical": True,
        "overdue": True,
        "actions": [ACTION, {**ACTION, "url": "/inspections/actions/8/", "overdue": False, "status_class": ""}],
    },
    {
        "url": "/inspections/13/?a=1&b=2",
        "date": "",
        "unit": "Sở Beta",
        "item": "KL-2",
        "description": "",
        "critical": False,
        "overdue": False,
        "actions": [],
    },
]
INSPECTIONS = [
    {
        "url": "/inspections/12/",
        "date": "03/04/2026",
        "unit": "Xã <Alpha>",
        "is_self": True,
        "checklist": 'VH "A" v2',
        "status": "Đã duyệt",
        "status_class": "ok",
        "total": "92,50",
        "band": "Xuất sắc",
        "band_class": "ok",
        "critical_failed": True,
    },
    {
        "url": "/inspections/14/",
        "date": "05/06/2026",
        "unit": "Sở & Ban",
        "is_self": False,
        "checklist": "KL v1",
        "status": "Nháp",
        "status_class": "",
        "total": "—",
        "band": "",
        "band_class": "",
        "critical_failed": False,
    },
]


def test_finding_rows_are_the_template_loop_rows():
    for language in ("vi", "en"):
        with translation.override(language):
            expected = engines["django"].from_string(FINDING_LOOP).render({"rows": FINDINGS})
            assert finding_rows_html(FINDINGS) == expected
            assert "&lt;b&gt;" in expected and ("Quá hạn" in expected) == (language == "vi")


def test_inspection_rows_are_the_template_loop_rows():
    for language in ("vi", "en"):
        with translation.override(language):
            expected = engines["django"].from_string(INSPECTION_LOOP).render({"rows": INSPECTIONS})
            assert inspection_rows_html(INSPECTIONS) == expected
            assert "&lt;Alpha&gt;" in expected and ("Tự kiểm tra" in expected or "Self" in expected)
