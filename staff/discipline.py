"""Discipline decisions (Decree 172/2025/NĐ-CP): record one, or import a sheet of them, all or nothing.

Who: DISCIPLINE_MANAGE on the person's unit (HR of the unit's subtree, administrators)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.permissions import Perm
from core.text import fold
from core.xlsx import CellError, Column, ImportRejected, clean_text, iter_chunks, parse_date, read_table
from staff.access import require, unit_scope_q
from staff.models import DISCIPLINE_LEGAL_BASIS, DisciplineDecision, DisciplineForm, Staff, StaffCategory, Unit

FORM_WORDS = {
    "khien trach": DisciplineForm.REPRIMAND,
    "reprimand": DisciplineForm.REPRIMAND,
    "canh cao": DisciplineForm.WARNING,
    "warning": DisciplineForm.WARNING,
    "giang chuc": DisciplineForm.DEMOTION,
    "demotion": DisciplineForm.DEMOTION,
    "cach chuc": DisciplineForm.REMOVAL,
    "removal": DisciplineForm.REMOVAL,
    "buoc thoi viec": DisciplineForm.DISMISSAL,
    "dismissal": DisciplineForm.DISMISSAL,
    "bai nhiem": DisciplineForm.DISMISSAL_CAN_BO,
    "recall": DisciplineForm.DISMISSAL_CAN_BO,
}
# Decree 172/2025 (in force 01/07/2025) abolished giáng chức for cán bộ, công chức.
DECREE_172_IN_FORCE = dt.date(2025, 7, 1)


def _form_errors(form: str, staff: Staff, decision_date: dt.date | None) -> list[str]:
    errors = []
    if form == DisciplineForm.DISMISSAL_CAN_BO and staff.category != StaffCategory.CAN_BO:
        errors.append(_("Recall from office (bãi nhiệm) applies to cán bộ only."))
    if (
        form == DisciplineForm.DEMOTION
        and decision_date
        and decision_date >= DECREE_172_IN_FORCE
        and staff.category in (StaffCategory.CAN_BO, StaffCategory.CONG_CHUC)
    ):
        errors.append(
            _("Demotion (giáng chức) no longer exists for cán bộ and công chức from 01/07/2025 (Decree 172/2025).")
        )
    return errors


@transaction.atomic
def discipline_create(
    *,
    actor,
    staff: Staff,
    form: str,
    decision_number: str,
    decision_date: dt.date,
    issuing_body: str,
    effective_from: dt.date,
    effective_until: dt.date | None = None,
    legal_basis: str = "",
    reason: str = "",
    finding_id: int | None = None,
) -> DisciplineDecision:
    require(actor, Perm.DISCIPLINE_MANAGE, staff.unit)
    problems = _form_errors(form, staff, decision_date)
    if problems:
        raise ValidationError({"form": problems})
    decision = DisciplineDecision(
        staff=staff,
        form=form,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        issuing_body=issuing_body.strip(),
        effective_from=effective_from,
        effective_until=effective_until,
        legal_basis=(legal_basis or "").strip() or DISCIPLINE_LEGAL_BASIS,
        reason=reason or "",
        finding_id=finding_id,
        recorded_by=actor,
    )
    decision.full_clean()
    decision._history_user = actor
    decision.save()
    return decision


DECISION_FIELDS = (
    "staff",
    "form",
    "decision_number",
    "decision_date",
    "issuing_body",
    "effective_from",
    "effective_until",
    "legal_basis",
    "reason",
    "finding_id",
)


@transaction.atomic
def discipline_update(*, actor, decision: DisciplineDecision, **changes) -> DisciplineDecision:
    """Correct a decision. The actor needs DISCIPLINE_MANAGE on the person's unit before and after the change
    (a decision cannot be moved to a person outside one's scope). Recorded in the history (audit)."""
    obj = DisciplineDecision.objects.select_for_update(of=("self",)).select_related("staff__unit").get(pk=decision.pk)
    require(actor, Perm.DISCIPLINE_MANAGE, obj.staff.unit)
    for key, value in changes.items():
        if key not in DECISION_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
        setattr(obj, key, value.strip() if isinstance(value, str) else value)
    if "staff" in changes:
        require(actor, Perm.DISCIPLINE_MANAGE, obj.staff.unit)
    problems = _form_errors(obj.form, obj.staff, obj.decision_date)
    if problems:
        raise ValidationError({"form": problems})
    obj.legal_basis = obj.legal_basis or DISCIPLINE_LEGAL_BASIS
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


# ----------------------------------------------------------------------------------- import
COLUMNS = [
    Column("staff_code", ("Mã số", "Mã cán bộ", "Mã CBCCVC", "Staff code"), True, gettext_lazy("Staff code")),
    Column("form", ("Hình thức kỷ luật", "Hình thức", "Form"), True, gettext_lazy("Form of discipline")),
    Column("decision_number", ("Số quyết định", "Decision number"), True, gettext_lazy("Decision number")),
    Column("decision_date", ("Ngày quyết định", "Ngày ký", "Decision date"), True, gettext_lazy("Decision date")),
    Column("issuing_body", ("Cơ quan ban hành", "Issuing body"), True, gettext_lazy("Issuing body")),
    Column("effective_from", ("Hiệu lực từ", "Ngày hiệu lực", "Effective from"), True, gettext_lazy("Effective from")),
    Column("effective_until", ("Hiệu lực đến", "Effective until")),
    Column("legal_basis", ("Căn cứ", "Căn cứ pháp lý", "Legal basis")),
    Column("reason", ("Lý do", "Reason")),
    Column("finding_id", ("Số phát hiện", "Phát hiện", "Finding number")),
]


@dataclass
class DisciplinePlan:
    sheet: str
    rows: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)


