"""Crafted bad uploads are refused with a clear message and nothing is written: Excel (size, type,
zip members, zip bomb, XML bomb, sheets, rows) and images (fake, bomb, too many pixels)."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.images import validate_image
from core.xlsx import ImportRejected, check_upload, read_table
from staff.access import system_actor
from staff.importers import COLUMNS, roster_import
from staff.models import Staff
from tests.staff.test_importers import GOOD_ROWS, VI_HEADER, workbook


def message(exc_info) -> str:
    return " ".join(e.message for e in exc_info.value.errors)


def rebuild(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy an .xlsx, replacing or adding parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, (replace or {}).get(item.filename, src.read(item.filename)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A valid-looking workbook plus one part that inflates to 210 MB (it weighs about 200 KB)."""
    out = io.BytesIO()
    base = workbook(VI_HEADER, GOOD_ROWS)
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
        with dst.open("xl/media/padding.bin", "w") as handle:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(210):
                handle.write(chunk)
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(tree):
    data = zip_bomb()
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(ImportRejected) as exc:
        check_upload(data)
    assert "xl/media/padding.bin" in message(exc) and "giải nén" in message(exc)


def test_too_many_members_are_refused(tree):
    data = rebuild(workbook(VI_HEADER, GOOD_ROWS), add={f"xl/media/image{i}.png": b"x" for i in range(200)})
    with pytest.raises(ImportRejected) as exc:
        check_upload(data)
    assert f"({len(zipfile.ZipFile(io.BytesIO(data)).namelist())})" in message(exc)


@pytest.mark.parametrize(
    "data", [b"Ho va ten;Don vi\nAn;ALPHA\n", b"PK\x03\x04 truncated", b"<html><body>x</body></html>"]
)
def test_a_file_that_is_not_a_workbook_is_refused(data, tree):
    with pytest.raises(ImportRejected) as exc:
        check_upload(data)
    assert ".xlsx" in message(exc)


def test_a_zip_that_is_not_a_workbook_is_refused(tree):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportRejected) as exc:
        check_upload(out.getvalue())
    assert ".xlsx" in message(exc)


def test_a_billion_laughs_workbook_is_refused_with_a_clear_message(tree):
    data = rebuild(workbook(VI_HEADER, GOOD_ROWS), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    with pytest.raises(ImportRejected) as exc:
        read_table(data, COLUMNS)
    assert "XML" in message(exc) and "bị từ chối" in message(exc)


def test_defusedxml_refuses_the_bomb_even_past_our_own_check(tree, monkeypatch):
    """Second line of defence: openpyxl parses through defusedxml, which forbids entities."""
    from defusedxml import DefusedXmlException

    import core.xlsx

    data = rebuild(workbook(VI_HEADER, GOOD_ROWS), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    with pytest.raises(Exception) as raw:
        wb = load_workbook(io.BytesIO(data), read_only=True)
        list(wb.worksheets[0].iter_rows(values_only=True))
    chain, error = [], raw.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, DefusedXmlException) for e in chain), chain
    monkeypatch.setattr(core.xlsx, "check_upload", lambda data, max_bytes=None: None)
    with pytest.raises(ImportRejected) as exc:
        read_table(data, COLUMNS)
    assert "Không đọc được tệp Excel" in message(exc) or "cannot be read" in message(exc)


def test_too_many_sheets_are_refused(tree):
    wb = Workbook()
    for i in range(60):
        wb.create_sheet(f"S{i}")
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportRejected) as exc:
        check_upload(out.getvalue())
    assert "61" in message(exc) and "50" in message(exc)


def test_too_many_rows_are_refused(tree, settings):
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportRejected) as exc:
        roster_import(data=workbook(VI_HEADER, GOOD_ROWS), actor=system_actor())
    assert "2" in message(exc)
    assert not Staff.objects.filter(staff_code__in=["N001", "N002"]).exists()


def test_an_oversized_file_is_refused(tree, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ImportRejected) as exc:
        check_upload(workbook(VI_HEADER, GOOD_ROWS))
    assert "MB" in message(exc)


@pytest.mark.parametrize("kind", ["zip-bomb", "xml-bomb", "not-xlsx"])
def test_the_import_screen_refuses_bad_files_and_writes_nothing(kind, login, cast, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = {
        "zip-bomb": zip_bomb,
        "xml-bomb": lambda: rebuild(
            workbook(VI_HEADER, GOOD_ROWS), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS}
        ),
        "not-xlsx": lambda: b"<html>not a workbook</html>",
    }[kind]()
    upload = io.BytesIO(data)
    upload.name = "roster.xlsx"
    before = (Staff.objects.count(), Staff.history.count())
    response = login(cast["admin"]).post(reverse("staff:staff-import"), {"file": upload})
    assert response.status_code == 400
    assert response.context["errors"]
    assert (Staff.objects.count(), Staff.history.count()) == before
    assert not any((tmp_path / "pending-imports").glob("*")) if (tmp_path / "pending-imports").exists() else True


# --------------------------------------------------------------------------------- images
def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge canvas (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_decompression_bomb_png_is_refused_without_decoding_it():
    data = png_header_only(100_000, 100_000)
    assert len(data) < 200
    with pytest.raises(ValidationError) as exc:
        validate_image(data)
    assert exc.value.code == "bomb"


def test_an_image_with_too_many_pixels_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_image(png_header_only(8000, 8000))
    assert exc.value.code == "too_many_pixels"


@pytest.mark.parametrize("data", [b"<?php echo 1; ?>", b"GIF89a" + b"\0" * 20, b"\x89PNG\r\n\x1a\n garbage"])
def test_a_fake_image_is_refused(data):
    with pytest.raises(ValidationError) as exc:
        validate_image(data)
    assert exc.value.code in ("not_image", "bad_type")


def test_a_gif_is_not_an_accepted_type():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    with pytest.raises(ValidationError) as exc:
        validate_image(out.getvalue())
    assert exc.value.code == "bad_type"
