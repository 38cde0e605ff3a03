"""Formula injection: text starting with =, +, -, @, tab or CR is stored as text in every
workbook the app writes, never as a formula. Each export is produced with a hostile staff name
and checked on the raw sheet XML (no <f> element) and through openpyxl (string cells)."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from staff import services as staff_services
from staff.access import system_actor
from tests.training.conftest import course, klass, make_class  # noqa: F401  (fixtures)

HOSTILE = '=HYPERLINK("http://x","y")'
OTHERS = {"job_position": "+1+1", "rank_name": "-2+3", "position_title": "@SUM(A1)", "phone": "\t=1", "email": ""}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_text_not_formula(data: bytes, *texts: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        for name in sheets:
            xml = archive.read(name).decode()
            assert not re.search(r"<(\w+:)?f[ >]", xml), f"{name} holds a formula"
    wb = load_workbook(io.BytesIO(data))
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in texts:
                    found[cell.value] = cell.data_type
    for text in texts:
        assert found.get(text) == "s", f"{text!r} not found as a text cell ({found})"


@pytest.fixture
def hostile(people, tree):
    person = people["an"]
    staff_services.staff_update(actor=system_actor(), staff=person, full_name=HOSTILE, **OTHERS)
    person.refresh_from_db()
    return person


def test_staff_directory_export_keeps_formula_like_text_as_text(hostile, login, cast):
    response = login(cast["hr"]).get(reverse("staff:staff-export"))
    assert response.status_code == 200
    # "\t=1" is stored trimmed (core.text): "=1", still text
    assert_text_not_formula(body(response), HOSTILE, "+1+1", "-2+3", "@SUM(A1)", "=1")


def test_audit_log_export_keeps_formula_like_text_as_text(hostile, login, cast):
    response = login(cast["admin"]).get(reverse("audit:log-export"), {"model": "staff.staff"})
    assert_text_not_formula(body(response), HOSTILE, "+1+1")


def test_training_exports_keep_formula_like_text_as_text(hostile, klass, tree):  # noqa: F811
    from training import exports
    from training import services as training_services

    training_services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=hostile)
    for build in (exports.class_roster_xlsx, exports.attendance_matrix_xlsx, exports.sign_in_sheet_xlsx):
        assert_text_not_formula(build(training_class=klass), HOSTILE)
