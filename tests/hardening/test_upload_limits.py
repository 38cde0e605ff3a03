"""Issue 22 (6): a 195 KB workbook whose shared-strings part inflated to 190 MB made openpyxl load it
all. Every part's uncompressed size is now checked before openpyxl opens the file, against limits that
scale with IMPORT_MAX_ROWS, by the one helper every importer goes through (core.xlsx.check_upload)."""

import io
import zipfile

import pytest

from core.xlsx import ImportRejected, check_upload, uncompressed_limit
from inspections.importers import xlsform_import
from staff.access import system_actor
from staff.importers import roster_import
from staff.models import Staff
from tests.hardening.test_uploads import rebuild
from tests.staff.test_importers import GOOD_ROWS, VI_HEADER, workbook
from tests.training.conftest import course, klass  # noqa: F401  (fixtures)
from training.importers import nominations_parse


def inflated_shared_strings(megabytes: int) -> bytes:
    """A small roster whose shared-strings part inflates to `megabytes` MB (it weighs a few hundred KB)."""
    text = b"a" * (megabytes * 1024 * 1024)
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + text + b"</t></si></sst>"
    base = workbook(VI_HEADER, GOOD_ROWS)
    if "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(base)).namelist():
        return rebuild(base, replace={"xl/sharedStrings.xml": sst})
    return rebuild(base, add={"xl/sharedStrings.xml": sst})


def refusal(call) -> str:
    with pytest.raises(ImportRejected) as exc:
        call()
    return " ".join(e.message for e in exc.value.errors)


def test_the_limits_scale_with_import_max_rows(settings):
    settings.IMPORT_MAX_ROWS = 50_000
    assert uncompressed_limit("xl/sharedStrings.xml") == 2 * 1048576 + 50_000 * 400
    assert uncompressed_limit("xl/worksheets/sheet1.xml") == 2 * 1048576 + 50_000 * 3072
    settings.IMPORT_MAX_ROWS = 100
    assert uncompressed_limit("xl/sharedStrings.xml") == 2 * 1048576 + 100 * 400
    assert uncompressed_limit("xl/styles.xml") == 5 * 1048576


def test_inflated_shared_strings_are_refused_by_every_importer_in_vietnamese(settings, tree, klass):  # noqa: F811
    settings.IMPORT_MAX_ROWS = 1_000  # shared strings up to 2.4 MB
    data = inflated_shared_strings(3)
    assert len(data) < 200 * 1024
    calls = {
        "roster": lambda: roster_import(data=data, actor=system_actor()),
        "nominations": lambda: nominations_parse(data=data, training_class=klass, actor=system_actor()),
        "xlsform": lambda: xlsform_import(data=data, actor=system_actor()),
    }
    for name, call in calls.items():
        text = refusal(call)
        assert "xl/sharedStrings.xml" in text and "giải nén" in text and "1000 dòng" in text, (name, text)
    assert not Staff.objects.filter(staff_code="N001").exists()


def test_the_same_part_is_accepted_when_the_imports_may_hold_more_rows(settings, tree):
    data = inflated_shared_strings(3)
    settings.IMPORT_MAX_ROWS = 5_000  # shared strings up to 3.9 MB
    check_upload(data)
    settings.IMPORT_MAX_ROWS = 1_000
    with pytest.raises(ImportRejected):
        check_upload(data)


def many_small_shared_strings(count: int) -> bytes:
    """A small roster whose shared-strings table holds `count` distinct one-word strings."""
    items = b"".join(b"<si><t>%x</t></si>" % n for n in range(count))
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + b"</sst>"
    base = workbook(VI_HEADER, GOOD_ROWS)
    if "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(base)).namelist():
        return rebuild(base, replace={"xl/sharedStrings.xml": sst})
    return rebuild(base, add={"xl/sharedStrings.xml": sst})


def test_a_table_of_tiny_shared_strings_is_refused_by_its_element_count(settings, tree):
    """Within the byte limit, a table of one-word strings made openpyxl keep ~8 bytes of memory per byte
    (every string and every cleared element): the number of elements is capped too, before openpyxl."""
    from core.xlsx import shared_strings_element_limit

    settings.IMPORT_MAX_ROWS = 1_000  # 36,000 elements, 2.4 MB
    assert shared_strings_element_limit() == 20_000 + 1_000 * 16
    data = many_small_shared_strings(20_000)  # 40,001 elements in 0.4 MB
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/sharedStrings.xml").file_size < uncompressed_limit(
        "xl/sharedStrings.xml"
    )
    text = refusal(lambda: roster_import(data=data, actor=system_actor()))
    assert "văn bản dùng chung" in text and "1000 dòng" in text, text
    settings.IMPORT_MAX_ROWS = 2_000  # 52,000 elements: the same table passes the check
    check_upload(data)
