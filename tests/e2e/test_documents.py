"""Official documents in the browser: the HR officer issues and downloads a class's decision (training)
and the yearly training report, the inspector a biên bản (inspections), each from its page with the
"Cấp số và tải văn bản" button; the Word files are reopened with python-docx (header, number, title);
the print pages fit a 390 px phone."""

import datetime as dt
import io

import pytest
from docx import Document as Docx

from tests.e2e.conftest import assert_no_horizontal_scroll, do_login, download
from tests.inspections.scope_cases import _world as inspection_world
from tests.training.scope_cases import _world as training_world

pytestmark = pytest.mark.e2e


def _header(data: bytes) -> tuple[str, str]:
    """The two cells of the Decree 30/2020 header: issuing body and number; the national motto."""
    table = Docx(io.BytesIO(data)).tables[0]
    return table.cell(0, 0).text, table.cell(0, 1).text


def _assert_official(data: bytes, *, issuer: str, number: str, title: str) -> None:
    left, right = _header(data)
    assert issuer in left and f"Số: {number}" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert title in [p.text for p in Docx(io.BytesIO(data)).paragraphs]


def _text(data: bytes) -> str:
    doc = Docx(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def test_documents_download_from_the_record_pages(page_at, e2e_cast):
    ctx = {"cast": e2e_cast["users"], "tree": e2e_cast["tree"], "people": e2e_cast["people"]}
    training = training_world(ctx)
    klass, certificate = training["in"]["open"], training["in"]["certificate"]
    inspection = inspection_world(ctx)["approved_in"]

    hr = page_at("phone")
    do_login(hr, "hr")
    hr.goto(f"/training/classes/{klass.pk}/")
    name, data = download(hr, lambda: hr.get_by_test_id("docx-class-opening").click())
    assert name == "quyet-dinh-mo-lop-L-in-2.docx"
    _assert_official(data, issuer="SỞ ALPHA", number="1/QĐ-ALPHA", title="QUYẾT ĐỊNH")
    assert "Nguyễn Văn An" in _text(data)
    hr.goto(f"/documents/class_opening/{klass.pk}/")
    assert hr.get_by_role("heading", level=1).inner_text() == "QUYẾT ĐỊNH"
    assert "Số: 1/QĐ-ALPHA" in hr.content() and hr.get_by_test_id("docx-issue").count() == 0  # issued once
    assert_no_horizontal_scroll(hr)
    # The yearly report: a preview first ("Số: …/BC-ALPHA"), then issued and downloaded.
    year = dt.date.today().year
    hr.goto(f"/documents/reports/training_report/?unit=ALPHA&period={year}")
    assert hr.get_by_test_id("doc-preview").is_visible() and "Số: …/BC-ALPHA" in hr.content()
    name, data = download(hr, lambda: hr.get_by_test_id("docx-issue").click())
    assert name == f"bao-cao-dao-tao-ALPHA-{year}.docx"
    _assert_official(data, issuer="SỞ ALPHA", number="1/BC-ALPHA", title="BÁO CÁO")
    assert "Biểu tổng hợp số lượt CBCCVC" in _text(data)
    assert_no_horizontal_scroll(hr)
    hr.goto(f"/training/certificates/{certificate.pk}/")  # the printable certificate, on a 390 px phone
    assert hr.get_by_role("heading", level=1).inner_text() == "GIẤY CHỨNG NHẬN"
    assert "Độc lập - Tự do - Hạnh phúc" in hr.content()
    assert_no_horizontal_scroll(hr)

    inspector = page_at("phone")
    do_login(inspector, "inspector")
    inspector.goto(f"/inspections/{inspection.pk}/")
    name, data = download(inspector, lambda: inspector.get_by_test_id("docx-minutes").click())
    assert name == f"bien-ban-kiem-tra-{inspection.pk}.docx"
    _assert_official(data, issuer="ĐOÀN KIỂM TRA", number="1/BB-ĐKT", title="BIÊN BẢN KIỂM TRA")
    assert "Văn phòng xã Gamma" in _text(data)
    inspector.goto(f"/documents/inspection_minutes/{inspection.pk}/")
    assert "Số: 1/BB-ĐKT" in inspector.content()
    assert_no_horizontal_scroll(inspector)
