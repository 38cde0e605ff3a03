"""Reports of a unit subtree for a period: yearly training, inspections of a period, quarterly CCHC.
The figures come from the apps' selectors and are aggregated in the database."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from core.permissions import Perm
from documents.contexts.common import fmt_date, fmt_num, header
from documents.kinds import KINDS
from documents.rendering import Document
from inspections import selectors as inspection_selectors
from inspections.models import OPEN_ACTION_STATUSES, ActionStatus, Band
from scorecards.periods import Period
from scorecards.selectors import unit_scorecard
from staff.access import subtree_bounds, unit_in_scope
from staff.models import StaffCategory, Unit
from training import selectors as training_selectors
from training.models import TRAINING_READ, CourseCategory, TrainingClass

INSPECTION_READ = (Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN, Perm.INSPECTION_REVIEW)


def report_unit(*, user, code: str, perm) -> Unit:
    """The unit a report is about: 404 when unknown or outside the user's scope for `perm`."""
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None or not unit_in_scope(user, perm, unit):
        raise Http404
    return unit


def parse_period(text: str) -> Period:
    return Period.parse(text)


def _subtree_q(unit: Unit, prefix: str) -> Q:
    low, high = subtree_bounds(unit.path)
    return Q(**{f"{prefix}path__gte": low, f"{prefix}path__lt": high})


def _tiet(periods) -> str:
    """tiết credited to the enrollments (training counts tiết per session; see training.services)."""
    return fmt_num(float(periods or 0), 1)


def training_report(*, user, code: str, period: str, base_url: str) -> Document:
    kind = KINDS["training_report"]
    unit = report_unit(user=user, code=code, perm=TRAINING_READ)
    year = parse_period(period).year
    done = training_selectors.completed_courses(year).filter(_subtree_q(unit, "staff__unit__"))
    by_group_rows = {
        r["training_class__course__category"]: r
        for r in done.values("training_class__course__category").annotate(
            learners=Count("pk"), tiet=Sum("attended_periods"), classes=Count("training_class", distinct=True)
        )
    }
    by_group = [
        {
            "group": str(label),
            "classes": by_group_rows.get(value, {}).get("classes", 0),
            "learners": by_group_rows.get(value, {}).get("learners", 0),
            "tiet": _tiet(by_group_rows.get(value, {}).get("tiet")),
        }
        for value, label in CourseCategory.choices
    ]
    by_cat_rows = {
        r["staff__category"]: r
        for r in done.values("staff__category").annotate(learners=Count("pk"), tiet=Sum("attended_periods"))
    }
    by_category = [
        {
            "category": str(label),
            "learners": by_cat_rows.get(value, {}).get("learners", 0),
            "tiet": _tiet(by_cat_rows.get(value, {}).get("tiet")),
        }
        for value, label in StaffCategory.choices
    ]
    totals = done.aggregate(learners=Count("pk"), tiet=Sum("attended_periods"))
    plan = training_selectors.year_plan(user=user, year=year).filter(_subtree_q(unit, "unit__"))
    plan_totals = plan.aggregate(
        classes=Count("pk"), capacity=Sum("capacity"), done=Count("pk", filter=Q(status="completed"))
    )
    ministry_table = _ministry_table(done, plan)
    record_key = f"{unit.code}:{year}"
    context = header(user=user, kind=kind, unit=unit, record_key=record_key, recipients=["Sở Nội vụ tỉnh Cao Bằng"])
    context.update(
        ministry_table=ministry_table,
        subject=f"Kết quả đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm {year}",
        report_unit=unit.name,
        period_label=f"Năm {year}",
        by_group=by_group,
        by_category=by_category,
        total_learners=totals["learners"] or 0,
        total_tiet=_tiet(totals["tiet"]),
        planned_classes=plan_totals["classes"] or 0,
        done_classes=plan_totals["done"] or 0,
        planned_learners=plan_totals["capacity"] or 0,
    )
    return Document(
        kind=kind,
        context=context,
        unit=unit,
        record_key=record_key,
        filename=f"bao-cao-dao-tao-{unit.code}-{year}.docx",
        record=unit,
    )


MINISTRY_CATEGORIES = (StaffCategory.CAN_BO, StaffCategory.CONG_CHUC, StaffCategory.VIEN_CHUC)


def _percent(done: int, planned: int) -> str:
    return f"{fmt_num(100 * done / planned, 1)} %" if planned else "—"


