"""XLSForm-shaped checklist templates in: parse the `survey`, `choices` and `settings` sheets, report
every bad cell by sheet, row and column, check the workbook with pyxform (the reference XLSForm
reader used by ODK and KoboToolbox), then write all or nothing: a new template, or the next draft
version of an existing one (a published version is never changed)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.xlsx import CellError, Column, ImportRejected, clean_text, open_workbook, read_table
from inspections import relevance, services
from inspections.exports import CHOICE_LISTS, LANG_EN, LANG_VI, PERCENT_CONSTRAINT
from inspections.models import AnswerType, ChecklistTemplate, TemplateKind, TemplateVersion
from inspections.scoring import DEFAULT_FAILING, failing_answers_problem
from inspections.services import ItemSpec, SectionSpec

SURVEY_COLUMNS = [
    Column("type", ("type",), True, "type"),
    Column("name", ("name",), True, "name"),
    Column("label_vi", (LANG_VI, "label::vi", "label"), True, LANG_VI),
    Column("label_en", (LANG_EN, "label::en")),
    Column("required", ("required",)),
    Column("relevant", ("relevant",)),
    Column("constraint", ("constraint",)),
    Column("weight", ("weight",)),
    Column("critical", ("critical",)),
    Column("score", ("score",)),
    Column("failing_answers", ("failing_answers", "failing answers")),
    Column("legal_basis", ("legal_basis", "legal basis")),
    Column("note_required_on_failure", ("note_required_on_failure",)),
    Column("photo_required_on_failure", ("photo_required_on_failure",)),
]
CHOICES_COLUMNS = [
    Column("list_name", ("list_name",), True, "list_name"),
    Column("name", ("name",), True, "name"),
    Column("label_vi", (LANG_VI, "label::vi", "label"), True, LANG_VI),
    Column("label_en", (LANG_EN, "label::en")),
]
SETTINGS_COLUMNS = [
    Column("form_title", ("form_title",), True, "form_title"),
    Column("form_id", ("form_id",), True, "form_id"),
    Column("version", ("version",)),
    Column("default_language", ("default_language",)),
    Column("title_en", ("title_en",)),
    Column("kind", ("kind",)),
    Column("pass_threshold", ("pass_threshold",)),
    Column("description", ("description",)),
]
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
TRUE_WORDS = {"yes", "true", "1", "có", "co", "x", "true()"}
FALSE_WORDS = {"", "no", "false", "0", "không", "khong", "false()"}
SCORE_RULES = {"answer", "pass_fail", "none"}


def _xls_type(raw: str, constraint: str) -> str | None:
    t = " ".join(raw.split()).lower()
    if t == "select_one yes_no_na":
        return AnswerType.YES_NO_NA
    if t == "select_one scale_0_4":
        return AnswerType.SCALE_0_4
    if t in ("decimal", "integer"):
        return AnswerType.PERCENT if " ".join(constraint.split()) == PERCENT_CONSTRAINT else AnswerType.NUMBER
    return {"text": AnswerType.TEXT, "date": AnswerType.DATE, "image": AnswerType.PHOTO}.get(t)


def xlsform_parse(*, data: bytes) -> tuple[dict, list[SectionSpec]]:
    """Return (settings, sections) or raise ImportRejected with every problem found."""
    workbook = open_workbook(data)
    try:
        names = list(workbook.sheetnames)
    finally:
        workbook.close()
    missing = [n for n in ("survey", "choices", "settings") if n not in names]
    if missing:
        raise ImportRejected(
            [CellError(_("file"), None, None, _("Missing sheet(s): %(sheets)s.") % {"sheets": ", ".join(missing)})]
        )
    errors: list[CellError] = []
    settings_title, settings_rows = read_table(data, SETTINGS_COLUMNS, sheet_name="settings", max_rows=5)
    if not settings_rows:
        raise ImportRejected([CellError("settings", 2, None, _("The settings row is empty."))])
    srow = settings_rows[0]
    settings = {k: clean_text(v) for k, v in srow.values.items()}

    def bad_setting(field, message):
        errors.append(CellError("settings", srow.number, srow.columns.get(field), message))

    if not settings.get("form_id"):
        bad_setting("form_id", _("form_id (the template code) is empty."))
    elif len(settings["form_id"]) > 40:
        bad_setting("form_id", _("form_id is longer than 40 characters."))
    if not settings.get("form_title"):
        bad_setting("form_title", _("form_title is empty."))
    kind = settings.get("kind") or TemplateKind.OTHER
    if kind not in TemplateKind.values:
        bad_setting(
            "kind",
            _("Unknown kind “%(value)s”; use one of: %(choices)s.")
            % {"value": kind, "choices": ", ".join(TemplateKind.values)},
        )
    settings["kind"] = kind
    threshold = settings.get("pass_threshold") or "50"
    try:
        settings["pass_threshold"] = Decimal(threshold.replace(",", "."))
        if not 0 <= settings["pass_threshold"] <= 100:
            raise InvalidOperation
    except InvalidOperation:
        bad_setting("pass_threshold", _("pass_threshold must be a number from 0 to 100."))

    _c, choice_rows = _read_optional(data, CHOICES_COLUMNS, "choices")
    lists: dict[str, set[str]] = {}
    for row in choice_rows:
        lists.setdefault(clean_text(row.values.get("list_name")), set()).add(clean_text(row.values.get("name")))
    for list_name, expected in CHOICE_LISTS.items():
        if list_name in lists and lists[list_name] != {c[0] for c in expected}:
            errors.append(
                CellError(
                    "choices",
                    None,
                    None,
                    _("The choice list %(list)s must have exactly: %(names)s.")
                    % {"list": list_name, "names": ", ".join(c[0] for c in expected)},
                )
            )

    _s, rows = read_table(data, SURVEY_COLUMNS, sheet_name="survey")
    sections: list[SectionSpec] = []
    current: SectionSpec | None = None
    seen_codes: dict[str, int] = {}
    seen_sections: dict[str, int] = {}
    earlier_codes: list[str] = []
    for row in rows:
        v = {k: clean_text(val) for k, val in row.values.items()}

        def bad(field, message, row=row):
            errors.append(CellError("survey", row.number, row.columns.get(field), message))

        xls_type = v.get("type", "")
        name = v.get("name", "")
        folded = xls_type.lower().replace(" ", "_")
        if folded in ("begin_group", "begin group"):
            if current is not None:
                bad("type", _("Groups cannot be nested; close the group with end_group first."))
            if not name:
                bad("name", _("The group has no name (the section code)."))
            elif name in seen_sections:
                bad(
                    "name",
                    _("Section code %(code)s appears again (first on row %(row)s).")
                    % {"code": name, "row": seen_sections[name]},
                )
            seen_sections.setdefault(name, row.number)
            if not v.get("label_vi"):
                bad("label_vi", _("The section has no Vietnamese title."))
            current = SectionSpec(code=name, title_vi=v.get("label_vi", ""), title_en=v.get("label_en", ""), items=[])
            sections.append(current)
            continue
        if folded in ("end_group", "end group"):
            if current is None:
                bad("type", _("end_group without begin_group."))
            current = None
            continue
        answer_type = _xls_type(xls_type, v.get("constraint", ""))
        if answer_type is None:
            bad(
                "type",
                _(
                    "Unknown answer type “%(type)s”; use select_one yes_no_na, select_one scale_0_4, decimal, "
                    "integer, text, date or image."
                )
                % {"type": xls_type},
            )
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
            seen_codes[name] = row.number
        if not v.get("label_vi"):
            bad("label_vi", _("The item has no Vietnamese text."))
        if current is None:
            bad("type", _("The item is outside any group; put items between begin_group and end_group."))
        flags = {}
        for field in ("required", "critical", "note_required_on_failure", "photo_required_on_failure"):
            word = v.get(field, "").lower()
            if word in TRUE_WORDS:
                flags[field] = True
            elif word in FALSE_WORDS:
                flags[field] = False
            else:
                flags[field] = False
                bad(field, _("Write yes or leave empty, not “%(value)s”.") % {"value": v.get(field)})
        weight = Decimal(1)
        if v.get("weight"):
            try:
                weight = Decimal(v["weight"].replace(",", "."))
                if weight <= 0 or weight > 1000:
                    raise InvalidOperation
            except InvalidOperation:
                bad(
                    "weight",
                    _("The weight must be a number greater than 0 and at most 1000, not “%(value)s”.")
                    % {"value": v["weight"]},
                )
        rule = v.get("score", "").lower()
        if rule and rule not in SCORE_RULES:
            bad("score", _("Score must be answer, pass_fail or none, not “%(value)s”.") % {"value": v["score"]})
        raw_failing = v.get("failing_answers", "")
        failing = [t.strip() for t in raw_failing.split(";") if t.strip()] if raw_failing else None
        if failing is None and answer_type is not None:
            failing = list(DEFAULT_FAILING.get(answer_type, []))
        if failing and answer_type in (AnswerType.YES_NO_NA, AnswerType.SCALE_0_4):
            allowed = {c[0] for c in CHOICE_LISTS[str(answer_type)]}
            wrong = [f for f in failing if f.lower() not in allowed]
            if wrong:
                bad("failing_answers", _("“%(values)s” is not an answer of this item.") % {"values": ";".join(wrong)})
        if answer_type is not None and rule:
            expected = (
                "answer"
                if answer_type in (AnswerType.YES_NO_NA, AnswerType.SCALE_0_4, AnswerType.PERCENT)
                else ("pass_fail" if failing else "none")
            )
            if rule != expected:
                bad(
                    "score",
                    _("Score “%(rule)s” does not fit this item; it is “%(expected)s” for its type and failing answers.")
                    % {"rule": rule, "expected": expected},
                )
        if failing and answer_type is not None and answer_type not in (AnswerType.YES_NO_NA, AnswerType.SCALE_0_4):
            problem = failing_answers_problem(answer_type, failing)
            if problem:
                bad("failing_answers", problem)
        if v.get("relevant"):
            try:
                relevance.check(v["relevant"], code=name, earlier=earlier_codes)
            except relevance.RelevanceError as exc:
                bad("relevant", _("relevant: %(error)s") % {"error": exc})
        if name:
            earlier_codes.append(name)
        if current is not None and answer_type is not None and name:
            current.items.append(
                ItemSpec(
                    code=name,
                    text_vi=v.get("label_vi", ""),
                    text_en=v.get("label_en", ""),
                    answer_type=answer_type,
                    legal_basis=v.get("legal_basis", ""),
                    weight=weight,
                    critical=flags["critical"],
                    failing_answers=failing,
                    note_required_on_failure=flags["note_required_on_failure"],
                    photo_required_on_failure=flags["photo_required_on_failure"],
                    required=flags["required"],
                    relevant=v.get("relevant", ""),
                )
            )
    if current is not None:
        errors.append(
            CellError("survey", None, None, _("Group %(code)s is not closed with end_group.") % {"code": current.code})
        )
    if not seen_codes and not errors:
        errors.append(CellError("survey", None, None, _("The survey has no items.")))
    if not errors:
        errors.extend(_pyxform_errors(data))
    if errors:
        raise ImportRejected(errors)
    return settings, sections


def _pyxform_errors(data: bytes) -> list[CellError]:
    """pyxform converts the workbook to an XForm; anything it refuses is reported as it says it."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        convert(xlsform=data, file_type=".xlsx", validate=False, warnings=[])
    except PyXFormError as exc:
        return [CellError("survey", None, None, _("Not a valid XLSForm (pyxform): %(error)s") % {"error": exc})]
    except Exception as exc:  # pyxform raises plain exceptions for some malformed sheets
        return [CellError(_("file"), None, None, _("Not a valid XLSForm (pyxform): %(error)s") % {"error": exc})]
    return []


@transaction.atomic
def xlsform_import(*, data: bytes, actor) -> TemplateVersion:
    """A new template (version 1, draft), or the next draft of the template named by form_id."""
    settings, sections = xlsform_parse(data=data)
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
    return version


def _read_optional(data: bytes, columns, sheet: str):
    """A sheet that may hold only its header (the choices sheet of a template without select items)."""
    try:
        return read_table(data, columns, sheet_name=sheet)
    except ImportRejected as exc:
        if any(str(e.message) == _("The sheet is empty.") for e in exc.errors):
            return sheet, []
        raise
