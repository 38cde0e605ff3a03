"""Excel in and out, shared by every app.

Out: `XlsxWriter` streams rows (openpyxl write_only), with a bold frozen header and an
autofilter; text that looks like a formula is always stored as text.

In: `check_upload` refuses what is not a small, sane .xlsx before openpyxl opens it (size, zip
members, uncompressed size); `read_table` finds the header row under title rows, maps Vietnamese or
English column names to fields and yields rows with their sheet row number, so importers can report
every bad cell by sheet, row and column.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.text import clean_text as normalise_text
from core.text import fold

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ZIP_MEMBERS = 200
# Uncompressed size of each part, scaled with what an import may hold (IMPORT_MAX_ROWS): a real roster row
# takes about 0.5-1 KB of sheet XML and 150 bytes of shared strings. openpyxl streams sheets in read-only
# mode but loads the whole shared-strings table (and styles) into memory, so those get the tight limits:
# the biggest file allowed stays under 200 MB of peak memory (bench/bench_upload_memory.py).
# openpyxl also keeps one (cleared) XML element per tag of the shared strings until the table is read,
# about 130 bytes each with the string: their number is capped too (a real row has 4-6 distinct texts,
# two elements each; the table's bytes alone let 21 MB of one-character strings through, 160 MB in memory).
SHEET_BYTES_PER_ROW = 3 * 1024
SHARED_STRINGS_BYTES_PER_ROW = 400
SHARED_STRINGS_ELEMENTS_PER_ROW = 16
SHARED_STRINGS_BASE_ELEMENTS = 20_000
PART_BASE_BYTES = 2 * 1024 * 1024
OTHER_PART_MAX_BYTES = 5 * 1024 * 1024
MAX_SHEETS = 50
XML_SCAN_BYTES = 64 * 1024  # a DTD must come before the root element: the head of each part is enough
XML_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
HEADER_SCAN_ROWS = 20


# --------------------------------------------------------------------------------------- output
def excel_text(value: str) -> str:
    """Text as a cell can hold it: the control characters openpyxl refuses (IllegalCharacterError,
    which made one pasted vertical tab break every export) are dropped. New text never has them
    (core.text); this covers rows written around the models, such as an SQL console."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


class XlsxWriter:
    """A streamed workbook. Use `sheet(title, headers)`, then `row(values)`, then `save()`."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self._ws = None
        self._ncols = 0
        self._nrows = 0
        self._header_font = Font(bold=True, color="FFFFFF")
        self._header_fill = PatternFill("solid", fgColor="1F4E79")
        self._date_styles: dict[bool, Any] = {}

    def sheet(self, title: str, headers: list[str], widths: list[int] | None = None):
        self._close_sheet()
        ws = self.workbook.create_sheet(title=excel_text(title)[:31])
        for index, width in enumerate(widths or [max(12, min(40, len(h) + 4)) for h in headers], 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        cells = []
        for header in headers:
            cell = WriteOnlyCell(ws, value=excel_text(str(header)))
            cell.font = self._header_font
            cell.fill = self._header_fill
            cells.append(cell)
        ws.append(cells)
        self._ws, self._ncols, self._nrows = ws, len(headers), 1
        return ws

    def row(self, values: Iterable[Any]) -> None:
        self._ws.append([self.cell(v) for v in values])
        self._nrows += 1

    def cell(self, value: Any):
        """Formula-like text is stored as a string cell, never as a formula. Plain values (text,
        numbers, empty) pass through as they are: openpyxl then reuses one cell object per row, where
        a styled cell per value made an export of 200,000 rows about twice as slow."""
        if value is None or type(value) in (int, float, bool, decimal.Decimal):
            return value
        if isinstance(value, str):
            value = excel_text(value)
            if not value.startswith(FORMULA_PREFIXES):
                return value
            cell = WriteOnlyCell(self._ws, value=value)
            if value.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"
            return cell
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(self._ws, value=value)
        if isinstance(value, dt.date):
            # The date style is looked up once per kind and copied (setting number_format on every
            # cell looks the format up in the workbook's registries each time).
            kind = type(value) is dt.datetime or isinstance(value, dt.datetime)
            style = self._date_styles.get(kind)
            if style is None:
                cell.number_format = "DD/MM/YYYY HH:MM" if kind else "DD/MM/YYYY"
                self._date_styles[kind] = copy.copy(cell._style)
            else:
                cell._style = copy.copy(style)
        return cell

    def _close_sheet(self) -> None:
        if self._ws is not None and self._ncols:
            self._ws.auto_filter.ref = f"A1:{get_column_letter(self._ncols)}{max(self._nrows, 1)}"

    def save(self) -> bytes:
        self._close_sheet()
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def save_to_tempfile(self):
        """For large exports: a file object positioned at 0, to stream with FileResponse."""
        self._close_sheet()
        handle = tempfile.TemporaryFile()
        self.workbook.save(handle)
        handle.seek(0)
        return handle


# ---------------------------------------------------------------------------------------- input
@dataclass
class CellError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


class ImportRejected(Exception):
    """The whole file is refused; `errors` lists every problem found."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