def _ministry_table(done, plan) -> list[dict]:
    """The ministry's summary table (lượt CBCCVC bồi dưỡng by content group and by cán bộ / công chức /
    viên chức, against the plan), one row per content group and a total row. Two grouped queries: the
    completed enrollments by (content group, staff category) and the planned places by content group.
    Contract workers are not CBCCVC: they are left out of this table (the other tables count them)."""
    cells = {
        (r["training_class__course__category"], r["staff__category"]): r
        for r in done.filter(staff__category__in=MINISTRY_CATEGORIES)
        .order_by()
        .values("training_class__course__category", "staff__category")
        .annotate(learners=Count("pk"), tiet=Sum("attended_periods"))
    }
    planned = dict(
        TrainingClass.objects.filter(pk__in=plan.values("pk"))
        .order_by()
        .values("course__category")
        .annotate(places=Sum("capacity"))
        .values_list("course__category", "places")
    )
    rows, total = [], {"plan": 0, "all": 0, "tiet": 0.0, **{c.value: 0 for c in MINISTRY_CATEGORIES}}
    for i, (value, label) in enumerate(CourseCategory.choices, start=1):
        counts = {c.value: cells.get((value, c.value), {}).get("learners", 0) for c in MINISTRY_CATEGORIES}
        tiet = sum(float(cells.get((value, c.value), {}).get("tiet") or 0) for c in MINISTRY_CATEGORIES)
        everyone, places = sum(counts.values()), planned.get(value) or 0
        rows.append(
            {
                "stt": str(i),
                "group": str(label),
                "plan": places,
                "all": everyone,
                **counts,
                "percent": _percent(everyone, places),
                "tiet": _tiet(tiet),
            }
        )
        total["plan"] += places
        total["all"] += everyone
        total["tiet"] += tiet
        for c in MINISTRY_CATEGORIES:
            total[c.value] += counts[c.value]
    rows.append(
        {
            **total,
            "stt": "",
            "group": "Tổng cộng",
            "percent": _percent(total["all"], total["plan"]),
            "tiet": _tiet(total["tiet"]),
        }
    )
    return rows


def inspection_report(*, user, code: str, period: str, base_url: str) -> Document:
    kind = KINDS["inspection_report"]
    unit = report_unit(user=user, code=code, perm=INSPECTION_READ)
    p = parse_period(period)
    inspections = (
        inspection_selectors.inspection_list(user=user)
        .filter(_subtree_q(unit, "unit__"), inspected_on__gte=p.start, inspected_on__lte=p.end)
        .exclude(status="draft")
    )
    units_total = Unit.objects.filter(_subtree_q(unit, ""), active=True).count()
    units_inspected = inspections.values("unit").distinct().count()
    band_counts = dict(inspections.values_list("band").annotate(n=Count("pk")))
    by_band = [{"band": str(label), "count": band_counts.get(value, 0)} for value, label in Band.choices]
    inspected = [
        {
            "unit": i.unit.name,
            "date": fmt_date(i.inspected_on),
            "percent": fmt_num(i.total_percent),
            "band": i.get_band_display() or "—",
        }
        for i in inspections.select_related("unit").order_by("inspected_on", "unit__path")
    ]
    findings = inspection_selectors.finding_list(user=user).filter(inspection__in=inspections)
    today = timezone.localdate()
    actions = (
        inspection_selectors.action_list(user=user)
        .filter(finding__in=findings)
        .aggregate(
            done=Count("pk", filter=Q(status__in=(ActionStatus.DONE, ActionStatus.VERIFIED))),
            open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__gte=today)),
            overdue=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)),
        )
    )
    record_key = f"{unit.code}:{p.key}"
    context = header(user=user, kind=kind, unit=unit, record_key=record_key, recipients=["Sở Nội vụ tỉnh Cao Bằng"])
    context.update(
        subject=f"Kết quả kiểm tra công vụ {p.label.lower()}",
        report_unit=unit.name,
        period_label=str(p.label),
        units_total=units_total,
        units_inspected=units_inspected,
        coverage=fmt_num(units_inspected * 100 / units_total if units_total else 0),
        inspection_count=len(inspected),
        by_band=by_band,
        inspected=inspected,
        finding_count=findings.count(),
        actions_done=actions["done"],
        actions_open=actions["open"],
        actions_overdue=actions["overdue"],
    )
    return Document(
        kind=kind,
        context=context,
        unit=unit,
        record_key=record_key,
        filename=f"bao-cao-kiem-tra-{unit.code}-{p.key}.docx",
        record=unit,
    )


def cchc_report(*, user, code: str, period: str, base_url: str) -> Document:
    kind = KINDS["cchc_report"]
    unit = report_unit(user=user, code=code, perm=Perm.SCORECARD_VIEW)
    p = parse_period(period)
    card = unit_scorecard(user=user, pk=unit.pk, period=p, trend=False, previous=False)
    score = card.score
    criteria = [
        {
            "label": c.label_vi,
            "value": fmt_num(c.value, 2),
            "target": fmt_num(c.target, 2),
            "weight": fmt_num(c.weight, 2),
        }
        for c in (score.criteria if score else [])
    ]
    record_key = f"{unit.code}:{p.key}"
    context = header(user=user, kind=kind, unit=unit, record_key=record_key, recipients=["Sở Nội vụ tỉnh Cao Bằng"])
    context.update(
        subject=f"Kết quả thực hiện công tác cải cách hành chính {p.label.lower()}",
        report_unit=unit.name,
        period_label=str(p.label),
        total=fmt_num(score.total, 2) if score else "—",
        band=(score.band or "—") if score else "—",
        rank=f"{score.rank}/{score.rank_of}" if score and score.rank else "—",
        headcount=score.headcount if score else 0,
        criteria=criteria,
    )
    return Document(
        kind=kind,
        context=context,
        unit=unit,
        record_key=record_key,
        filename=f"bao-cao-cchc-{unit.code}-{p.key}.docx",
        record=unit,
    )
