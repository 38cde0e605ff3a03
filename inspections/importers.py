"""XLSForm workbooks in, as the standard defines them (any form that pyxform, the reference XLSForm
reader used by ODK and KoboToolbox, converts): CongVu's own export round-trips, and a form built in
Kobo's form builder or written after ODK's examples imports too.

How an XLSForm becomes a checklist:
- each top-level group (or repeat) is a section; questions outside any group go to a section named
  after the form (or "Chung"); nested groups are flattened into their top-level section;
- a repeat is imported as an ordinary section whose questions are answered once (CongVu has no
  repeated answers); the summary says so;
- metadata (start, end, today, deviceid, username, phonenumber, audit…) and calculate/hidden rows
  are skipped and listed in the summary;
- `note` rows become guidance items (no answer), `hint` and `constraint_message` guidance text;
- select_one lists import with their choices; scores come from a `score` column on the choices
  sheet, else yes/no/not-applicable choices are scored as CongVu's yes_no_na, else the item is an
  unscored question; select_multiple, integer, decimal, range, text, date and image import; other
  types (geopoint, audio, barcode…) become notes-only items, named in the summary;
- a single `label` column is the settings' default language, or Vietnamese.
Nothing is written before the whole workbook has been read; the write is one transaction."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.text import fold
from core.xlsx import CellError, ImportRejected, clean_text, open_workbook
from inspections import relevance, services
from inspections.exports import CHOICE_LISTS, PERCENT_CONSTRAINT
from inspections.models import AnswerType, ChecklistTemplate, TemplateKind, TemplateVersion
from inspections.scoring import DEFAULT_FAILING, failing_answers_problem
from inspections.services import ItemSpec, SectionSpec

XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
TRUE_WORDS = {"yes", "true", "1", "có", "co", "x", "true()"}
FALSE_WORDS = {"", "no", "false", "0", "không", "khong", "false()"}
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "username",
    "phonenumber",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
    "imei",
    "uri:username",
    "uri:email",
    "uri:phonenumber",
    "uri:deviceid",
    "uri:subscriberid",
    "uri:simserial",
    "instanceid",
}
SKIPPED_TYPES = {"calculate", "hidden", "xml-external", "csv-external", "start-geopoint"}
SIMPLE_TYPES = {
    "text": AnswerType.TEXT,
    "string": AnswerType.TEXT,
    "date": AnswerType.DATE,
    "image": AnswerType.PHOTO,
    "photo": AnswerType.PHOTO,
    "integer": AnswerType.INTEGER,
    "int": AnswerType.INTEGER,
    "decimal": AnswerType.NUMBER,
    "range": AnswerType.NUMBER,
}
YES_WORDS = {"co", "yes", "y", "dat", "da_dat", "dung", "true", "tot", "pass", "ok", "co_thuc_hien", "da_thuc_hien"}
NO_WORDS = {"khong", "no", "n", "khong_dat", "chua_dat", "sai", "false", "fail", "chua", "khong_thuc_hien"}
NA_WORDS = {"na", "n_a", "khong_ap_dung", "kad", "not_applicable", "khong_ap_dung_duoc", "kap_dung", "none_applicable"}
GENERAL_SECTION_CODE = "chung"


@dataclass
class ImportSummary:
    """What the import will do, shown before anything is saved."""

    form_id: str = ""
    title: str = ""
    sections: int = 0
    items: int = 0
    scored: list[str] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)  # codes of questions without a score
    guidance: list[str] = field(default_factory=list)  # note rows
    notes_only: list[tuple[int, str, str]] = field(default_factory=list)  # (row, type, name)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (row, type, name) metadata, calculate
    remarks: list[str] = field(default_factory=list)  # repeats, nested groups, dropped relevant…
    conditions: list[str] = field(default_factory=list)  # codes whose `relevant` is kept and evaluated
    constraints: list[str] = field(default_factory=list)  # codes whose `constraint` is kept and enforced
    language: str = ""

    @property
    def question_count(self) -> int:
        return len(self.scored) + len(self.unscored)


def _word(text) -> str:
    return re.sub(r"[^0-9a-z]+", "_", fold(str(text or ""))).strip("_")


def _truthy(text: str) -> bool | None:
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


# ------------------------------------------------------------------------------- reading sheets
@dataclass
class Sheet:
    title: str
    headers: dict[str, int]  # header (lower case, as written) → column index
    rows: list[tuple[int, tuple]]  # (row number, values)

    def get(self, values, *names) -> str:
        for name in names:
            index = self.headers.get(name)
            if index is not None and index < len(values):
                value = clean_text(values[index]) if not isinstance(values[index], str) else values[index].strip()
                if value:
                    return value
        return ""

    def letter(self, *names) -> str | None:
        for name in names:
            if name in self.headers:
                return get_column_letter(self.headers[name] + 1)
        return None


def _read_sheets(data: bytes) -> dict[str, Sheet]:
    workbook = open_workbook(data)
    sheets: dict[str, Sheet] = {}
    try:
        for ws in workbook.worksheets:
            name = ws.title.strip().lower()
            if name not in ("survey", "choices", "settings"):
                continue
            rows = list(ws.iter_rows(values_only=True))
            header_at = next((i for i, r in enumerate(rows) if r and any(v not in (None, "") for v in r)), None)
            headers: dict[str, int] = {}
            if header_at is not None:
                for index, value in enumerate(rows[header_at]):
                    text = " ".join(str(value).split()).lower() if value not in (None, "") else ""
                    if text and text not in headers:
                        headers[text] = index
            body = [
                (number, values)
                for number, values in enumerate(rows[(header_at or 0) + 1 :], (header_at or 0) + 2)
                if values and any(v not in (None, "") for v in values)
            ]
            sheets[name] = Sheet(ws.title, headers, body)
    except Exception as exc:  # openpyxl raises many kinds for broken parts
        raise ImportRejected(
            [CellError(_("file"), None, None, _("The workbook cannot be read: %(error)s") % {"error": exc})]
        ) from exc
    finally:
        workbook.close()
    return sheets


def _language_columns(sheet: Sheet, base: str, default_language: str) -> tuple[list[str], list[str]]:
    """Column names holding the Vietnamese and the English text of `base` (label, hint…), best first."""
    vi, en, plain, others = [], [], [], []
    for header in sheet.headers:
        if header == base:
            plain.append(header)
        elif header.startswith(base + "::") or header.startswith(base + ":"):
            lang = fold(header.split(":", 1)[1].lstrip(":"))
            if "(vi)" in lang or lang.startswith("vietnam") or lang.startswith("tieng viet") or lang == "vi":
                vi.append(header)
            elif "(en)" in lang or lang.startswith("english") or lang == "en":
                en.append(header)
            else:
                others.append(header)
    default = fold(default_language)
    plain_is_en = bool(default) and ("(en)" in default or default.startswith("english") or default == "en")
    if plain_is_en:
        return vi + others + plain, en + plain
    return vi + plain + others, en


# ------------------------------------------------------------------------------------ the parse
def _pyxform_errors(data: bytes) -> list[CellError]:
    """pyxform converts the workbook to an XForm; what it refuses is reported as it says it, with
    the sheet and row it names."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        convert(xlsform=data, file_type=".xlsx", validate=False, warnings=[])
    except Exception as exc:  # PyXFormError, and plain exceptions for some malformed sheets
        message = " ".join(str(exc).split())
        row_match = re.search(r"\[row\s*:\s*(\d+)\]", message)
        sheet_match = re.search(r"on the '(\w+)' sheet", message, re.IGNORECASE)
        sheet = sheet_match.group(1) if sheet_match else "survey"
        if not isinstance(exc, PyXFormError) and not row_match:
            sheet = _("file")
        column = None
        if sheet == "survey" and row_match:
            lowered = message.lower()
            column = "A" if ("list name" in lowered or "type" in lowered) else ("B" if "'name'" in lowered else None)
        return [
            CellError(
                sheet,
                int(row_match.group(1)) if row_match else None,
                column,
                _("Not a valid XLSForm (pyxform): %(error)s") % {"error": message},
            )
        ]
    return []


