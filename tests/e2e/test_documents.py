"""Official documents in the browser: the HR officer downloads a class's decision (training) and the
inspector downloads a biên bản (inspections) from the record's page; the print pages fit a 390 px phone."""

import io

import pytest
from docx import Document as Docx

from tests.e2e.conftest import assert_no_horizontal_scroll, do_login, download
from tests.inspections.scope_cases import _world as inspection_world
from tests.training.scope_cases import _world as training_world

pytestmark = pytest.mark.e2e


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
    text = _text(data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: 1/QĐ-ALPHA" in text and "Nguyễn Văn An" in text
    hr.goto(f"/documents/class_opening/{klass.pk}/")
    assert hr.get_by_role("heading", level=1).inner_text() == "QUYẾT ĐỊNH"
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
    text = _text(data)
    assert "BIÊN BẢN KIỂM TRA" in text and "Số: 1/BB-ĐKT" in text and "Văn phòng xã Gamma" in text
    inspector.goto(f"/documents/inspection_minutes/{inspection.pk}/")
    assert "Số: 1/BB-ĐKT" in inspector.content()
    assert_no_horizontal_scroll(inspector)
