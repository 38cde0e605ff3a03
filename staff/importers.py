"""Staff roster import from Excel: parse, validate every row, then one all-or-nothing write."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from core import audit
from core.permissions import Perm
from core.text import fold
from core.xlsx import (
    CellError,
    Column,
    ImportRejected,
    Row,
    XlsxWriter,
    clean_text,
    open_workbook,
    parse_date,
)
from staff.access import require, unit_scope_q
from staff.models import Gender, RosterColumnMapping, Staff, StaffCategory, StaffStatus, StaffUnitHistory, Unit

COLUMNS = [
    Column(
        "staff_code",
        (
            "Mã số",
            "Mã cán bộ",
            "Mã CBCCVC",
            "Mã số CBCCVC",
            "Mã CB",
            "Mã CCVC",
            "Mã nhân sự",
            "Mã nhân viên",
            "Số hiệu công chức",
            "Số hiệu cán bộ",
            "Số hiệu",
            "Staff code",
            "Staff ID",
            "Employee ID",
            "Code",
        ),
        True,
        gettext_lazy("Staff code"),
    ),
    Column(
        "full_name",
        ("Họ và tên", "Họ tên", "Họ và tên khai sinh", "Tên cán bộ", "Full name", "Name"),
        True,
        gettext_lazy("Full name"),
    ),
    Column("gender", ("Giới tính", "Gender", "Sex"), label=gettext_lazy("Gender")),
    Column(
        "date_of_birth",
        (
            "Ngày sinh",
            "Ngày tháng năm sinh",
            "Ngày, tháng, năm sinh",
            "Sinh ngày",
            "Date of birth",
            "Birth date",
            "DOB",
        ),
        label=gettext_lazy("Date of birth"),
    ),
    Column(
        "unit",
        (
            "Đơn vị",
            "Mã đơn vị",
            "Đơn vị công tác",
            "Cơ quan, đơn vị",
            "Cơ quan đơn vị",
            "Cơ quan",
            "Phòng ban",
            "Unit",
            "Unit code",
            "Department",
        ),
        True,
        gettext_lazy("Unit"),
    ),
    Column(
        "category",
        ("Phân loại", "Loại", "Đối tượng", "Loại cán bộ", "Phân loại CBCCVC", "Category"),
        True,
        gettext_lazy("Category"),
    ),
    Column("job_position", ("Vị trí việc làm", "Job position"), label=gettext_lazy("Job position")),
    Column("rank_code", ("Mã ngạch", "Rank code"), label=gettext_lazy("Rank code")),
    Column("rank_name", ("Ngạch", "Tên ngạch", "Ngạch công chức", "Rank"), label=gettext_lazy("Rank")),
    Column(
        "position_title",
        ("Chức vụ", "Chức danh", "Chức vụ, chức danh", "Position", "Position title"),
        label=gettext_lazy("Position title"),
    ),
    Column("email", ("Email", "E-mail", "Thư điện tử"), label=gettext_lazy("E-mail")),
    Column("phone", ("Điện thoại", "Số điện thoại", "SĐT", "Phone"), label=gettext_lazy("Phone")),
    Column(
        "start_date",
        ("Ngày vào", "Ngày bắt đầu", "Ngày tuyển dụng", "Ngày vào cơ quan", "Start date"),
        label=gettext_lazy("Start date"),
    ),
    Column("status", ("Trạng thái", "Status"), label=gettext_lazy("Status")),
]
FIELDS = {c.field: c for c in COLUMNS}
# Short names accepted on the command line (--map "Mã số CBCCVC=code,Đơn vị công tác=unit").
FIELD_KEYS = {"code": "staff_code", "name": "full_name", "dob": "date_of_birth", "birth": "date_of_birth"}
IGNORE_KEYS = {"", "-", "ignore", "bo qua"}
HEADER_SCAN_ROWS = 30


CHOICE_WORDS = {
    "gender": {
        "nam": Gender.MALE,
        "male": Gender.MALE,
        "m": Gender.MALE,
        "nu": Gender.FEMALE,
        "female": Gender.FEMALE,
        "f": Gender.FEMALE,
        "khac": Gender.OTHER,
        "other": Gender.OTHER,
    },
    "category": {
        "can bo": StaffCategory.CAN_BO,
        "can_bo": StaffCategory.CAN_BO,
        "cadre": StaffCategory.CAN_BO,
        "cong chuc": StaffCategory.CONG_CHUC,
        "cong_chuc": StaffCategory.CONG_CHUC,
        "civil servant": StaffCategory.CONG_CHUC,
        "vien chuc": StaffCategory.VIEN_CHUC,
        "vien_chuc": StaffCategory.VIEN_CHUC,
        "public employee": StaffCategory.VIEN_CHUC,
        "hop dong": StaffCategory.CONTRACT,
        "contract": StaffCategory.CONTRACT,
        "lao dong hop dong": StaffCategory.CONTRACT,
    },
    "status": {
        "dang cong tac": StaffStatus.ACTIVE,
        "active": StaffStatus.ACTIVE,
        "": StaffStatus.ACTIVE,
        "da chuyen": StaffStatus.TRANSFERRED,
        "chuyen cong tac": StaffStatus.TRANSFERRED,
        "transferred": StaffStatus.TRANSFERRED,
        "nghi viec": StaffStatus.LEFT,
        "da nghi": StaffStatus.LEFT,
        "left": StaffStatus.LEFT,
    },
}
DATE_FIELDS = ("date_of_birth", "start_date")
TEXT_FIELDS = ("job_position", "rank_code", "rank_name", "position_title", "phone")
WRITE_FIELDS = (
    "full_name",
    "search_name",
    "gender",
    "date_of_birth",
    "unit",
    "category",
    "job_position",
    "rank_code",
    "rank_name",
    "position_title",
    "email",
    "phone",
    "start_date",
    "status",
)


def normalise_header(text) -> str:
    """Case, diacritics, punctuation, line breaks and runs of spaces do not matter in a header:
    "MÃ SỐ\nCBCCVC (*)" → "ma so cbccvc"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(str(text or "")).replace("đ", "d")).split())


