"""Excel out: XLSForm-shaped templates, the inspection report, the findings and actions register and
results per unit, each from the same (filtered, scoped) querysets as the screens."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.xlsx import XlsxWriter
from inspections.messages import answer_label
from inspections.models import AnswerType, Inspection, TemplateVersion
from inspections.selectors import inspection_sheet, version_structure

# XLSForm vocabulary (shared with importers.py).
LANG_VI = "label::Vietnamese (vi)"
LANG_EN = "label::English (en)"
SURVEY_HEADERS = [
    "type",
    "name",
    LANG_VI,
    LANG_EN,
    "required",
    "relevant",
    "constraint",
    "weight",
    "critical",
    "score",
    "failing_answers",
    "legal_basis",
    "note_required_on_failure",
    "photo_required_on_failure",
    "hint::Vietnamese (vi)",
    "constraint_message::Vietnamese (vi)",
]
CHOICES_HEADERS = ["list_name", "name", LANG_VI, LANG_EN, "score"]
SETTINGS_HEADERS = [
    "form_title",
    "form_id",
    "version",
    "default_language",
    "title_en",
    "kind",
    "pass_threshold",
    "description",
]
PERCENT_CONSTRAINT = ". >= 0 and . <= 100"
TYPE_TO_XLSFORM = {
    AnswerType.YES_NO_NA: "select_one yes_no_na",
    AnswerType.SCALE_0_4: "select_one scale_0_4",
    AnswerType.PERCENT: "decimal",
    AnswerType.NUMBER: "decimal",
    AnswerType.INTEGER: "integer",
    AnswerType.TEXT: "text",
    AnswerType.DATE: "date",
    AnswerType.PHOTO: "image",
    AnswerType.SELECT_ONE: "select_one",
    AnswerType.SELECT_MULTIPLE: "select_multiple",
    AnswerType.NOTE: "note",
}
CHOICE_LISTS = {
    "yes_no_na": [("yes", "Có", "Yes"), ("no", "Không", "No"), ("na", "Không áp dụng", "Not applicable")],
    "scale_0_4": [
        ("0", "0 – Không đạt", "0 – Not met"),
        ("1", "1 – Yếu", "1 – Poor"),
        ("2", "2 – Trung bình", "2 – Fair"),
        ("3", "3 – Khá", "3 – Good"),
        ("4", "4 – Tốt", "4 – Very good"),
    ],
}


def _number(value: Decimal):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def score_rule(item) -> str:
    if item.answer_type in (AnswerType.YES_NO_NA, AnswerType.SCALE_0_4, AnswerType.PERCENT):
        return "answer"
    if item.answer_type == AnswerType.SELECT_ONE and any(c.get("score") not in (None, "") for c in item.choices):
        return "answer"
    if item.answer_type == AnswerType.NOTE:
        return "none"
    return "pass_fail" if item.failing_answers else "none"


def _choice_list_for(item, lists: dict[str, list]) -> str:
    """The XLSForm list of a choice item: its own list name, or one named after the item when two
    items share a name with different choices."""
    rows = [
        (str(c["name"]), c.get("label_vi") or str(c["name"]), c.get("label_en") or "", c.get("score"))
        for c in item.choices
    ]
    name = item.choice_list or f"{item.code}_list"
    if name in lists and lists[name] != rows:
        name = f"{item.code}_list"
    lists[name] = rows
    return name


def xlsform_export(*, version: TemplateVersion) -> bytes:
    writer = XlsxWriter()
    writer.sheet("survey", SURVEY_HEADERS, widths=[24, 14, 60, 50, 10, 20, 20, 8, 8, 10, 16, 36, 12, 12, 40, 40])
    used_lists = set()
    own_lists: dict[str, list] = {}
    for section in version_structure(version=version):
        writer.row(["begin_group", section.code, section.title_vi, section.title_en] + [""] * 12)
        for item in section.items.all():
            xls_type = TYPE_TO_XLSFORM[item.answer_type]
            if item.answer_type in (AnswerType.SELECT_ONE, AnswerType.SELECT_MULTIPLE):
                xls_type = f"{xls_type} {_choice_list_for(item, own_lists)}"
            elif xls_type.startswith("select_one "):
                used_lists.add(xls_type.split(" ", 1)[1])
            writer.row(
                [
                    xls_type,
                    item.code,
                    item.text_vi,
                    item.text_en,
                    "yes" if item.required else "",
                    item.relevant,
                    PERCENT_CONSTRAINT if item.answer_type == AnswerType.PERCENT else item.constraint,
                    _number(item.weight),
                    "yes" if item.critical else "",
                    score_rule(item),
                    ";".join(str(f) for f in item.failing_answers),
                    item.legal_basis,
                    "yes" if item.note_required_on_failure else "",
                    "yes" if item.photo_required_on_failure else "",
                    item.hint,
                    item.constraint_message if item.constraint else "",
                ]
            )
        writer.row(["end_group", section.code, "", ""] + [""] * 12)
    writer.sheet("choices", CHOICES_HEADERS, widths=[14, 10, 30, 30, 8])
    for list_name in sorted(used_lists):
        for name, vi, en in CHOICE_LISTS[list_name]:
            writer.row([list_name, name, vi, en, None])
    for list_name, rows in own_lists.items():
        for name, vi, en, score in rows:
            writer.row([list_name, name, vi, en, _number(score) if score not in (None, "") else None])
    template = version.template
    writer.sheet("settings", SETTINGS_HEADERS, widths=[40, 16, 8, 18, 40, 16, 14, 40])
    writer.row(
        [
            template.name_vi,
            template.code,
            str(version.number),
            "Vietnamese (vi)",
            template.name_en,
            template.kind,
            _number(version.pass_threshold),
            template.description,
        ]
    )
    return writer.save()


# ------------------------------------------------------------------------------ inspection report
def inspection_report_xlsx(*, inspection: Inspection) -> bytes:
    writer = XlsxWriter()
    writer.sheet(
        _("Report"),
        [
            _("Section"),
            _("Code"),
            pgettext("checklist", "Item"),
            _("Legal basis"),
            _("Answer"),
            _("Score"),
            _("Maximum"),
            _("Failed"),
            _("Critical"),
            _("Note"),
            _("Photos"),
        ],
        widths=[24, 10, 60, 30, 14, 8, 8, 8, 8, 40, 8],
    )
    for block in inspection_sheet(inspection=inspection):
        for row in block["rows"]:
            item, answer = row["item"], row["answer"]
            writer.row(
                [
                    block["section"].title_vi,
                    item.code,
                    item.text_vi,
                    item.legal_basis,
                    answer_label(answer.value, item) if answer else "",
                    answer.score if answer and answer.score is not None else "",
                    answer.max_score if answer and answer.max_score is not None else "",
                    _("yes") if answer and answer.failed else "",
                    _("yes") if item.critical else "",
                    answer.note if answer else "",
                    len(answer.evidence.all()) if answer else 0,
                ]
            )
    writer.sheet(_("Summary"), [_("Field"), _("Value")], widths=[30, 60])
    for label, value in [
        (_("Unit"), inspection.unit.name),
        (_("Template"), str(inspection.template_version)),
        (_("Inspection date"), inspection.inspected_on),
        (_("Status"), inspection.get_status_display()),
        (_("Total (%)"), inspection.total_percent),
        (_("Band"), inspection.get_band_display()),
        (_("Critical item failed"), _("yes") if inspection.critical_failed else _("no")),
        (_("Conclusion"), inspection.summary),
    ]:
        writer.row([label, value])
    return writer.save()


# ------------------------------------------------------------------------------------- registers
def findings_register_xlsx(*, findings) -> object:
    """One row per corrective action (a finding without action gets one row); overdue shown."""
    writer = XlsxWriter()
    writer.sheet(
        _("Findings and actions"),
        [
            _("Finding"),
            _("Unit"),
            _("Inspection date"),
            _("Template"),
            pgettext("checklist", "Item"),
            _("Critical"),
            _("Finding"),
            _("Corrective action"),
            _("Responsible unit"),
            _("Responsible person"),
            _("Due date"),
            _("Status"),
            _("Overdue"),
            _("Done on"),
        ],
        widths=[8, 36, 14, 14, 10, 8, 50, 50, 30, 24, 12, 14, 8, 12],
    )
    for f in findings.iterator(chunk_size=500):
        base = [
            f.pk,
            f.unit.name,
            f.inspection.inspected_on,
            f.inspection.template_version.template.code,
            f.item.code,
            _("yes") if f.critical else "",
            f.description,
        ]
        actions = list(f.actions.all())
        if not actions:
            writer.row(base + ["", "", "", "", "", "", ""])
        for a in actions:  # fetched with_overdue() by the register's selector
            writer.row(
                base
                + [
                    a.description,
                    a.unit.name,
                    a.responsible_person.full_name if a.responsible_person else "",
                    a.due_date,
                    a.get_status_display(),
                    _("yes") if a.overdue else "",
                    a.completed_on,
                ]
            )
    return writer.save_to_tempfile()


def actions_register_xlsx(*, actions) -> object:
    """The corrective-actions register with the screen's filters; overdue shown as overdue."""
    writer = XlsxWriter()
    writer.sheet(
        _("Corrective actions"),
        [
            _("No."),
            _("Corrective action"),
            _("Responsible unit"),
            _("Responsible person"),
            _("Due date"),
            _("Status"),
            _("Overdue"),
            _("Done on"),
            _("Inspected unit"),
            _("Inspection date"),
            _("Template"),
            pgettext("checklist", "Item"),
            _("Finding"),
        ],
        widths=[8, 50, 30, 24, 12, 14, 8, 12, 30, 14, 12, 10, 50],
    )
    for a in actions.iterator(chunk_size=500):
        f = a.finding
        writer.row(
            [
                a.pk,
                a.description,
                a.unit.name,
                a.responsible_person.full_name if a.responsible_person else "",
                a.due_date,
                a.get_status_display(),
                _("yes") if a.overdue else "",
                a.completed_on,
                f.unit.name,
                f.inspection.inspected_on,
                f.inspection.template_version.template.code,
                f.item.code,
                f.description,
            ]
        )
    return writer.save_to_tempfile()


def results_by_unit_xlsx(*, rows) -> object:
    writer = XlsxWriter()
    writer.sheet(
        _("Results per unit"),
        [
            _("Unit code"),
            _("Unit"),
            _("Inspections"),
            _("Approved"),
            _("Mean total (%)"),
            _("Critical failures"),
            _("Findings"),
            _("Last inspection"),
        ],
        widths=[14, 40, 12, 12, 14, 14, 10, 14],
    )
    for r in rows:
        writer.row(
            [
                r["unit__code"],
                r["unit__name"],
                r["inspections"],
                r["approved"],
                round(float(r["mean"]), 2) if r["mean"] is not None else "",
                r["critical"],
                r["findings"],
                r["last_date"],
            ]
        )
    return writer.save_to_tempfile()
