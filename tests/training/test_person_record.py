"""A person's training record: each year's tiết against the rule in force (with its basis), classes with
attendance and outcome, certificates, external training; scoped; a constant number of queries."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff.access import system_actor
from tests.training.conftest import make_class
from training import services
from training.models import ExternalStatus


def _complete(klass, person, *, score=9):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=person).enrollments[0]
    for s in klass.sessions.all():
        services.attendance_save(
            actor=system_actor(), session_id=s.pk, marks=[{"enrollment": e.pk, "status": "present"}]
        )
    services.class_close(actor=system_actor(), training_class=klass, scores={e.pk: score})
    return e


def _external(person, *, periods, year=2026):
    x = services.external_record(
        actor=system_actor(),
        staff=person,
        title="Tập huấn chuyển đổi số",
        provider="Học viện Hành chính",
        start_date=dt.date(year, 3, 2),
        end_date=dt.date(year, 3, 2),
        periods=Decimal(periods),
    )
    x.status = ExternalStatus.APPROVED
    x.save(update_fields=["status"])
    return x


def test_person_record_shows_years_classes_certificates_and_external(login, klass, people, cast):
    _complete(klass, people["an"])
    _external(people["an"], periods=8)
    _external(people["an"], periods=4, year=2025)
    page = login(cast["hr"]).get(reverse("training:person-record", args=[people["an"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Quá trình bồi dưỡng: Nguyễn Văn An" in html
    rows = html.split('<table class="table person-years">')[1].split("</table>")[0].split("<tr>")[2:]
    assert len(rows) == 5  # 2026 back to 2022
    assert (
        '<td>2026</td><td class="num">12</td><td class="num">8</td><td class="num"><strong>20</strong></td><td class="num">40</td>'
        in rows[0]
    )
    assert "Định mức bồi dưỡng chung (40 tiết/năm)" in rows[0] and "TT 01/2018/TT-BNV" in rows[0]
    assert '<td>2025</td><td class="num">0</td><td class="num">4</td>' in rows[1] and "Không đạt" in rows[1]
    assert "12 / 12" in html and "720 / 720" in html  # attended tiết and minutes of the class
    assert "2026/000001" in html and "Tập huấn chuyển đổi số" in html


def test_person_record_is_scoped(login, klass, people, cast):
    url = reverse("training:person-record", args=[people["an"].pk])
    assert login(cast["outsider_hr"]).get(url).status_code == 404
    assert login(cast["member"]).get(url).status_code == 404  # someone else's record
    own = login(cast["member"]).get(reverse("training:person-record", args=[people["binh"].pk]))
    assert own.status_code == 200 and "Trần Thị Bình" in own.content.decode()


def test_names_on_the_hours_page_link_to_the_record(login, people, cast):
    html = login(cast["hr"]).get(reverse("training:hours")).content.decode()
    assert f'<a href="{reverse("training:person-record", args=[people["an"].pk])}?year=2026">Nguyễn Văn An</a>' in html
    staff_page = login(cast["hr"]).get(reverse("staff:staff-detail", args=[people["an"].pk])).content.decode()
    assert reverse("training:person-record", args=[people["an"].pk]) in staff_page


def test_person_record_queries_do_not_grow_with_classes(login, course, tree, people, cast, django_assert_num_queries):
    client = login(cast["hr"])
    url = reverse("training:person-record", args=[people["an"].pk])
    _complete(make_class(course, tree["alpha"], code="L-1"), people["an"])
    _external(people["an"], periods=4)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for i in range(2, 5):
        _complete(make_class(course, tree["alpha"], code=f"L-{i}"), people["an"])
        _external(people["an"], periods=4, year=2026 - i)
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(url).content.decode()
    assert all(f"2026/00000{n}" in html for n in range(1, 5))