_SYNONYMS = {c.field: {normalise_header(a) for a in c.aliases} for c in COLUMNS}


def field_for_key(key: str) -> str | None:
    """The field a mapping value names: a field name, a short key (code, unit…), an alias or a label."""
    norm = normalise_header(key)
    if norm.replace(" ", "_") in FIELDS:
        return norm.replace(" ", "_")
    if norm in FIELD_KEYS:
        return FIELD_KEYS[norm]
    for column in COLUMNS:
        if norm in _SYNONYMS[column.field] or norm == normalise_header(column.label):
            return column.field
    return None


@dataclass
class HeaderCell:
    index: int
    letter: str
    text: str
    field: str = ""  # the field this column feeds, "" when ignored
    how: str = ""  # "exact", "contains", "mapped"


@dataclass
class HeaderScan:
    """Which column feeds which field; what is missing, claimed twice or ignored."""

    sheet: str
    row: int | None
    cells: list[HeaderCell] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required fields not found
    conflicts: dict[str, list[HeaderCell]] = field(default_factory=dict)  # field → columns claiming it

    @property
    def mapping(self) -> dict[str, HeaderCell]:
        return {c.field: c for c in self.cells if c.field}

    @property
    def ignored(self) -> list[HeaderCell]:
        return [c for c in self.cells if not c.field]

    @property
    def needs_mapping(self) -> bool:
        return bool(self.missing or self.conflicts)

    @property
    def fields(self) -> list[Column]:
        return COLUMNS


class MappingNeeded(ImportRejected):
    """The columns could not be matched to the fields on their own: the user must say which is which."""

    def __init__(self, errors: list[CellError], scan: HeaderScan):
        super().__init__(errors)
        self.scan = scan


