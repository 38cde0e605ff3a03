"""No lost update: every edit names the version it was based on (If-Match on the API, a hidden
`version` on the forms); a stale edit is refused (412 / the form again with the values now); services
lock the row and write only the fields that changed, so concurrent editors of different fields all
keep their change. Concurrent writers: PostgreSQL in threads here, SQLite in its own process (a
real database file with the production settings)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from staff.models import Staff, Unit

ROOT = Path(__file__).resolve().parents[2]
SECONDS = os.environ.get("CONCURRENCY_SECONDS", "6")


def test_staff_patch_needs_if_match_and_a_stale_one_is_412(api, cast, people):
    client = api(cast["hr"])
    url = f"/api/v1/staff/{people['an'].pk}/"
    detail = client.get(url)
    assert detail["ETag"] == '"1"' and detail.json()["version"] == 1
    assert client.patch(url, {"phone": "0901"}, format="json").status_code == 428
    ok = client.patch(url, {"phone": "0901"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["phone"] == "0901"
    stale = client.patch(url, {"email": "an@example.vn"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    assert stale.json()["phone"] == "0901" and stale.json()["email"] == ""
    assert Staff.objects.get(pk=people["an"].pk).email == ""


def test_unit_course_and_template_patches_are_versioned_too(api, cast, tree):
    from inspections import services as insp
    from staff.access import system_actor
    from training import services as training

    admin = api(cast["admin"])
    url = f"/api/v1/units/{tree['alpha1'].pk}/"
    assert admin.patch(url, {"name": "Phòng A1"}, format="json").status_code == 428
    assert admin.patch(url, {"name": "Phòng A1"}, format="json", HTTP_IF_MATCH='"1"')["ETag"] == '"2"'
    assert admin.patch(url, {"name": "Phòng B"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    assert Unit.objects.get(pk=tree["alpha1"].pk).name == "Phòng A1"

    course = training.course_create(
        actor=system_actor(),
        code="VC",
        title="Khóa",
        category="service_culture",
        planned_minutes=60,
        owner_unit=tree["alpha"],
    )
    url = f"/api/v1/courses/{course.pk}/"
    assert admin.get(url)["ETag"] == '"1"'
    assert admin.patch(url, {"title": "Khóa 2"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    stale = admin.patch(url, {"legal_basis": "QĐ 1"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["title"] == "Khóa 2"

    template = insp.template_create(actor=system_actor(), code="VT", name_vi="Mẫu", kind="other")
    url = f"/api/v1/checklist-templates/{template.pk}/"
    assert admin.patch(url, {"name_vi": "Mẫu 2"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    assert admin.patch(url, {"name_en": "T"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412


def test_an_unchanged_save_writes_nothing_and_keeps_the_version(cast, people):
    from staff import services

    an = people["an"]
    services.staff_update(actor=cast["hr"], staff=an, phone=an.phone, expected_version=1)
    assert Staff.objects.get(pk=an.pk).version == 1 and an.history.count() == 1


def test_a_stale_staff_form_is_refused_with_the_values_now(client, cast, people):
    from staff import services

    an = people["an"]
    client.force_login(cast["hr"])
    page = client.get(f"/staff/people/{an.pk}/edit/")
    assert 'name="version" value="1"' in page.content.decode()
    services.staff_update(actor=cast["hr"], staff=an, phone="0911 111 111")  # someone else saves first
    form = {
        "full_name": an.full_name,
        "unit": an.unit_id,
        "category": an.category,
        "status": an.status,
        "phone": "0922 222 222",
        "version": "1",
    }
    refused = client.post(f"/staff/people/{an.pk}/edit/", form)
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "0911 111 111" in body and 'name="version" value="2"' in body
    assert Staff.objects.get(pk=an.pk).phone == "0911 111 111"
    # read, then save again: the form now names version 2 and is accepted
    saved = client.post(f"/staff/people/{an.pk}/edit/", {**form, "version": "2"})
    assert saved.status_code == 302 and Staff.objects.get(pk=an.pk).phone == "0922 222 222"


@pytest.mark.django_db(transaction=True)
def test_concurrent_editors_on_postgresql_lose_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: see test_concurrent_editors_on_a_sqlite_file_lose_nothing")
    from tests.hardening import version_writers

    world = version_writers.make_world()
    api = version_writers.api_patchers(float(SECONDS), world["staff"].pk)
    assert api["errors"] == [], api["errors"]
    assert sorted(api["fields"]) == sorted(version_writers.STAFF_FIELDS)
    assert api["lost"] == {}, api
    assert api["version"] == 1 + api["acknowledged"]
    for url, fields in (
        (f"/api/v1/inspection-plans/{world['plan'].pk}/", version_writers.PLAN_FIELDS),
        (f"/api/v1/corrective-actions/{world['action'].pk}/", version_writers.ACTION_FIELDS),
    ):
        other = version_writers.api_patchers(float(SECONDS) / 2, url=url, fields=fields)
        assert other["errors"] == [], other["errors"]
        assert sorted(other["fields"]) == sorted(fields) and other["lost"] == {}, other
        assert other["acknowledged"] > len(fields)
    services = version_writers.service_editors(10, world)
    assert services["errors"] == [], services["errors"]
    assert services["lost"] == {}, services
    assert {"plan", "action"} <= set(services["versions"]), services


def test_concurrent_editors_on_a_sqlite_file_lose_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'congvu.sqlite3'}",
        DATA_DIR=str(tmp_path),
        LOG_LEVEL="WARNING",
        DJANGO_DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "x" * 60,
        STATIC_MANIFEST="false",
    )
    run = subprocess.run(
        [sys.executable, "-m", "tests.hardening.version_writers", SECONDS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("REPORT ")]
    assert run.returncode == 0 and lines, run.stdout[-2000:] + run.stderr[-4000:]
    report = json.loads(lines[-1][len("REPORT ") :])
    api, services = report["api"], report["services"]
    assert api["errors"] == [] and services["errors"] == [], api["errors"] + services["errors"]
    assert sorted(api["fields"]) == sorted(
        ["full_name", "job_position", "rank_code", "rank_name", "position_title", "email", "phone", "gender"]
    )
    assert api["lost"] == {}, api
    assert api["acknowledged"] > 8
    assert services["lost"] == {}, services
    assert {"plan", "action"} <= set(services["versions"]), services
    assert api["version"] == 1 + api["acknowledged"]  # each acknowledged write: exactly one version
    for name, fields in (
        ("plan_api", ["name", "target_coverage", "year"]),
        ("action_api", ["description", "due_date", "status"]),
    ):
        other = report[name]
        assert other["errors"] == [] and other["lost"] == {}, other
        assert other["fields"] == fields and other["acknowledged"] > len(fields), other
