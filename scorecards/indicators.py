"""Indicator values (measures kept by other systems): enter one, or import a sheet, all or nothing.

The sheet has one row per value: unit code, period, indicator code, value, source. A file is refused
as a whole, with the row and column of every problem, when a unit or an indicator is unknown, a unit
is outside the importer's scope, a value is outside the indicator's range, the period is closed (its
scorecards or a period containing it are published), or the same unit, period and indicator appear
twice. A value already stored for the same unit, period and indicator is replaced (history kept)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.permissions import Perm
from core.xlsx import CellError, Column, ImportRejected, clean_text, iter_chunks, read_table
from scorecards import defaults, services
from scorecards.models import AssessmentRound, Indicator, IndicatorValue, PublishedPeriod, RoundStatus
from scorecards.periods import Period
from staff.access import require, unit_scope_q
from staff.models import Unit

COLUMNS = [
    Column("unit", ("Mã đơn vị", "Đơn vị", "Unit code", "Unit"), True, gettext_lazy("Unit code")),
    Column("period", ("Kỳ", "Kỳ đánh giá", "Period"), True, gettext_lazy("Period")),
    Column("indicator", ("Mã chỉ số", "Chỉ số", "Indicator code", "Indicator"), True, gettext_lazy("Indicator code")),
    Column("value", ("Giá trị", "Value"), True, gettext_lazy("Value")),
    Column("source", ("Nguồn", "Nguồn số liệu", "Source")),
]


def closed_period_keys(keys) -> set[str]:
    """Of `keys`, the periods that are closed: published, or inside a published period, or whose
    assessment round is published."""
    periods = {}
    for key in keys:
        try:
            periods[key] = Period.parse(key)
        except ValueError:
            continue
    enclosing = set()
    for p in periods.values():
        enclosing |= {p.key, str(p.year)}
        if p.month:
            enclosing.add(Period(p.year, quarter=(p.month - 1) // 3 + 1).key)
    published = set(PublishedPeriod.objects.filter(period__in=enclosing).values_list("period", flat=True))
    published |= set(
        AssessmentRound.objects.filter(period__in=enclosing, status=RoundStatus.PUBLISHED).values_list(
            "period", flat=True
        )
    )
    closed = set()
    for key, p in periods.items():
        around = {p.key, str(p.year)}
        if p.month:
            around.add(Period(p.year, quarter=(p.month - 1) // 3 + 1).key)
        if around & published:
            closed.add(key)
    return closed


def _value_in_range(raw, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    text = str(raw).strip().replace(",", ".") if raw is not None else ""
    text = text.rstrip("%").strip()
    if not text:
        return None, _("The value is empty.")
    try:
        value = Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None, _("“%(value)s” is not a number.") % {"value": raw}
    if not indicator.min_value <= value <= indicator.max_value:
        return None, _("%(value)s is outside the range of %(indicator)s (%(min)s–%(max)s).") % {
            "value": str(value).replace(".", ","),
            "indicator": indicator.name,
            "min": f"{indicator.min_value.normalize():f}".replace(".", ","),
            "max": f"{indicator.max_value.normalize():f}".replace(".", ","),
        }
    return value, None


@transaction.atomic
def indicator_value_set(
    *, actor, unit: Unit, indicator: Indicator, period: Period, value, source: str = "", file_name: str = ""
) -> IndicatorValue:
    """Enter (or replace) one value."""
    require(actor, Perm.INDICATOR_MANAGE, unit)
    checked, problem = _value_in_range(value, indicator)
    if problem:
        raise ValidationError({"value": problem})
    if closed_period_keys([period.key]):
        raise ValidationError(
            {"period": _("%(period)s is closed: its scorecards are published.") % {"period": period.label}}
        )
    row = IndicatorValue.objects.filter(indicator=indicator, unit=unit, period=period.key).first()
    row = row or IndicatorValue(indicator=indicator, unit=unit, period=period.key)
    row.value, row.source, row.imported_by, row.file_name = checked, (source or "").strip()[:255], actor, file_name
    row.full_clean()
    row._history_user = actor
    row.save()
    return row


@dataclass
class IndicatorPlan:
    sheet: str
    rows: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return len(self.rows)


def indicator_parse(*, data: bytes, actor) -> IndicatorPlan:
    """Read and check the whole sheet; raises ImportRejected with every bad cell."""
    require(actor, Perm.INDICATOR_MANAGE)
    sheet, rows = read_table(data, COLUMNS)
    errors: list[CellError] = []

    def bad(row, fld, message):
        errors.append(CellError(sheet, row.number, row.columns.get(fld), message))

    unit_codes = [c for c in {clean_text(r.values.get("unit")) for r in rows} if c]
    units: dict[str, Unit] = {}
    for chunk in iter_chunks(unit_codes, 500):
        units.update({u.code: u for u in Unit.objects.filter(code__in=chunk)})
    allowed = set(Unit.objects.filter(unit_scope_q(actor, Perm.INDICATOR_MANAGE)).values_list("pk", flat=True))
    indicators = {i.code: i for i in Indicator.objects.all()}
    closed = closed_period_keys({clean_text(r.values.get("period")) for r in rows})
    seen: dict[tuple, int] = {}
    plan = IndicatorPlan(sheet=sheet)
    for row in rows:
        v = row.values
        code = clean_text(v.get("unit"))
        unit = units.get(code)
        if not code:
            bad(row, "unit", _("Unit code is empty."))
        elif unit is None:
            bad(row, "unit", _("Unknown unit code “%(code)s”.") % {"code": code})
        elif unit.pk not in allowed:
            bad(row, "unit", _("The unit “%(unit)s” is outside your scope.") % {"unit": unit.name})
        raw_period = clean_text(v.get("period"))
        period = None
        try:
            period = Period.parse(raw_period)
        except ValueError as exc:
            bad(row, "period", str(exc))
        if period is not None and raw_period in closed:
            bad(row, "period", _("%(period)s is closed: its scorecards are published.") % {"period": period.label})
        indicator_code = clean_text(v.get("indicator"))
        indicator = indicators.get(indicator_code)
        if indicator is None:
            bad(
                row,
                "indicator",
                _("Unknown indicator “%(code)s” (known: %(known)s).")
                % {"code": indicator_code, "known": ", ".join(sorted(indicators))},
            )
        value = None
        if indicator is not None:
            value, problem = _value_in_range(v.get("value"), indicator)
            if problem:
                bad(row, "value", problem)
        if unit is not None and period is not None and indicator is not None:
            key = (unit.pk, period.key, indicator.pk)
            if key in seen:
                bad(
                    row,
                    "indicator",
                    _("%(indicator)s of %(unit)s for %(period)s appears again (first on row %(row)s).")
                    % {"indicator": indicator.code, "unit": unit.code, "period": period.key, "row": seen[key]},
                )
            else:
                seen[key] = row.number
        plan.rows.append(
            {
                "row": row.number,
                "unit": unit,
                "period": period.key if period else "",
                "indicator": indicator,
                "value": value,
                "source": clean_text(v.get("source"))[:255],
            }
        )
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return plan


@transaction.atomic
def indicator_apply(*, plan: IndicatorPlan, actor, file_name: str = "") -> IndicatorPlan:
    require(actor, Perm.INDICATOR_MANAGE)
    existing = {
        (r.unit_id, r.period, r.indicator_id): r
        for r in IndicatorValue.objects.filter(
            unit_id__in={i["unit"].pk for i in plan.rows}, period__in={i["period"] for i in plan.rows}
        )
    }
    to_create, to_update = [], []
    for item in plan.rows:
        current = existing.get((item["unit"].pk, item["period"], item["indicator"].pk))
        if current is None:
            to_create.append(
                IndicatorValue(
                    unit=item["unit"],
                    period=item["period"],
                    indicator=item["indicator"],
                    value=item["value"],
                    source=item["source"],
                    imported_by=actor,
                    file_name=file_name[:255],
                )
            )
        else:
            current.value, current.source, current.imported_by = item["value"], item["source"], actor
            current.file_name, current.imported_at = file_name[:255], timezone.now()
            to_update.append(current)
    audit.bulk_create(IndicatorValue, to_create, actor=actor)
    audit.bulk_update(
        IndicatorValue, to_update, ["value", "source", "imported_by", "file_name", "imported_at"], actor=actor
    )
    plan.created, plan.updated = len(to_create), len(to_update)
    return plan


def indicator_import(*, data: bytes, actor, file_name: str = "", dry_run: bool = False) -> IndicatorPlan:
    plan = indicator_parse(data=data, actor=actor)
    if not dry_run:
        indicator_apply(plan=plan, actor=actor, file_name=file_name)
    return plan


__all__ = ["ImportRejected", "indicator_import", "indicator_value_set"]


def scorecard_model_add_cchc(*, actor, model) -> None:
    """Add the province's CCHC criteria (scorecards.defaults.CCHC_CRITERIA) to `model`, keeping its own."""

    for code, vi, en, direction, source in defaults.INDICATORS:
        Indicator.objects.get_or_create(
            code=code, defaults={"name_vi": vi, "name_en": en, "direction": direction, "source_hint": source}
        )
    have = {c.key for c in model.criteria.all()}
    rows = [
        {f: getattr(c, f) for f in ("key", "pillar", "formula", "weight", "target", "label_vi", "label_en",
                                     "direction", "order", "indicator", "checklist_items")}
        for c in model.criteria.all()
    ]  # fmt: skip
    rows += [r for r in defaults.cchc_criterion_rows() if r["key"] not in have]
    services.scorecard_model_update(
        actor=actor,
        model=model,
        name=model.name,
        excellent_min=model.excellent_min,
        good_min=model.good_min,
        satisfactory_min=model.satisfactory_min,
        legal_basis=model.legal_basis,
        criteria=rows,
    )