def _guess(text: str) -> tuple[str, str]:
    """(field, how) for one header: an exact synonym, else the field whose longest synonym the
    header contains as whole words."""
    norm = normalise_header(text)
    if not norm:
        return "", ""
    for column in COLUMNS:
        if norm in _SYNONYMS[column.field]:
            return column.field, "exact"
    padded = f" {norm} "
    best, best_len = "", 0
    for column in COLUMNS:
        for synonym in _SYNONYMS[column.field]:
            if len(synonym) > 2 and f" {synonym} " in padded and len(synonym) > best_len:
                best, best_len = column.field, len(synonym)
    return (best, "contains") if best else ("", "")


def parse_mapping(text: str) -> dict[str, str]:
    """`"Mã số CBCCVC=code,Đơn vị công tác=unit"` → {header: field}. Raises ImportRejected for a
    field name that does not exist."""
    mapping: dict[str, str] = {}
    errors: list[CellError] = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        header, sep, key = part.rpartition("=")
        if not sep or not header.strip():
            errors.append(
                CellError(_("mapping"), None, None, _("“%(part)s” is not “column=field”.") % {"part": part.strip()})
            )
            continue
        if normalise_header(key) in IGNORE_KEYS:
            mapping[header.strip()] = ""
            continue
        fld = field_for_key(key)
        if fld is None:
            errors.append(
                CellError(
                    _("mapping"),
                    None,
                    None,
                    _("“%(key)s” is not a roster field; use one of: %(fields)s.")
                    % {"key": key.strip(), "fields": ", ".join(["code", "name", "unit", *list(FIELDS)[2:]])},
                )
            )
            continue
        mapping[header.strip()] = fld
    if errors:
        raise ImportRejected(errors)
    return mapping


def scan_headers(sheet: str, scanned: list[tuple], *, mapping=None, saved=None) -> HeaderScan:
    """Find the header row among the first rows (title rows, merged or not, come above it) and
    match its cells to fields. `mapping` ({header text: field or ""}) was given by the user for this
    file: a header it names must exist. `saved` is the user's last mapping: used where it fits."""
    best_number, best_score = None, 0
    for number, values in enumerate(scanned, 1):
        texts = [v for v in values or () if v not in (None, "")]
        if len(texts) < 2:
            continue
        fields = {_guess(v)[0] for v in texts} - {""}
        wanted = {normalise_header(h) for h in (mapping or {})}
        score = len(fields) + 2 * sum(1 for v in texts if normalise_header(v) in wanted)
        if score > best_score:
            best_number, best_score = number, score
    if best_number is None or best_score < 1:
        raise ImportRejected(
            [
                CellError(
                    sheet,
                    None,
                    None,
                    _(
                        "No header row found in the first %(n)s rows: no row names the columns "
                        "(Mã số, Họ và tên, Đơn vị, Phân loại…)."
                    )
                    % {"n": len(scanned)},
                )
            ]
        )
    values = scanned[best_number - 1]
    scan = HeaderScan(sheet=sheet, row=best_number)
    for index, raw in enumerate(values):
        text = " ".join(str(raw).split()) if raw not in (None, "") else ""
        if text:
            scan.cells.append(HeaderCell(index, get_column_letter(index + 1), text))
    errors: list[CellError] = []
    by_norm: dict[str, list[HeaderCell]] = {}
    for cell in scan.cells:
        by_norm.setdefault(normalise_header(cell.text), []).append(cell)
    explicit = {normalise_header(k): v for k, v in (mapping or {}).items()}
    remembered = {normalise_header(k): v for k, v in (saved or {}).items() if v in FIELDS or v == ""}
    for header in mapping or {}:
        if normalise_header(header) not in by_norm:
            errors.append(
                CellError(
                    sheet,
                    best_number,
                    None,
                    _("The mapping names the column “%(column)s”, which is not in the header row.")
                    % {"column": header},
                )
            )
    for cell in scan.cells:
        norm = normalise_header(cell.text)
        if norm in explicit:
            cell.field, cell.how = explicit[norm], "mapped"
        elif norm in remembered:
            cell.field, cell.how = remembered[norm], "mapped"
        else:
            cell.field, cell.how = _guess(cell.text)
    for cells in by_norm.values():
        claimed = [c for c in cells if c.field]
        if len(claimed) > 1:
            errors.append(
                CellError(
                    sheet,
                    best_number,
                    ", ".join(c.letter for c in claimed),
                    _("The header “%(header)s” appears in more than one column; rename one of them.")
                    % {"header": cells[0].text},
                )
            )
    if errors:
        raise ImportRejected(errors)
    rank = {"mapped": 0, "exact": 1, "contains": 2}
    for fld in FIELDS:
        claimed = [c for c in scan.cells if c.field == fld]
        if len(claimed) < 2:
            continue
        top = min(rank[c.how] for c in claimed)
        winners = [c for c in claimed if rank[c.how] == top]
        for c in claimed:
            if c not in winners:
                c.field, c.how = "", ""
        if len(winners) > 1:
            scan.conflicts[fld] = winners
            for c in winners:
                c.field, c.how = "", ""
    found = {c.field for c in scan.cells}
    scan.missing = [c.field for c in COLUMNS if c.required and c.field not in found and c.field not in scan.conflicts]
    return scan