def discipline_parse(*, data: bytes, actor) -> DisciplinePlan:
    """Read and check the whole sheet; raises ImportRejected listing every bad cell."""
    require(actor, Perm.DISCIPLINE_MANAGE)
    sheet, rows = read_table(data, COLUMNS)
    errors: list[CellError] = []

    def bad(row, fld, message):
        errors.append(CellError(sheet, row.number, row.columns.get(fld), message))

    codes = [c for c in {clean_text(r.values.get("staff_code")) for r in rows} if c]
    people: dict[str, Staff] = {}
    for chunk in iter_chunks(codes, 500):
        for person in Staff.objects.filter(staff_code__in=chunk).select_related("unit"):
            people[person.staff_code] = person
    allowed = set(Unit.objects.filter(unit_scope_q(actor, Perm.DISCIPLINE_MANAGE)).values_list("pk", flat=True))
    existing = set(
        DisciplineDecision.objects.filter(staff__staff_code__in=codes).values_list(
            "staff__staff_code", "decision_number"
        )
    )
    seen: dict[tuple[str, str], int] = {}
    plan = DisciplinePlan(sheet=sheet)
    for row in rows:
        v = row.values
        item: dict = {"row": row.number}
        code = clean_text(v.get("staff_code"))
        person = people.get(code)
        if not code:
            bad(row, "staff_code", _("Staff code is empty."))
        elif person is None:
            bad(row, "staff_code", _("Unknown staff code “%(code)s”.") % {"code": code})
        elif person.unit_id not in allowed:
            bad(row, "staff_code", _("Staff code %(code)s belongs to a person outside your scope.") % {"code": code})
        item["staff"] = person
        raw_form = clean_text(v.get("form"))
        form = FORM_WORDS.get(fold(raw_form)) or (raw_form if raw_form in DisciplineForm.values else None)
        if form is None:
            bad(row, "form", _("“%(value)s” is not a form of discipline.") % {"value": raw_form})
        item["form"] = form
        number = clean_text(v.get("decision_number"))[:64]
        if not number:
            bad(row, "decision_number", _("Decision number is empty."))
        elif (code, number) in seen:
            bad(
                row,
                "decision_number",
                _("Decision %(number)s for %(code)s appears again (first on row %(row)s).")
                % {"number": number, "code": code, "row": seen[(code, number)]},
            )
        elif (code, number) in existing:
            bad(row, "decision_number", _("Decision %(number)s is already recorded.") % {"number": number})
        else:
            seen[(code, number)] = row.number
        item["decision_number"] = number
        for fld in ("decision_date", "effective_from", "effective_until"):
            try:
                item[fld] = parse_date(v.get(fld))
            except ValueError as exc:
                bad(row, fld, str(exc))
                item[fld] = None
        for fld in ("decision_date", "effective_from"):
            if item[fld] is None and not any(e.row == row.number and e.column == row.columns.get(fld) for e in errors):
                bad(row, fld, _("This date is required."))
        if item["effective_from"] and item["decision_date"] and item["effective_from"] < item["decision_date"]:
            bad(row, "effective_from", _("A decision cannot take effect before it is signed."))
        if item["effective_until"] and item["effective_from"] and item["effective_until"] < item["effective_from"]:
            bad(row, "effective_until", _("The end of the effective period is before its start."))
        item["issuing_body"] = clean_text(v.get("issuing_body"))[:255]
        if not item["issuing_body"]:
            bad(row, "issuing_body", _("Issuing body is empty."))
        item["legal_basis"] = clean_text(v.get("legal_basis"))[:255] or DISCIPLINE_LEGAL_BASIS
        item["reason"] = clean_text(v.get("reason"))
        raw_finding = clean_text(v.get("finding_id"))
        item["finding_id"] = None
        if raw_finding:
            if raw_finding.isdigit():
                item["finding_id"] = int(raw_finding)
            else:
                bad(row, "finding_id", _("“%(value)s” is not a finding number.") % {"value": raw_finding})
        if person is not None and form:
            for message in _form_errors(form, person, item["decision_date"]):
                bad(row, "form", message)
        plan.rows.append(item)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return plan


@transaction.atomic
def discipline_apply(*, plan: DisciplinePlan, actor) -> list[DisciplineDecision]:
    require(actor, Perm.DISCIPLINE_MANAGE)
    fields = (
        "form",
        "decision_number",
        "decision_date",
        "issuing_body",
        "effective_from",
        "effective_until",
        "legal_basis",
        "reason",
        "finding_id",
    )
    objs = [
        DisciplineDecision(staff=item["staff"], recorded_by=actor, **{f: item[f] for f in fields}) for item in plan.rows
    ]
    return audit.bulk_create(DisciplineDecision, objs, actor=actor)


def discipline_import(*, data: bytes, actor, dry_run: bool = False) -> DisciplinePlan:
    plan = discipline_parse(data=data, actor=actor)
    if not dry_run:
        discipline_apply(plan=plan, actor=actor)
    return plan


__all__ = ["ImportRejected", "discipline_create", "discipline_import"]