def _classify(choice) -> str:
    for text in (choice["name"], choice.get("label_vi"), choice.get("label_en")):
        word = _word(text)
        if word in YES_WORDS:
            return "yes"
        if word in NO_WORDS:
            return "no"
        if word in NA_WORDS:
            return "na"
    return ""


def _list_scoring(list_name: str, choices: list[dict], has_score_column: bool):
    """(answer type, choices with scores, default failing answers, scored?) for a select_one list."""
    names = [c["name"] for c in choices]
    for builtin, expected in CHOICE_LISTS.items():
        if list_name == builtin and sorted(names) == sorted(e[0] for e in expected):
            answer_type = AnswerType.YES_NO_NA if builtin == "yes_no_na" else AnswerType.SCALE_0_4
            return answer_type, [], list(DEFAULT_FAILING[answer_type]), True
    if has_score_column and any(c.get("score") is not None for c in choices):
        scores = [Decimal(c["score"]) for c in choices if c.get("score") is not None]
        low = min(scores)
        failing = [c["name"] for c in choices if c.get("score") is not None and Decimal(c["score"]) == low]
        return AnswerType.SELECT_ONE, choices, failing if low < max(scores) else [], True
    kinds = [_classify(c) for c in choices]
    if all(kinds) and "yes" in kinds and "no" in kinds:
        scored = [{**c, "score": {"yes": "1", "no": "0", "na": None}[k]} for c, k in zip(choices, kinds)]
        return AnswerType.SELECT_ONE, scored, [c["name"] for c, k in zip(choices, kinds) if k == "no"], True
    return AnswerType.SELECT_ONE, [{**c, "score": None} for c in choices], [], False