def _mapping_errors(scan: HeaderScan) -> list[CellError]:
    errors = []
    if scan.missing:
        errors.append(
            CellError(
                scan.sheet,
                scan.row,
                None,
                _("Missing required column(s): %(columns)s.")
                % {"columns": ", ".join(str(FIELDS[f].label) for f in scan.missing)},
            )
        )
    for fld, cells in scan.conflicts.items():
        errors.append(
            CellError(
                scan.sheet,
                scan.row,
                ", ".join(c.letter for c in cells),
                _("Columns %(columns)s could each be “%(field)s”; say which one is.")
                % {"columns": ", ".join(f"“{c.text}”" for c in cells), "field": FIELDS[fld].label},
            )
        )
    return errors


PREVIEW_ROWS = 50
CHUNK_ROWS = 1000  # rows validated, compared and written together (one query for the existing people)


def read_roster(data: bytes, *, mapping=None, saved=None) -> tuple[HeaderScan, Iterator[Row]]:
    """Open the first sheet, find and match its header row; return the scan and an iterator of the
    rows as field → value, read from the sheet as it streams (openpyxl read-only mode), so a file of
    IMPORT_MAX_ROWS rows is never held whole in memory."""
    workbook = open_workbook(data)
    try:
        ws = workbook.worksheets[0]
        sheet = ws.title
        rows_iter = ws.iter_rows(values_only=True)
        scanned = []
        for values in rows_iter:
            scanned.append(values)
            if len(scanned) >= HEADER_SCAN_ROWS:
                break
        if not any(any(v not in (None, "") for v in r or ()) for r in scanned):
            raise ImportRejected([CellError(sheet, None, None, _("The sheet is empty."))])
        scan = scan_headers(sheet, scanned, mapping=mapping, saved=saved)
        if scan.needs_mapping:
            raise MappingNeeded(_mapping_errors(scan), scan)
    except ImportRejected:
        workbook.close()
        raise
    except Exception as exc:  # a part that openpyxl (with defusedxml) refuses
        workbook.close()
        raise ImportRejected(
            [CellError(_("file"), None, None, _("The workbook cannot be read: %(error)s") % {"error": exc})]
        ) from exc
    return scan, _roster_rows(workbook, scan, scanned, rows_iter)


