"""Submissions collected elsewhere: a KoboToolbox or ODK Central submissions export (XLSX or CSV,
one row per submission, columns named by item `name`, Kobo's `group/name` and Central's
`group-name` paths too) becomes draft inspections of an inspection plan.

Every row is checked first (unit in the plan and in the user's scope, date, each answer against its
item), then all rows are written in one transaction or none. A submission is known by its
`instanceID` (Kobo `_uuid`, Central `KEY`), stored on the inspection under a unique constraint: a
second import of the same file creates nothing and says so. Photos named in image columns are
attached when the export is uploaded as a zip holding the table and the photo files. Repeat groups
(Kobo's extra sheets) are not imported: CongVu answers each item once."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.xlsx import CellError, ImportRejected, clean_text, open_workbook, parse_date
from inspections import relevance, scoring, services
from inspections.models import AnswerType, Assignment, Inspection, InspectionPlan, Item
from inspections.selectors import can_fill
from inspections.services import AnswerInput

ID_COLUMNS = ("meta/instanceid", "instanceid", "meta-instanceid", "meta/instanceid", "key", "_uuid", "uuid")
MAX_PHOTOS_BYTES = 200 * 1024 * 1024


@dataclass
class SubmissionRow:
    row: int
    external_id: str
    assignment: Assignment
    inspected_on: dt.date
    inspector: str
    filler: object | None  # the user recorded as filling it (the inspector if known, else the importer)
    answers: list[AnswerInput] = field(default_factory=list)


@dataclass
class SubmissionPlan:
    sheet: str
    plan: InspectionPlan
    rows: list[SubmissionRow] = field(default_factory=list)  # to create
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (row, id) already imported
    matched: dict[str, str] = field(default_factory=dict)  # column header → item code
    ignored: list[str] = field(default_factory=list)
    photos: dict[str, bytes] = field(default_factory=dict)  # file name → bytes, for rows to create
    created: list[Inspection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.duplicates)


# ------------------------------------------------------------------------------------ reading
def _split_bundle(data: bytes, filename: str) -> tuple[bytes, str, dict[str, bytes] | None]:
    """(table bytes, "xlsx" or "csv", photos by file name, None without a bundle). A zip that is
    not itself a workbook is a bundle: its one .xlsx or .csv is the table, its images the photos."""
    is_zip = zipfile.is_zipfile(io.BytesIO(data))
    if not is_zip:
        return data, "csv", None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" in names:
            return data, "xlsx", None
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_PHOTOS_BYTES:
            raise ImportRejected(
                [
                    CellError(
                        _("file"),
                        None,
                        None,
                        _("The zip unpacks to more than %(mb)s MB.") % {"mb": MAX_PHOTOS_BYTES // 1048576},
                    )
                ]
            )
        tables = [m for m in members if m.filename.lower().endswith((".xlsx", ".csv"))]
        if len(tables) != 1:
            raise ImportRejected(
                [
                    CellError(
                        _("file"),
                        None,
                        None,
                        _("The zip must hold exactly one submissions table (.xlsx or .csv); it holds %(n)s.")
                        % {"n": len(tables)},
                    )
                ]
            )
        table = archive.read(tables[0])
        photos = {
            posixpath.basename(m.filename): archive.read(m)
            for m in members
            if m is not tables[0] and m.filename.lower().endswith((".jpg", ".jpeg", ".png", ".webp"))
        }
        kind = "xlsx" if tables[0].filename.lower().endswith(".xlsx") else "csv"
        return table, kind, photos


def _read_table(data: bytes, kind: str) -> tuple[str, list[str], list[tuple[int, list]]]:
    """(sheet name, headers, [(row number, values)])."""
    if kind == "xlsx":
        workbook = open_workbook(data)
        try:
            ws = workbook.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            title = ws.title
        finally:
            workbook.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRejected(
                [CellError(_("file"), None, None, _("The CSV file is not UTF-8 text; export it again as UTF-8."))]
            ) from None
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
        title = "CSV"
    if not rows or not any(v not in (None, "") for v in rows[0]):
        raise ImportRejected([CellError(title, 1, None, _("The first row must name the columns; it is empty."))])
    headers = [" ".join(str(v).split()) if v not in (None, "") else "" for v in rows[0]]
    body = [(n, r) for n, r in enumerate(rows[1:], 2) if any(v not in (None, "") for v in r)]
    if len(body) > settings.IMPORT_MAX_ROWS:
        raise ImportRejected(
            [
                CellError(
                    title,
                    None,
                    None,
                    _("The file has more than %(limit)s rows; split it.") % {"limit": settings.IMPORT_MAX_ROWS},
                )
            ]
        )
    return title, headers, body


def _find_column(headers: list[str], name: str) -> int | None:
    """The column named `name`, as is, or as the last part of a group path (a/b/name, a-name)."""
    wanted = name.strip().lower()
    if not wanted:
        return None
    lowered = [h.lower() for h in headers]
    if wanted in lowered:
        return lowered.index(wanted)
    for index, header in enumerate(lowered):
        if header.endswith("/" + wanted) or header.endswith("-" + wanted):
            return index
    return None


def _match_items(headers: list[str], items: list[Item]) -> dict[int, Item]:
    """Column index → item, longest codes first so `A-01` is not taken for `01`."""
    found: dict[int, Item] = {}
    lowered = [h.lower() for h in headers]
    for item in sorted(items, key=lambda i: -len(i.code)):
        code = item.code.lower()
        for index, header in enumerate(lowered):
            if index in found:
                continue
            if header == code or header.endswith("/" + code) or header.endswith("-" + code):
                found[index] = item
                break
    return found


def _date(value) -> dt.date | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return parse_date(value)
    text = clean_text(value)
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", text)
    return parse_date(match.group(1) if match else text)


# ------------------------------------------------------------------------------------ the parse
def submissions_parse(
    *,
    actor,
    plan: InspectionPlan,
    data: bytes,
    filename: str = "",
    unit_column: str,
    date_column: str = "today",
    inspector_column: str = "",
) -> SubmissionPlan:
    """Read and check every row; raise ImportRejected with every problem (sheet, row, column)."""
    table, kind, photos = _split_bundle(data, filename)
    sheet, headers, body = _read_table(table, kind)
    errors: list[CellError] = []

    def column_error(message):
        errors.append(CellError(sheet, 1, None, message))

    id_index = next((i for i, h in enumerate(headers) if h.lower() in ID_COLUMNS), None)
    if id_index is None:
        id_index = next((i for i, h in enumerate(headers) if h.lower().endswith(("/instanceid", "-instanceid"))), None)
    if id_index is None:
        column_error(
            _("No submission id column (meta/instanceID, _uuid or KEY): each submission must be known by its id.")
        )
    unit_index = _find_column(headers, unit_column)
    if unit_index is None:
        column_error(_("No column “%(column)s” for the unit code.") % {"column": unit_column})
    date_index = _find_column(headers, date_column) if date_column else None
    if date_column and date_index is None:
        column_error(_("No column “%(column)s” for the inspection date.") % {"column": date_column})
    inspector_index = _find_column(headers, inspector_column) if inspector_column else None
    if inspector_column and inspector_index is None:
        column_error(_("No column “%(column)s” for the inspector.") % {"column": inspector_column})

    assignments = list(
        Assignment.objects.filter(plan=plan).select_related("unit", "template_version__template", "lead")
    )
    version_ids = {a.template_version_id for a in assignments}
    items_by_version: dict[int, list[Item]] = {}
    for item in Item.objects.filter(version_id__in=version_ids).order_by("order"):
        items_by_version.setdefault(item.version_id, []).append(item)
    # The template whose items the columns name most.
    best_version, matches = None, {}
    for version_id, items in items_by_version.items():
        found = _match_items(headers, items)
        if len(found) > len(matches):
            best_version, matches = version_id, found
    if not matches:
        column_error(
            _("No column matches an item of the plan's templates (columns are named by the item name, e.g. %(codes)s).")
            % {"codes": ", ".join(i.code for items in items_by_version.values() for i in items[:3]) or "—"}
        )
    if errors:
        raise ImportRejected(errors)

    result = SubmissionPlan(sheet=sheet, plan=plan)
    result.matched = {headers[i]: item.code for i, item in matches.items()}
    used = set(matches) | {id_index, unit_index, date_index, inspector_index}
    result.ignored = [h for i, h in enumerate(headers) if i not in used and h]
    by_unit: dict[str, list[Assignment]] = {}
    for a in assignments:
        if a.template_version_id == best_version:
            by_unit.setdefault(a.unit.code.lower(), []).append(a)
    ids = [clean_text(r[id_index]) if id_index < len(r) else "" for _n, r in body]
    ids = [re.sub(r"^uuid:", "", i, flags=re.IGNORECASE) for i in ids]
    known = set(Inspection.objects.filter(external_id__in=[i for i in ids if i]).values_list("external_id", flat=True))
    names = {
        clean_text(r[inspector_index]) for _n, r in body if inspector_index is not None and inspector_index < len(r)
    }
    users = {
        u.username.lower(): u
        for u in get_user_model().objects.filter(is_active=True, username__in=[n for n in names if n])
    }
    inspected = set(Inspection.objects.filter(assignment__plan=plan).values_list("assignment_id", flat=True))
    seen_ids: dict[str, int] = {}
    seen_assignments: dict[int, int] = {}
    letter = lambda index: get_column_letter(index + 1)  # noqa: E731

    for (number, values), external_id in zip(body, ids):

        def bad(index, message, number=number):
            errors.append(CellError(sheet, number, letter(index) if index is not None else None, message))

        def cell(index, values=values):
            return values[index] if index is not None and index < len(values) else None

        if not external_id:
            bad(id_index, _("The submission id is empty."))
            continue
        if external_id in seen_ids:
            bad(
                id_index,
                _("Submission %(id)s appears again (first on row %(row)s).")
                % {"id": external_id, "row": seen_ids[external_id]},
            )
            continue
        seen_ids[external_id] = number
        if external_id in known:
            result.duplicates.append((number, external_id))
            continue
        unit_code = clean_text(cell(unit_index))
        candidates = by_unit.get(unit_code.lower(), [])
        if not unit_code:
            bad(unit_index, _("The unit code is empty."))
            continue
        if not candidates:
            bad(
                unit_index,
                _("Unit %(unit)s has no assignment with this template in the plan “%(plan)s”.")
                % {"unit": unit_code, "plan": plan.name},
            )
            continue
        assignment = candidates[0]
        if not can_fill(user=actor, assignment=assignment):
            bad(
                unit_index,
                _("Unit %(unit)s is outside your scope: you are not on its inspection team.") % {"unit": unit_code},
            )
            continue
        if assignment.pk in seen_assignments:
            bad(
                unit_index,
                _("Unit %(unit)s already has a submission on row %(row)s; one inspection per unit and plan.")
                % {"unit": unit_code, "row": seen_assignments[assignment.pk]},
            )
            continue
        seen_assignments[assignment.pk] = number
        if assignment.pk in inspected:
            bad(unit_index, _("Unit %(unit)s already has an inspection in this plan.") % {"unit": unit_code})
            continue
        inspected_on = None
        if date_index is not None:
            try:
                inspected_on = _date(cell(date_index))
            except ValueError as exc:
                bad(date_index, str(exc))
                continue
        inspector = clean_text(cell(inspector_index))
        filler = users.get(inspector.lower())
        if filler is not None and not can_fill(user=filler, assignment=assignment):
            filler = None
        entry = SubmissionRow(
            row=number,
            external_id=external_id,
            assignment=assignment,
            inspected_on=inspected_on or timezone.localdate(),
            inspector=inspector,
            filler=filler,
        )
        for index, item in matches.items():
            raw = cell(index)
            if raw in (None, ""):
                continue
            if item.answer_type == AnswerType.PHOTO:
                name = posixpath.basename(clean_text(raw))
                if photos is None:
                    continue  # the table alone: photos are not part of it
                if name not in photos:
                    bad(index, _("The photo “%(name)s” is not in the zip.") % {"name": name})
                    continue
                result.photos[name] = photos[name]
                entry.answers.append(AnswerInput(item=item.code, value="", evidence=[name]))
                continue
            if item.answer_type == AnswerType.NOTE:
                entry.answers.append(AnswerInput(item=item.code, value="", note=clean_text(raw)[:4000]))
                continue
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            if isinstance(raw, (dt.date, dt.datetime)):
                raw = raw.strftime("%Y-%m-%d")
            try:
                value = scoring.normalise(item.answer_type, raw, item.choices)
            except scoring.AnswerError as exc:
                bad(index, _("%(code)s: %(error)s") % {"code": item.code, "error": exc})
                continue
            if value not in ("", scoring.NA) and not relevance.constraint_met(item.constraint, value, {}):
                message = item.constraint_message or _("the answer must meet the condition %(expr)s") % {
                    "expr": item.constraint
                }
                bad(index, _("%(code)s: %(error)s") % {"code": item.code, "error": message})
                continue
            entry.answers.append(AnswerInput(item=item.code, value=value))
        result.rows.append(entry)
    if errors:
        raise ImportRejected(errors)
    return result


# ------------------------------------------------------------------------------------ the write
def submissions_apply(*, plan: SubmissionPlan, actor) -> SubmissionPlan:
    """Create the draft inspections, all or none."""
    try:
        with transaction.atomic():
            shas: dict[str, str] = {}
            for name, data in plan.photos.items():
                sha = hashlib.sha256(data).hexdigest()
                try:
                    services.evidence_store(actor=actor, sha256=sha, data=data)
                except ValidationError as exc:
                    raise ImportRejected(
                        [
                            CellError(
                                plan.sheet,
                                None,
                                None,
                                _("Photo “%(name)s”: %(error)s") % {"name": name, "error": exc.messages[0]},
                            )
                        ]
                    ) from exc
                shas[name] = sha
            for entry in plan.rows:
                answers = [
                    AnswerInput(item=a.item, value=a.value, note=a.note, evidence=[shas[n] for n in a.evidence or []])
                    for a in entry.answers
                ]
                note = _("Imported from KoboToolbox / ODK (submission %(id)s).") % {"id": entry.external_id}
                if entry.inspector:
                    note += " " + _("Inspector: %(name)s.") % {"name": entry.inspector}
                try:
                    inspection = services.inspection_save(
                        actor=entry.filler or actor,
                        assignment=entry.assignment,
                        answers=answers,
                        inspected_on=entry.inspected_on,
                        summary=note,
                    )
                except ValidationError as exc:
                    raise ImportRejected([CellError(plan.sheet, entry.row, None, m) for m in exc.messages]) from exc
                inspection.external_id = entry.external_id
                inspection.save(update_fields=["external_id"])
                plan.created.append(inspection)
    except IntegrityError as exc:  # the same submission imported at the same moment by someone else
        raise ImportRejected(
            [CellError(plan.sheet, None, None, _("These submissions were imported meanwhile; import the file again."))]
        ) from exc
    return plan


def submissions_import(*, actor, plan: InspectionPlan, data: bytes, dry_run: bool = False, **columns) -> SubmissionPlan:
    result = submissions_parse(actor=actor, plan=plan, data=data, **columns)
    if not dry_run:
        submissions_apply(plan=result, actor=actor)
    return result