def xlsform_parse(*, data: bytes) -> tuple[dict, list[SectionSpec], ImportSummary]:
    """Return (settings, sections, summary) or raise ImportRejected with every problem found."""
    sheets = _read_sheets(data)
    if "survey" not in sheets:
        raise ImportRejected(
            [CellError(_("file"), None, None, _("Missing sheet(s): %(sheets)s.") % {"sheets": "survey"})]
        )
    pyxform_errors = _pyxform_errors(data)
    if pyxform_errors:
        raise ImportRejected(pyxform_errors)
    errors: list[CellError] = []
    summary = ImportSummary()
    settings = _settings(sheets.get("settings"), data, errors)
    summary.form_id, summary.title = settings["form_id"], settings["form_title"]
    default_language = settings.get("default_language", "")
    summary.language = default_language or "Vietnamese (vi)"
    lists = _choice_lists(sheets.get("choices"), default_language, errors)

    survey = sheets["survey"]
    for required in ("type", "name"):
        if required not in survey.headers:
            errors.append(
                CellError(
                    survey.title, 1, None, _("The survey sheet has no “%(column)s” column.") % {"column": required}
                )
            )
    if errors:
        raise ImportRejected(errors)
    label_vi, label_en = _language_columns(survey, "label", default_language)
    hint_vi, hint_en = _language_columns(survey, "hint", default_language)
    message_vi, _message_en = _language_columns(survey, "constraint_message", default_language)
    message_vi += _language_columns(survey, "constraint message", default_language)[0]
    message_vi += _language_columns(survey, "jr:constraintmsg", default_language)[0]

    sections: list[SectionSpec] = []
    general: SectionSpec | None = None
    stack: list[tuple[str, str, int]] = []  # (kind, name, row) of open groups and repeats
    current: SectionSpec | None = None
    seen_codes: dict[str, int] = {}
    seen_sections: dict[str, int] = {}
    earlier_codes: list[str] = []

    for number, values in survey.rows:

        def bad(column_names, message, number=number):
            names = column_names if isinstance(column_names, (list, tuple)) else [column_names]
            errors.append(CellError(survey.title, number, survey.letter(*names), message))

        raw_type = survey.get(values, "type")
        xls_type = " ".join(raw_type.split())
        lowered = xls_type.lower()
        name = survey.get(values, "name")
        label = survey.get(values, *label_vi) or survey.get(values, *label_en)
        folded = lowered.replace(" ", "_")
        if folded in ("begin_group", "begin_repeat"):
            kind = "repeat" if folded == "begin_repeat" else "group"
            if stack:
                summary.remarks.append(
                    _("Row %(row)s: the %(kind)s “%(name)s” inside “%(parent)s” is merged into that section.")
                    % {
                        "row": number,
                        "kind": _("repeat") if kind == "repeat" else _("group"),
                        "name": name,
                        "parent": stack[0][1],
                    }
                )
            else:
                code = name or f"S{len(sections) + 1}"
                if code in seen_sections:
                    bad(
                        "name",
                        _("Section code %(code)s appears again (first on row %(row)s).")
                        % {"code": code, "row": seen_sections[code]},
                    )
                seen_sections.setdefault(code, number)
                if len(code) > 40:
                    bad("name", _("Section code “%(code)s” is longer than 40 characters.") % {"code": code})
                current = SectionSpec(
                    code=code[:40],
                    title_vi=(label or name)[:255],
                    title_en=survey.get(values, *label_en)[:255] if label_en else "",
                    items=[],
                )
                sections.append(current)
                if kind == "repeat":
                    summary.remarks.append(
                        _(
                            "Row %(row)s: the repeat “%(name)s” is imported as an ordinary section; its questions are "
                            "answered once per inspection."
                        )
                        % {"row": number, "name": name}
                    )
            stack.append((kind, name, number))
            continue
        if folded in ("end_group", "end_repeat"):
            if stack:
                stack.pop()
            if not stack:
                current = None
            continue
        base_type = lowered.split(" ")[0] if lowered else ""
        if base_type in METADATA_TYPES or base_type in SKIPPED_TYPES:
            summary.skipped.append((number, xls_type, name))
            continue
        if not lowered:
            if name or label:
                bad("type", _("The row has no type."))
            continue

        answer_type, choices, failing_default, choice_list, scored = None, None, [], "", None
        constraint = survey.get(values, "constraint")
        if base_type in ("select_one", "select_multiple", "select_one_external") and " " in lowered:
            choice_list = xls_type.split(" ")[1]
            if choice_list not in lists:
                bad("type", _("The choice list “%(list)s” is not on the choices sheet.") % {"list": choice_list})
                continue
            list_choices, has_score = lists[choice_list]
            if base_type == "select_multiple":
                answer_type, choices, scored = (
                    AnswerType.SELECT_MULTIPLE,
                    [{**c, "score": None} for c in list_choices],
                    False,
                )
            else:
                answer_type, choices, failing_default, scored = _list_scoring(choice_list, list_choices, has_score)
                if answer_type != AnswerType.SELECT_ONE:
                    choices, choice_list = [], ""
        elif base_type in SIMPLE_TYPES:
            answer_type = SIMPLE_TYPES[base_type]
            if answer_type == AnswerType.NUMBER and " ".join(constraint.split()) == PERCENT_CONSTRAINT:
                answer_type = AnswerType.PERCENT
            failing_default = list(DEFAULT_FAILING.get(answer_type, []))
        elif base_type == "note":
            answer_type = AnswerType.NOTE
            summary.guidance.append(name)
        else:
            answer_type = AnswerType.NOTE
            summary.notes_only.append((number, xls_type, name))

        if not name:
            bad("name", _("The item has no name (its code)."))
        elif not XML_NAME.match(name) or len(name) > 40:
            bad(
                "name",
                _(
                    "Item code “%(code)s” must start with a letter and use only letters, digits, “-”, “_” or “.” "
                    "(40 at most)."
                )
                % {"code": name},
            )
        elif name in seen_codes:
            bad(
                "name",
                _("Duplicate item code %(code)s (first on row %(row)s).") % {"code": name, "row": seen_codes[name]},
            )
        else:
            seen_codes[name] = number
        if not label:
            if answer_type == AnswerType.NOTE and base_type != "note":
                label = name
            else:
                bad(label_vi or ["label"], _("The item has no text (label)."))

        flags = {}
        for column in ("critical", "note_required_on_failure", "photo_required_on_failure"):
            word = survey.get(values, column)
            flag = _truthy(word)
            if flag is None:
                bad(column, _("Write yes or leave empty, not “%(value)s”.") % {"value": word})
            flags[column] = bool(flag)
        required_word = survey.get(values, "required")
        required = _truthy(required_word)
        if required is None:
            summary.remarks.append(
                _("Row %(row)s: required “%(value)s” is an expression; %(code)s is imported as not required.")
                % {"row": number, "value": required_word, "code": name}
            )
        required = bool(required) and answer_type != AnswerType.NOTE
        weight = Decimal(1)
        weight_text = survey.get(values, "weight")
        if weight_text:
            try:
                weight = Decimal(weight_text.replace(",", "."))
                if weight <= 0 or weight > 1000:
                    raise InvalidOperation
            except InvalidOperation:
                bad(
                    "weight",
                    _("The weight must be a number greater than 0 and at most 1000, not “%(value)s”.")
                    % {"value": weight_text},
                )
        raw_failing = survey.get(values, "failing_answers", "failing answers")
        failing = [t.strip() for t in raw_failing.split(";") if t.strip()] if raw_failing else list(failing_default)
        if raw_failing and answer_type is not None:
            if choices:
                names = {str(c["name"]) for c in choices}
                wrong = [f for f in failing if f not in names]
                problem = (
                    _("“%(values)s” is not an answer of this item.") % {"values": ";".join(wrong)} if wrong else None
                )
            else:
                problem = failing_answers_problem(answer_type, failing)
            if problem:
                bad(["failing_answers", "failing answers"], problem)
        if answer_type == AnswerType.SELECT_ONE and not scored and failing:
            scored = True
        relevant = survey.get(values, "relevant")
        if relevant:
            try:
                relevance.check(relevant, code=name, earlier=earlier_codes)
            except relevance.RelevanceError as exc:
                summary.remarks.append(
                    _("Row %(row)s: the condition “%(expr)s” of %(code)s is not kept (%(error)s); it is always shown.")
                    % {"row": number, "expr": relevant, "code": name, "error": exc}
                )
                relevant = ""
        hint = survey.get(values, *hint_vi) or survey.get(values, *hint_en)
        message = survey.get(values, *message_vi)
        if answer_type == AnswerType.PERCENT:
            constraint = ""  # the type itself keeps answers between 0 and 100
        elif constraint and answer_type in (AnswerType.NOTE, AnswerType.PHOTO):
            summary.remarks.append(
                _("Row %(row)s: the constraint “%(expr)s” of %(code)s is not kept: this item has no typed answer.")
                % {"row": number, "expr": constraint, "code": name}
            )
            constraint = ""
        elif constraint:
            try:
                relevance.check_constraint(constraint, code=name, earlier=earlier_codes)
            except relevance.RelevanceError as exc:
                summary.remarks.append(
                    _(
                        "Row %(row)s: the constraint “%(expr)s” of %(code)s is not kept (%(error)s); its answers are "
                        "not checked."
                    )
                    % {"row": number, "expr": constraint, "code": name, "error": exc}
                )
                constraint = ""
        if relevant:
            summary.conditions.append(name)
        if constraint:
            summary.constraints.append(name)
        if message and not constraint:
            hint = f"{hint}\n{message}" if hint else message  # still worth reading as guidance
            message = ""
        if name:
            earlier_codes.append(name)
        if answer_type == AnswerType.NOTE:
            pass
        elif answer_type in (AnswerType.YES_NO_NA, AnswerType.SCALE_0_4, AnswerType.PERCENT) or scored or failing:
            summary.scored.append(name)
        else:
            summary.unscored.append(name)
        if current is None:
            if general is None:
                general = SectionSpec(
                    code=GENERAL_SECTION_CODE,
                    title_vi=settings["form_title"] or _("General"),
                    title_en=settings.get("title_en", ""),
                    items=[],
                )
                sections.append(general)
            target = general
        else:
            target = current
        if name and label:
            target.items.append(
                ItemSpec(
                    code=name,
                    text_vi=label,
                    text_en=survey.get(values, *label_en) if label_en else "",
                    answer_type=answer_type,
                    legal_basis=survey.get(values, "legal_basis", "legal basis")[:500],
                    weight=weight,
                    critical=flags["critical"],
                    failing_answers=failing if answer_type != AnswerType.NOTE else [],
                    note_required_on_failure=flags["note_required_on_failure"],
                    photo_required_on_failure=flags["photo_required_on_failure"],
                    required=required,
                    relevant=relevant,
                    choices=choices or [],
                    choice_list=choice_list,
                    hint=hint,
                    constraint=constraint[:500],
                    constraint_message=message[:500],
                )
            )
    if general is not None and general.code in seen_sections:
        general.code = f"{GENERAL_SECTION_CODE}_{len(sections)}"
    sections = [s for s in sections if s.items]
    if not any(s.items for s in sections) and not errors:
        errors.append(CellError(survey.title, None, None, _("The survey has no items.")))
    if errors:
        raise ImportRejected(errors)
    summary.sections = len(sections)
    summary.items = sum(len(s.items) for s in sections)
    return settings, sections, summary