def _roster_rows(workbook, scan: HeaderScan, scanned: list, rows_iter) -> Iterator[Row]:
    columns = [(f, c.index) for f, c in scan.mapping.items()]
    letters = {f: c.letter for f, c in scan.mapping.items()}  # one dict shared by every row
    limit = settings.IMPORT_MAX_ROWS
    count = 0
    try:
        for number, values in itertools.chain(
            enumerate(scanned[scan.row :], scan.row + 1), enumerate(rows_iter, len(scanned) + 1)
        ):
            if values is None or all(v in (None, "") for v in values):
                continue
            if count >= limit:
                raise ImportRejected(
                    [
                        CellError(
                            scan.sheet,
                            number,
                            None,
                            _("The file has more than %(limit)s rows; split it.") % {"limit": limit},
                        )
                    ]
                )
            count += 1
            yield Row(number=number, values={f: (values[i] if i < len(values) else None) for f, i in columns},
                      columns=letters)  # fmt: skip
    except ImportRejected:
        raise
    except Exception as exc:  # a part that openpyxl (with defusedxml) refuses while reading rows
        raise ImportRejected(
            [CellError(_("file"), None, None, _("The workbook cannot be read: %(error)s") % {"error": exc})]
        ) from exc
    finally:
        workbook.close()


@dataclass
class RosterPlan:
    """What an import does (or did): counts, and the first PREVIEW_ROWS rows for the preview. The
    rows themselves are not kept: they are validated, compared and written CHUNK_ROWS at a time."""

    sheet: str
    preview: list[dict] = field(default_factory=list)  # cleaned values, with "row" and "action"
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    scan: HeaderScan | None = None