@dataclass
class Column:
    field: str
    aliases: tuple[str, ...]
    required: bool = False
    label: str = ""

    def matches(self, header: str) -> bool:
        folded = fold(header)
        return any(folded == fold(alias) for alias in self.aliases)


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)  # field → column letter


def _refuse(message) -> ImportRejected:
    return ImportRejected([CellError(_("file"), None, None, message)])


def check_upload(data: bytes, *, max_bytes: int | None = None) -> None:
    """Refuse anything that is not a reasonably sized .xlsx before openpyxl touches it: size, zip
    type, member count, declared uncompressed size (Python's zipfile never inflates a member past
    its declared size), number of sheets, and XML parts with a DTD or entity declarations (XML
    bombs; defusedxml refuses them again when openpyxl parses)."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if not data:
        raise ImportRejected([CellError(_("file"), None, None, _("The file is empty."))])
    if len(data) > limit:
        raise ImportRejected(
            [
                CellError(
                    _("file"),
                    None,
                    None,
                    _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
                    % {"size": len(data) / 1048576, "limit": limit / 1048576},
                )
            ]
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected(
            [
                CellError(
                    _("file"), None, None, _("This is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")
                )
            ]
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ImportRejected(
                [CellError(_("file"), None, None, _("The workbook has too many parts (%(n)s).") % {"n": len(members)})]
            )
        for member in members:
            part_limit = uncompressed_limit(member.filename)
            if member.file_size > part_limit:
                raise _refuse(
                    _(
                        "The part “%(part)s” of the workbook unpacks to %(size).1f MB; the limit for a file of at "
                        "most %(rows)s rows is %(limit).1f MB. Remove unused sheets, formatting or text and try again."
                    )
                    % {
                        "part": member.filename,
                        "size": member.file_size / 1048576,
                        "rows": settings.IMPORT_MAX_ROWS,
                        "limit": part_limit / 1048576,
                    }
                )
        if "[Content_Types].xml" not in archive.namelist() or not any(n.startswith("xl/") for n in archive.namelist()):
            raise ImportRejected(
                [
                    CellError(
                        _("file"),
                        None,
                        None,
                        _("This is not an Excel workbook (.xlsx). Save it as .xlsx and try again."),
                    )
                ]
            )
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if len(sheets) > MAX_SHEETS:
            raise _refuse(
                _("The workbook has %(n)s sheets; the limit is %(limit)s.") % {"n": len(sheets), "limit": MAX_SHEETS}
            )
        shared = next((m for m in members if m.filename == "xl/sharedStrings.xml"), None)
        if shared is not None:
            _check_shared_string_count(archive, shared)
        for member in members:
            if not member.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(member) as handle:
                    head = handle.read(XML_SCAN_BYTES)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise _refuse(_("The workbook is damaged: %(error)s") % {"error": exc}) from exc
            if any(marker in head for marker in XML_FORBIDDEN):
                raise _refuse(
                    _(
                        "The workbook contains XML declarations that Excel never writes (a possible XML bomb); it is refused."
                    )
                )


def shared_strings_element_limit() -> int:
    return SHARED_STRINGS_BASE_ELEMENTS + settings.IMPORT_MAX_ROWS * SHARED_STRINGS_ELEMENTS_PER_ROW


def _check_shared_string_count(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Count the elements of the shared-strings part (closing and self-closing tags) as it inflates,
    1 MB at a time, and refuse the file past shared_strings_element_limit()."""
    limit = shared_strings_element_limit()
    count, tail = 0, b""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(1 << 20):
                buffer = tail + chunk  # the last byte comes again: a 2-byte mark split by the chunks counts once
                count += buffer.count(b"</") + buffer.count(b"/>")
                tail = buffer[-1:]
                if count > limit:
                    raise _refuse(
                        _(
                            "The shared texts of the workbook have more than %(limit)s elements, the limit for a "
                            "file of at most %(rows)s rows. Remove unused sheets or text and try again."
                        )
                        % {"limit": limit, "rows": settings.IMPORT_MAX_ROWS}
                    )
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        raise _refuse(_("The workbook is damaged: %(error)s") % {"error": exc}) from exc