def _settings(sheet: Sheet | None, data: bytes, errors: list[CellError]) -> dict:
    values = sheet.rows[0][1] if sheet and sheet.rows else ()
    number = sheet.rows[0][0] if sheet and sheet.rows else None
    title = sheet.title if sheet else "settings"
    settings = {
        key: (sheet.get(values, key) if sheet else "")
        for key in (
            "form_title",
            "form_id",
            "version",
            "default_language",
            "title_en",
            "kind",
            "pass_threshold",
            "description",
        )
    }

    def bad(key, message):
        errors.append(CellError(title, number, sheet.letter(key) if sheet else None, message))

    if not settings["form_id"]:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", fold(settings["form_title"]).upper()).strip("-")
        settings["form_id"] = slug[:40] or "XLSFORM-" + hashlib.sha256(data).hexdigest()[:8].upper()
    elif len(settings["form_id"]) > 40:
        bad("form_id", _("form_id is longer than 40 characters."))
    if not settings["form_title"]:
        settings["form_title"] = settings["form_id"]
    kind = settings["kind"] or TemplateKind.OTHER
    if kind not in TemplateKind.values:
        bad(
            "kind",
            _("Unknown kind “%(value)s”; use one of: %(choices)s.")
            % {"value": kind, "choices": ", ".join(TemplateKind.values)},
        )
    settings["kind"] = kind
    threshold = settings["pass_threshold"] or "50"
    try:
        settings["pass_threshold"] = Decimal(threshold.replace(",", "."))
        if not 0 <= settings["pass_threshold"] <= 100:
            raise InvalidOperation
    except InvalidOperation:
        bad("pass_threshold", _("pass_threshold must be a number from 0 to 100."))
    return settings