def roster_parse(
    *, data: bytes, actor, mapping: dict | None = None, saved: dict | None = None, write: bool = False
) -> RosterPlan:
    """Read and validate the whole file, CHUNK_ROWS rows at a time. Raises ImportRejected with every
    bad cell (MappingNeeded when the columns need the user's word); a unit outside the actor's scope
    is a bad cell. With `write`, each chunk is written as soon as it is checked while no error has been
    found: call it inside a transaction (roster_import), which the error at the end rolls back."""
    require(actor, Perm.STAFF_MANAGE)
    scan, rows = read_roster(data, mapping=mapping, saved=saved)
    sheet = scan.sheet
    errors: list[CellError] = []
    letters = {f: c.letter for f, c in scan.mapping.items()}

    def bad(number, fld, message):
        errors.append(CellError(sheet, number, letters.get(fld), message))

    # The province's units are a few thousand rows at most: read once, matched in memory.
    units_by_code: dict[str, Unit] = {}
    units_by_name: dict[str, list[Unit]] = {}
    for unit in Unit.objects.only("pk", "code", "name"):
        units_by_code[unit.code] = unit
        units_by_name.setdefault(unit.name, []).append(unit)
    allowed_unit_ids = set(Unit.objects.filter(unit_scope_q(actor, Perm.STAFF_MANAGE)).values_list("pk", flat=True))

    plan = RosterPlan(sheet=sheet, scan=scan)
    seen_codes: dict[str, int] = {}
    chunk: list[dict] = []
    today = timezone.localdate()

    def flush():
        _plan_actions(plan, chunk, allowed_unit_ids, bad)
        if write and not errors:
            _write_chunk(chunk, actor=actor, today=today)
        room = PREVIEW_ROWS - len(plan.preview)
        if room > 0:
            plan.preview.extend({k: v for k, v in item.items() if k != "existing"} for item in chunk[:room])
        chunk.clear()

    for row in rows:
        values = row.values
        number = row.number
        plan.total += 1
        item: dict = {"row": number}
        code = clean_text(values.get("staff_code"))
        if not code:
            bad(number, "staff_code", _("Staff code is empty."))
        elif len(code) > 32:
            bad(number, "staff_code", _("Staff code is longer than 32 characters."))
        elif code in seen_codes:
            bad(
                number,
                "staff_code",
                _("Staff code %(code)s appears again (first on row %(row)s).")
                % {"code": code, "row": seen_codes[code]},
            )
        else:
            seen_codes[code] = number
        item["staff_code"] = code
        name = clean_text(values.get("full_name"))
        if not name:
            bad(number, "full_name", _("Full name is empty."))
        item["full_name"] = name
        item["search_name"] = fold(name)

        unit_key = clean_text(values.get("unit"))
        unit = units_by_code.get(unit_key)
        if unit is None and unit_key:
            candidates = units_by_name.get(unit_key, [])
            if len(candidates) > 1:
                bad(number, "unit", _("Unit name “%(unit)s” is not unique; use the unit code.") % {"unit": unit_key})
            elif candidates:
                unit = candidates[0]
            else:
                bad(
                    number,
                    "unit",
                    _("Unknown unit “%(unit)s” (give the unit code or its exact name).") % {"unit": unit_key},
                )
        elif unit is None:
            bad(number, "unit", _("Unit is empty."))
        if unit is not None and unit.pk not in allowed_unit_ids:
            bad(number, "unit", _("The unit “%(unit)s” is outside your scope.") % {"unit": unit.name})
        item["unit"] = unit

        for fld in ("gender", "category", "status"):
            raw = clean_text(values.get(fld))
            choice = CHOICE_WORDS[fld].get(fold(raw))
            if choice is None and raw and fold(raw) in {c.lower() for c in CHOICE_WORDS[fld].values()}:
                choice = fold(raw)
            if choice is None:
                if fld == "category" and not raw:
                    bad(number, fld, _("Category is empty."))
                elif raw:
                    bad(number, fld, _("“%(value)s” is not a known value for this column.") % {"value": raw})
                else:
                    choice = "" if fld == "gender" else StaffStatus.ACTIVE
            item[fld] = choice

        for fld in DATE_FIELDS:
            try:
                item[fld] = parse_date(values.get(fld))
            except ValueError as exc:
                bad(number, fld, str(exc))
                item[fld] = None
        if item.get("date_of_birth") and item["date_of_birth"] > today:
            bad(number, "date_of_birth", _("Date of birth is in the future."))
        if item.get("date_of_birth") and item["date_of_birth"] < dt.date(1900, 1, 1):
            bad(number, "date_of_birth", _("Date of birth is before 1900."))

        email = clean_text(values.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                bad(number, "email", _("“%(value)s” is not an e-mail address.") % {"value": email})
        item["email"] = email
        for fld in TEXT_FIELDS:
            item[fld] = clean_text(values.get(fld))[:255]
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            flush()
    if chunk:
        flush()
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return plan


def _plan_actions(plan: RosterPlan, chunk: list[dict], allowed_unit_ids, bad) -> None:
    codes = [r["staff_code"] for r in chunk if r["staff_code"]]
    existing = {s.staff_code: s for s in Staff.objects.filter(staff_code__in=codes).select_related("unit")}
    for item in chunk:
        current = existing.get(item["staff_code"])
        if current is not None and current.unit_id not in allowed_unit_ids:
            bad(
                item["row"],
                "staff_code",
                _("Staff code %(code)s belongs to a person in a unit outside your scope.")
                % {"code": item["staff_code"]},
            )
            item["action"] = "refused"
            continue
        if current is None:
            item["action"] = "create"
            plan.created += 1
        elif any(getattr(current, f) != item[f] for f in WRITE_FIELDS):
            item["action"] = "update"
            item["existing"] = current
            plan.updated += 1
        else:
            item["action"] = "unchanged"
            plan.unchanged += 1


def _write_chunk(chunk: list[dict], *, actor, today) -> None:
    """Upsert one checked chunk by staff code; unit changes recorded in the history."""
    to_create, to_update, moved = [], [], []
    for item in chunk:
        if item["action"] == "create":
            to_create.append(Staff(staff_code=item["staff_code"], **{f: item[f] for f in WRITE_FIELDS}))
        elif item["action"] == "update":
            staff = item["existing"]
            if staff.unit_id != item["unit"].pk:
                moved.append((staff, item["unit"]))
            for f in WRITE_FIELDS:
                setattr(staff, f, item[f])
            staff.updated_at = timezone.now()
            to_update.append(staff)
    created = audit.bulk_create(Staff, to_create, actor=actor)
    audit.bulk_update(Staff, to_update, [*WRITE_FIELDS, "updated_at"], actor=actor)
    if not all(s.pk for s in created):  # backends without RETURNING ids
        by_code = dict(
            Staff.objects.filter(staff_code__in=[s.staff_code for s in created]).values_list("staff_code", "pk")
        )
        for s in created:
            s.pk = by_code[s.staff_code]
    history = [
        StaffUnitHistory(staff=s, unit=s.unit, start_date=s.start_date or today, recorded_by=actor) for s in created
    ]
    if moved:
        open_rows = list(StaffUnitHistory.objects.filter(staff__in=[s for s, _ in moved], end_date__isnull=True))
        closing = [h for h in open_rows if h.start_date < today]
        for h in closing:
            h.end_date = today - dt.timedelta(days=1)
        audit.bulk_update(StaffUnitHistory, closing, ["end_date"], actor=actor)
        for h in open_rows:
            if h.start_date >= today:  # had not started yet: replaced by the new row
                h.delete()
        history += [StaffUnitHistory(staff=s, unit=u, start_date=today, recorded_by=actor) for s, u in moved]
    audit.bulk_create(StaffUnitHistory, history, actor=actor)


def roster_import(
    *, data: bytes, actor, dry_run: bool = False, mapping: dict | None = None, saved: dict | None = None
) -> RosterPlan:
    """Check the file and (unless `dry_run`) write it, all or nothing: chunks are written as they are
    checked, inside one transaction that any bad cell rolls back."""
    if dry_run:
        return roster_parse(data=data, actor=actor, mapping=mapping, saved=saved)
    require(actor, Perm.STAFF_MANAGE)
    with transaction.atomic():
        return roster_parse(data=data, actor=actor, mapping=mapping, saved=saved, write=True)


__all__ = [
    "HeaderScan",
    "ImportRejected",
    "MappingNeeded",
    "RosterPlan",
    "parse_mapping",
    "roster_import",
    "roster_parse",
]


def roster_mapping_get(*, user) -> dict[str, str]:
    """The user's last confirmed mapping ({} if none)."""
    if not getattr(user, "pk", None):
        return {}
    saved = RosterColumnMapping.objects.filter(user=user).values_list("mapping", flat=True).first()
    return dict(saved or {})


def roster_mapping_save(*, actor, mapping: dict[str, str]) -> None:
    """Keep the columns the user mapped by hand for next time (only real fields or "" = ignored)."""
    require(actor, Perm.STAFF_MANAGE)
    clean = {str(k)[:255]: v for k, v in mapping.items() if v in FIELDS or v == ""}
    RosterColumnMapping.objects.update_or_create(user=actor, defaults={"mapping": clean})


def roster_template_xlsx() -> bytes:
    """The workbook to fill in: one column per field under its usual Vietnamese header, and an example row."""
    writer = XlsxWriter()
    writer.sheet(_("Roster"), [c.aliases[0] for c in COLUMNS])
    writer.row(
        [
            "CB0001",
            "Nguyễn Văn An",
            "Nam",
            "05/04/1990",
            "SO-NV",
            "Công chức",
            "Chuyên viên tổng hợp",
            "01.003",
            "Chuyên viên",
            "Trưởng phòng",
            "an.nv@example.gov.vn",
            "0912345678",
            "01/09/2015",
            "Đang công tác",
        ]
    )
    return writer.save()
