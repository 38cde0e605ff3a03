"""Staff roster import from Excel: parse, validate every row, then one all-or-nothing write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.permissions import Perm
from core.text import fold
from core.xlsx import CellError, Column, ImportRejected, clean_text, iter_chunks, parse_date, read_table
from staff.access import require, unit_scope_q
from staff.models import Gender, Staff, StaffCategory, StaffStatus, StaffUnitHistory, Unit

COLUMNS = [
    Column(
        "staff_code",
        ("Mã số", "Mã cán bộ", "Mã CBCCVC", "Mã nhân sự", "Staff code", "Code"),
        True,
        gettext_lazy("Staff code"),
    ),
    Column("full_name", ("Họ và tên", "Họ tên", "Full name", "Name"), True, gettext_lazy("Full name")),
    Column("gender", ("Giới tính", "Gender", "Sex")),
    Column("date_of_birth", ("Ngày sinh", "Ngày tháng năm sinh", "Date of birth", "Birth date")),
    Column("unit", ("Đơn vị", "Mã đơn vị", "Unit", "Unit code"), True, gettext_lazy("Unit")),
    Column("category", ("Phân loại", "Loại", "Đối tượng", "Category"), True, gettext_lazy("Category")),
    Column("job_position", ("Vị trí việc làm", "Job position")),
    Column("rank_code", ("Mã ngạch", "Rank code")),
    Column("rank_name", ("Ngạch", "Tên ngạch", "Rank")),
    Column("position_title", ("Chức vụ", "Chức danh", "Position", "Position title")),
    Column("email", ("Email", "E-mail", "Thư điện tử")),
    Column("phone", ("Điện thoại", "Số điện thoại", "Phone")),
    Column("start_date", ("Ngày vào", "Ngày bắt đầu", "Ngày tuyển dụng", "Start date")),
    Column("status", ("Trạng thái", "Status")),
]

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


@dataclass
class RosterPlan:
    sheet: str
    rows: list[dict] = field(default_factory=list)  # cleaned values, with "row" and "action"
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return len(self.rows)


def roster_parse(*, data: bytes, actor) -> RosterPlan:
    """Read and validate the whole file. Raises ImportRejected with every bad cell; a unit outside the
    actor's scope is a bad cell."""
    require(actor, Perm.STAFF_MANAGE)
    sheet, rows = read_table(data, COLUMNS)
    errors: list[CellError] = []

    def bad(row, fld, message):
        errors.append(CellError(sheet, row.number, row.columns.get(fld), message))

    unit_keys = {clean_text(r.values.get("unit")) for r in rows}
    units_by_code: dict[str, Unit] = {}
    units_by_name: dict[str, list[Unit]] = {}
    keys = [k for k in unit_keys if k]
    for chunk in iter_chunks(keys, 500):
        for unit in Unit.objects.filter(code__in=chunk):
            units_by_code[unit.code] = unit
    name_keys = [k for k in keys if k not in units_by_code]
    for chunk in iter_chunks(name_keys, 500):
        for unit in Unit.objects.filter(name__in=chunk):
            units_by_name.setdefault(unit.name, []).append(unit)
    allowed_unit_ids = set(Unit.objects.filter(unit_scope_q(actor, Perm.STAFF_MANAGE)).values_list("pk", flat=True))

    seen_codes: dict[str, int] = {}
    cleaned_rows: list[dict] = []
    for row in rows:
        values = row.values
        item: dict = {"row": row.number}
        code = clean_text(values.get("staff_code"))
        if not code:
            bad(row, "staff_code", _("Staff code is empty."))
        elif len(code) > 32:
            bad(row, "staff_code", _("Staff code is longer than 32 characters."))
        elif code in seen_codes:
            bad(
                row,
                "staff_code",
                _("Staff code %(code)s appears again (first on row %(row)s).")
                % {"code": code, "row": seen_codes[code]},
            )
        else:
            seen_codes[code] = row.number
        item["staff_code"] = code
        name = clean_text(values.get("full_name"))
        if not name:
            bad(row, "full_name", _("Full name is empty."))
        item["full_name"] = name
        item["search_name"] = fold(name)

        unit_key = clean_text(values.get("unit"))
        unit = units_by_code.get(unit_key)
        if unit is None and unit_key:
            candidates = units_by_name.get(unit_key, [])
            if len(candidates) > 1:
                bad(row, "unit", _("Unit name “%(unit)s” is not unique; use the unit code.") % {"unit": unit_key})
            elif candidates:
                unit = candidates[0]
        if unit is None:
            if not unit_key:
                bad(row, "unit", _("Unit is empty."))
            elif not any(e.row == row.number and e.column == row.columns.get("unit") for e in errors):
                bad(
                    row,
                    "unit",
                    _("Unknown unit “%(unit)s” (give the unit code or its exact name).") % {"unit": unit_key},
                )
        elif unit.pk not in allowed_unit_ids:
            bad(row, "unit", _("The unit “%(unit)s” is outside your scope.") % {"unit": unit.name})
        item["unit"] = unit

        for fld in ("gender", "category", "status"):
            raw = clean_text(values.get(fld))
            choice = CHOICE_WORDS[fld].get(fold(raw))
            if choice is None and raw and fold(raw) in {c.lower() for c in CHOICE_WORDS[fld].values()}:
                choice = fold(raw)
            if choice is None:
                if fld == "category" and not raw:
                    bad(row, fld, _("Category is empty."))
                elif raw:
                    bad(row, fld, _("“%(value)s” is not a known value for this column.") % {"value": raw})
                else:
                    choice = "" if fld == "gender" else StaffStatus.ACTIVE
            item[fld] = choice

        for fld in DATE_FIELDS:
            try:
                item[fld] = parse_date(values.get(fld))
            except ValueError as exc:
                bad(row, fld, str(exc))
                item[fld] = None
        if item.get("date_of_birth") and item["date_of_birth"] > timezone.localdate():
            bad(row, "date_of_birth", _("Date of birth is in the future."))
        if item.get("date_of_birth") and item["date_of_birth"] < dt.date(1900, 1, 1):
            bad(row, "date_of_birth", _("Date of birth is before 1900."))

        email = clean_text(values.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                bad(row, "email", _("“%(value)s” is not an e-mail address.") % {"value": email})
        item["email"] = email
        for fld in TEXT_FIELDS:
            item[fld] = clean_text(values.get(fld))[:255]
        cleaned_rows.append(item)

    plan = RosterPlan(sheet=sheet, rows=cleaned_rows)
    _plan_actions(plan, allowed_unit_ids, errors, {r.number: r for r in rows})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return plan


def _plan_actions(plan: RosterPlan, allowed_unit_ids, errors: list[CellError], rows_by_number) -> None:
    codes = [r["staff_code"] for r in plan.rows if r["staff_code"]]
    existing: dict[str, Staff] = {}
    for chunk in iter_chunks(codes, 900):
        for staff in Staff.objects.filter(staff_code__in=chunk).select_related("unit"):
            existing[staff.staff_code] = staff
    for item in plan.rows:
        current = existing.get(item["staff_code"])
        if current is not None and current.unit_id not in allowed_unit_ids:
            row = rows_by_number[item["row"]]
            errors.append(
                CellError(
                    plan.sheet,
                    row.number,
                    row.columns.get("staff_code"),
                    _("Staff code %(code)s belongs to a person in a unit outside your scope.")
                    % {"code": item["staff_code"]},
                )
            )
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


@transaction.atomic
def roster_apply(*, plan: RosterPlan, actor) -> RosterPlan:
    """Write the plan: upsert by staff code, record unit changes in the history. All or nothing."""
    require(actor, Perm.STAFF_MANAGE)
    today = timezone.localdate()
    to_create, to_update, moved = [], [], []
    for item in plan.rows:
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
    return plan


def roster_import(*, data: bytes, actor, dry_run: bool = False) -> RosterPlan:
    plan = roster_parse(data=data, actor=actor)
    if not dry_run:
        roster_apply(plan=plan, actor=actor)
    return plan


__all__ = ["ImportRejected", "RosterPlan", "roster_apply", "roster_import", "roster_parse"]
