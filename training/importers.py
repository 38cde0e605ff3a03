"""Nominations from Excel: a list of staff codes for one class. Parse and validate every row, then one
all-or-nothing service call (the same rules as nominating one by one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import Perm
from core.xlsx import CellError, Column, ImportRejected, clean_text, iter_chunks, read_table
from staff.access import unit_scope_q
from staff.models import Staff, StaffStatus
from training import services
from training.models import ACTIVE_ENROLLMENT, Enrollment, TrainingClass

COLUMNS = [
    Column(
        "staff_code",
        ("Mã số", "Mã cán bộ", "Mã CBCCVC", "Mã nhân sự", "Staff code", "Code"),
        True,
        gettext_lazy("Staff code"),
    ),
    Column("full_name", ("Họ và tên", "Họ tên", "Full name", "Name")),
]


@dataclass
class NominationPlan:
    sheet: str
    training_class: TrainingClass
    rows: list[dict] = field(default_factory=list)  # {"row", "staff"}

    @property
    def total(self) -> int:
        return len(self.rows)


def nominations_parse(*, data: bytes, training_class: TrainingClass, actor) -> NominationPlan:
    """Every bad cell is reported: unknown code, outside the actor's scope, not active, listed twice, already
    enrolled. Raises ImportRejected; nothing is written."""
    sheet, rows = read_table(data, COLUMNS, max_rows=min(settings.NOMINATION_IMPORT_MAX_ROWS, settings.IMPORT_MAX_ROWS))
    try:
        services.check_registration_open(training_class, actor)
    except ValidationError as exc:
        raise ImportRejected([CellError(sheet, None, None, m) for m in exc.messages]) from exc
    errors: list[CellError] = []

    def bad(row, message):
        errors.append(CellError(sheet, row.number, row.columns.get("staff_code"), message))

    codes = [clean_text(r.values.get("staff_code")) for r in rows]
    known: dict[str, Staff] = {}
    for chunk in iter_chunks([c for c in codes if c], 900):
        # Only what the checks, the preview and the nomination read: a whole Staff with its Unit is about
        # 4 KB in memory, 200 MB for a list of IMPORT_MAX_ROWS people (bench/bench_upload_memory.py).
        people = Staff.objects.filter(staff_code__in=chunk).select_related("unit")
        for person in people.only("pk", "staff_code", "full_name", "status", "unit_id", "unit__name"):
            known[person.staff_code] = person
    allowed = set(
        Staff.objects.filter(
            unit_scope_q(actor, Perm.TRAINING_MANAGE, prefix="unit__"), pk__in=[p.pk for p in known.values()]
        ).values_list("pk", flat=True)
    )
    enrolled = set(
        Enrollment.objects.filter(
            training_class=training_class, status__in=ACTIVE_ENROLLMENT, staff_id__in=[p.pk for p in known.values()]
        ).values_list("staff_id", flat=True)
    )
    plan = NominationPlan(sheet=sheet, training_class=training_class)
    seen: dict[str, int] = {}
    if not rows:
        errors.append(CellError(sheet, None, None, _("The file lists nobody.")))
    for row, code in zip(rows, codes, strict=True):
        if not code:
            bad(row, _("Staff code is empty."))
            continue
        if code in seen:
            bad(row, _("Staff code %(code)s appears again (first on row %(row)s).") % {"code": code, "row": seen[code]})
            continue
        seen[code] = row.number
        person = known.get(code)
        if person is None:
            bad(row, _("Unknown staff code %(code)s.") % {"code": code})
        elif person.pk not in allowed:
            bad(row, _("%(name)s (%(code)s) is outside your scope.") % {"name": person.full_name, "code": code})
        elif person.status != StaffStatus.ACTIVE:
            bad(row, _("%(name)s (%(code)s) is no longer active.") % {"name": person.full_name, "code": code})
        elif person.pk in enrolled:
            bad(row, _("%(name)s (%(code)s) is already in this class.") % {"name": person.full_name, "code": code})
        else:
            plan.rows.append({"row": row.number, "staff": person})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return plan


@transaction.atomic
def nominations_apply(*, plan: NominationPlan, actor) -> services.Nomination:
    try:
        return services.enrollment_nominate_many(
            actor=actor,
            training_class=plan.training_class,
            staff_list=[r["staff"] for r in plan.rows],
            reason=_("Imported from Excel"),
        )
    except ValidationError as exc:
        raise ImportRejected([CellError(plan.sheet, None, None, m) for m in exc.messages]) from exc