def _choice_lists(sheet: Sheet | None, default_language: str, errors) -> dict[str, tuple[list[dict], bool]]:
    """{list name: (choices, has a score column)}."""
    if sheet is None:
        return {}
    label_vi, label_en = _language_columns(sheet, "label", default_language)
    has_score = "score" in sheet.headers
    lists: dict[str, tuple[list[dict], bool]] = {}
    for number, values in sheet.rows:
        list_name = sheet.get(values, "list_name", "list name")
        name = sheet.get(values, "name", "value")
        if not list_name or not name:
            continue
        score = sheet.get(values, "score") if has_score else ""
        if score:
            try:
                score = str(Decimal(score.replace(",", ".")))
            except InvalidOperation:
                errors.append(
                    CellError(
                        sheet.title,
                        number,
                        sheet.letter("score"),
                        _("The score must be a number, not “%(value)s”.") % {"value": score},
                    )
                )
                score = ""
        lists.setdefault(list_name, ([], has_score))[0].append(
            {
                "name": name,
                "label_vi": sheet.get(values, *label_vi) or sheet.get(values, *label_en) or name,
                "label_en": sheet.get(values, *label_en) if label_en else "",
                "score": score or None,
            }
        )
    return lists


# ------------------------------------------------------------------------------------ the write
@transaction.atomic
def xlsform_import(*, data: bytes, actor) -> TemplateVersion:
    """A new template (version 1, draft), or the next draft of the template named by form_id."""
    version, _summary = xlsform_import_with_summary(data=data, actor=actor)
    return version


@transaction.atomic
def xlsform_import_with_summary(*, data: bytes, actor) -> tuple[TemplateVersion, ImportSummary]:
    settings, sections, summary = xlsform_parse(data=data)
    code = settings["form_id"]
    template = ChecklistTemplate.objects.filter(code=code).first()
    try:
        if template is None:
            template = services.template_create(
                actor=actor,
                code=code,
                name_vi=settings["form_title"],
                name_en=settings.get("title_en", ""),
                kind=settings["kind"],
                description=settings.get("description", ""),
                pass_threshold=settings["pass_threshold"],
            )
            version = template.versions.get()
        else:
            services.template_update(
                actor=actor,
                template=template,
                name_vi=settings["form_title"],
                name_en=settings.get("title_en", ""),
                kind=settings["kind"],
                description=settings.get("description", ""),
            )
            version = services.version_new_draft(actor=actor, template=template)
        services.version_set_content(
            actor=actor, version=version, sections=sections, pass_threshold=settings["pass_threshold"]
        )
    except ValidationError as exc:
        raise ImportRejected([CellError(_("file"), None, None, m) for m in exc.messages]) from exc
    return version, summary