def uncompressed_limit(part: str) -> int:
    """Largest uncompressed size accepted for one part of an uploaded workbook (see SHEET_BYTES_PER_ROW)."""
    rows = settings.IMPORT_MAX_ROWS
    if part.startswith("xl/worksheets/") and part.endswith(".xml"):
        return PART_BASE_BYTES + rows * SHEET_BYTES_PER_ROW
    if part == "xl/sharedStrings.xml":
        return PART_BASE_BYTES + rows * SHARED_STRINGS_BYTES_PER_ROW
    return OTHER_PART_MAX_BYTES


def open_workbook(data: bytes, *, max_bytes: int | None = None):
    check_upload(data, max_bytes=max_bytes)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportRejected(
            [CellError(_("file"), None, None, _("The workbook cannot be read: %(error)s") % {"error": exc})]
        ) from exc


def read_table(
    data: bytes,
    columns: list[Column],
    *,
    sheet_name: str | None = None,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> tuple[str, list[Row]]:
    """Return (sheet title, rows). Raises ImportRejected for a file-level problem (no header row,
    missing required columns, too many rows)."""
    workbook = open_workbook(data, max_bytes=max_bytes)
    try:
        return _read_table(workbook, columns, sheet_name=sheet_name, max_rows=max_rows)
    except ImportRejected:
        raise
    except Exception as exc:  # a part that openpyxl (with defusedxml) refuses while reading rows
        raise ImportRejected(
            [CellError(_("file"), None, None, _("The workbook cannot be read: %(error)s") % {"error": exc})]
        ) from exc
    finally:
        workbook.close()


def _read_table(
    workbook, columns: list[Column], *, sheet_name: str | None, max_rows: int | None
) -> tuple[str, list[Row]]:
    if sheet_name and sheet_name in workbook.sheetnames:
        ws = workbook[sheet_name]
    else:
        ws = workbook.worksheets[0]
    title = ws.title
    limit = max_rows or settings.IMPORT_MAX_ROWS
    rows_iter = ws.iter_rows(values_only=True)
    header_row_number, mapping = None, {}
    scanned: list[tuple] = []
    for number, values in enumerate(rows_iter, 1):
        scanned.append(values)
        found = _match_header(values, columns)
        found_fields = set(found.values())
        if found and all(c.field in found_fields for c in columns if c.required):
            header_row_number, mapping = number, found
            break
        if number >= HEADER_SCAN_ROWS:
            break
    if header_row_number is None:
        best = max((_match_header(v, columns) for v in scanned), key=len, default={})
        best_fields = set(best.values())
        missing = [str(c.label or c.aliases[0]) for c in columns if c.required and c.field not in best_fields]
        if not scanned or not any(any(cell not in (None, "") for cell in v) for v in scanned):
            raise ImportRejected([CellError(title, None, None, _("The sheet is empty."))])
        raise ImportRejected(
            [
                CellError(
                    title,
                    None,
                    None,
                    _("Missing required column(s): %(columns)s.") % {"columns": ", ".join(missing)},
                )
            ]
        )
    rows: list[Row] = []
    letters = {fld: get_column_letter(index + 1) for index, fld in mapping.items()}  # shared by every row
    for number, values in enumerate(rows_iter, header_row_number + 1):
        if values is None or all(v in (None, "") for v in values):
            continue
        if len(rows) >= limit:
            raise ImportRejected(
                [
                    CellError(
                        title, number, None, _("The file has more than %(limit)s rows; split it.") % {"limit": limit}
                    )
                ]
            )
        record = {}
        for index, fld in mapping.items():
            value = values[index] if index < len(values) else None
            # Imports bulk-create (no pre_save): every cell is cleaned here, like typed text.
            record[fld] = normalise_text(value) if isinstance(value, str) else value
        rows.append(Row(number=number, values=record, columns=letters))
    return title, rows


def _match_header(values, columns: list[Column]) -> dict[int, str]:
    found: dict[int, str] = {}
    if not values:
        return found
    used = set()
    for index, raw in enumerate(values):
        if raw is None:
            continue
        header = str(raw).strip()
        for column in columns:
            if column.field not in used and column.matches(header):
                found[index] = column.field
                used.add(column.field)
                break
    return found


def clean_text(value: Any) -> str:
    """A cell as one line of text: core.text's normaliser, inner white space collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(normalise_text(str(value), multiline=False).split())


def parse_date(value: Any) -> dt.date | None:
    """Accept a real Excel date or dd/mm/yyyy text (also d/m/yyyy, dd-mm-yyyy, yyyy-mm-dd).
    Raises ValueError with a message for the user."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", text):
        day, month, year = (int(p) for p in re.split(r"[/.-]", text))
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a real calendar date.") % {"value": text}) from None
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text})


def iter_chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
