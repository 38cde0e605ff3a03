"""Demo data: the province's CCHC criteria (indicators, discipline, a self-assessed criterion) in the
demo year's model, indicator values for every unit and quarter, then publish the previous year and the
quarters of the demo year that have ended — the last of them through a finished self-assessment and
appraisal round with some adjusted criteria — and leave a round open for the current quarter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core import audit
from scorecards import engine, indicators, rounds, services
from scorecards.models import Indicator, IndicatorValue, ScorecardModel
from scorecards.periods import Period
from staff.access import system_actor
from staff.models import Unit

# code: (low, high) of the plausible spread
SPREADS = {
    "late_dossiers": (0, 12),
    "online_dossiers": (20, 95),
    "online_payments": (10, 80),
    "sipas": (70, 98),
    "report_regularity": (60, 100),
}
EVIDENCE = "https://sonoivu.caobang.gov.vn/cchc/minh-chung"
ROUND_UNITS = ("SGDDT", "XA004", "SYT")
HEADS = {"SGDDT": "unithead", "XA004": "unithead.xa"}


def _indicator_values(ctx, quarters: list[Period]) -> int:
    rng = ctx.rng
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=SPREADS)}
    units = list(Unit.objects.filter(active=True).values_list("pk", flat=True))
    actor = ctx.users.get("thamdinh")
    rows = []
    for period in quarters:
        for unit_id in units:
            for code, (low, high) in SPREADS.items():
                value = Decimal(str(round(rng.uniform(low, high), 2)))
                rows.append(
                    IndicatorValue(
                        indicator=by_code[code],
                        unit_id=unit_id,
                        period=period.key,
                        value=value,
                        source=by_code[code].source_hint,
                        imported_by=actor,
                        file_name=f"chi-so-{period.key}.xlsx",
                    )
                )
    audit.bulk_create(IndicatorValue, rows, actor=actor, batch_size=2000)
    return len(rows)


# A criterion computed from chosen items of the units' own self-inspections (the TKT checklist's "directing
# administrative reform" section), so the demo shows that kind too.
CHECKLIST_ITEMS_CRITERION = {
    "key": "self_check_direction",
    "pillar": engine.SERVICE_CULTURE,
    "formula": "checklist_items",
    "checklist_items": "TKT-01, TKT-02, TKT-03",
    "weight": 5,
    "target": 90,
    "direction": engine.HIGHER,
    "indicator": None,
    "label_vi": "Tự kiểm tra: chỉ đạo, điều hành CCHC (nội dung TKT-01 đến TKT-03)",
    "label_en": "Self-inspection: directing administrative reform (items TKT-01 to TKT-03)",
    "order": 200,
}


def _add_checklist_items_criterion(*, actor, model) -> None:
    if model.criteria.filter(key=CHECKLIST_ITEMS_CRITERION["key"]).exists():
        return
    fields = ("key", "pillar", "formula", "weight", "target", "label_vi", "label_en", "direction", "order",
              "indicator", "checklist_items")  # fmt: skip
    rows = [{f: getattr(c, f) for f in fields} for c in model.criteria.all()]
    services.scorecard_model_update(
        actor=actor,
        model=model,
        name=model.name,
        excellent_min=model.excellent_min,
        good_min=model.good_min,
        satisfactory_min=model.satisfactory_min,
        legal_basis=model.legal_basis,
        criteria=[*rows, CHECKLIST_ITEMS_CRITERION],
    )


def _finished_round(ctx, period: Period, today: dt.date) -> None:
    """A round for `period`: three units assess themselves, the appraiser adjusts some criteria, publishes."""
    appraiser = ctx.users["thamdinh"]
    opened_on = period.end + dt.timedelta(days=1)
    round_ = rounds.round_open(
        actor=appraiser, period=period, deadline=period.end + dt.timedelta(days=15), today=opened_on, note="Demo"
    )
    submitted_on = period.end + dt.timedelta(days=10)
    units = {u.code: u for u in Unit.objects.filter(code__in=ROUND_UNITS)}
    for index, code in enumerate(ROUND_UNITS):
        unit = units.get(code)
        if unit is None:
            continue
        entries = [
            {
                "key": "cchc_direction",
                "self_value": str(80 + 5 * index),
                "explanation": "Ban hành kế hoạch CCHC năm, kiểm tra định kỳ các phòng, đơn vị trực thuộc.",
                "evidence_link": f"{EVIDENCE}/{code.lower()}-{period.key}.pdf",
            }
        ]
        system = ctx.users.get(HEADS.get(code, "")) or system_actor()
        rounds.assessment_save(actor=system, round_=round_, unit=unit, entries=entries, today=submitted_on)
        assessment = rounds.assessment_submit(actor=system, round_=round_, unit=unit, today=submitted_on)
        decisions = []
        for row in assessment.criteria.all():
            if row.key == "cchc_direction" and index != 1:
                decisions.append(
                    {
                        "key": row.key,
                        "decision": "adjusted",
                        "value": str(70 + 5 * index),
                        "reason": "Minh chứng chưa thể hiện việc kiểm tra, đôn đốc định kỳ.",
                    }
                )
            elif row.key == "late_dossiers" and row.self_value is not None and index == 2:
                decisions.append(
                    {
                        "key": row.key,
                        "decision": "adjusted",
                        "value": str(min(100.0, round(row.self_value + 2, 2))),
                        "reason": "Đối chiếu Hệ thống thông tin giải quyết TTHC: thêm hồ sơ trễ hạn chưa cập nhật.",
                    }
                )
            else:
                decisions.append({"key": row.key, "decision": "accepted"})
        rounds.assessment_appraise(actor=appraiser, assessment=assessment, decisions=decisions)
    rounds.round_publish(actor=appraiser, round_=round_, note="Demo", today=today)


def seed(ctx) -> None:
    today = timezone.localdate()
    actor = system_actor()
    model = ScorecardModel.objects.filter(year=ctx.year).first()
    if model is None:
        model = services.scorecard_model_create(actor=actor, year=ctx.year)
    indicators.scorecard_model_add_cchc(actor=actor, model=model)
    _add_checklist_items_criterion(actor=actor, model=ScorecardModel.objects.get(pk=model.pk))
    current = Period(ctx.year, quarter=(today.month - 1) // 3 + 1) if today.year == ctx.year else None
    quarters = [Period(ctx.year, quarter=q) for q in range(1, 5) if Period(ctx.year, quarter=q).start <= today]
    values = _indicator_values(ctx, quarters)

    published = []
    previous_year = Period(ctx.year - 1)
    if previous_year.end < today:
        services.period_publish(actor=actor, period=previous_year, note="Demo", today=today)
        published.append(previous_year.key)
    ended = [p for p in quarters if p.end < today]
    for period in ended[:-1]:
        services.period_publish(actor=actor, period=period, note="Demo", today=today)
        published.append(period.key)
    if ended and "thamdinh" in ctx.users:
        _finished_round(ctx, ended[-1], today)
        published.append(f"{ended[-1].key} (round)")
    if current is not None and "thamdinh" in ctx.users:
        rounds.round_open(
            actor=ctx.users["thamdinh"], period=current, deadline=current.end + dt.timedelta(days=15), today=today
        )
    ctx.notes.append(
        f"{values} indicator values; scorecards published: {', '.join(published) or 'none'}"
        + (f"; round open: {current.key}" if current else "")
    )
