"""Demo inspections for a year: the three default templates, an inspection plan and self-inspection
campaigns, approved / submitted / draft inspections in many units, self-inspections verified by
inspectors, findings with corrective actions open, in progress, done, verified and overdue.

Deterministic for a given seed. Everything is written with bulk inserts (scores computed in Python
with the same scoring functions the services use), so the province scale (≈20,000 inspections ×
≈50 answers) loads in about a minute or two.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from core import audit
from inspections import scoring, services
from inspections.defaults import load_default_templates
from inspections.models import (
    ActionProgress,
    ActionStatus,
    Answer,
    AnswerType,
    Assignment,
    AssignmentMember,
    CorrectiveAction,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Item,
    PlanKind,
    TemplateKind,
    TemplateVersion,
)
from inspections.services import ItemSpec, SectionSpec
from staff.access import system_actor
from staff.models import Unit, UnitKind

BATCH = 2000
NOTES = {
    "no": [
        "Một số cán bộ không đeo thẻ",
        "Chưa niêm yết nội quy",
        "Phát hiện vi phạm tại thời điểm kiểm tra",
        "Chưa có sổ theo dõi",
        "Chưa thực hiện đầy đủ",
    ],
}


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class _Writer:
    """Collects rows and writes them in bulk, in dependency order."""

    def __init__(self, ctx, today: dt.date):
        self.ctx, self.rng, self.today = ctx, ctx.rng, today
        self.lead = ctx.users.get("inspector.lead")
        self.inspector = ctx.users.get("inspector")
        self.assignments: list[Assignment] = []
        self.members: list[tuple[Assignment, object]] = []
        self.plan_rows: list[dict] = []  # per assignment: what to do with it

    def assign(
        self,
        *,
        plan,
        unit,
        version,
        due,
        lead=None,
        members=(),
        announced=True,
        is_self=False,
        state,
        on=None,
        on_time=True,
    ):
        a = Assignment(
            plan=plan,
            unit=unit,
            template_version=version,
            due_date=due,
            lead=lead,
            announced=announced,
            is_self=is_self,
        )
        self.assignments.append(a)
        for m in members:
            self.members.append((a, m))
        self.plan_rows.append(
            {"assignment": a, "state": state, "on": on or due, "on_time": on_time, "members": list(members)}
        )
        return a

    # ------------------------------------------------------------------------------ answers
    def _value(self, item: Item, quality: float) -> str:
        r = self.rng.random()
        if item.answer_type == AnswerType.YES_NO_NA:
            if r < 0.04:
                return "na"
            return "yes" if r < quality else "no"
        if item.answer_type == AnswerType.SCALE_0_4:
            return str(max(0, min(4, round(4 * quality + self.rng.uniform(-1.6, 0.6)))))
        if item.answer_type == AnswerType.PERCENT:
            return str(max(0, min(100, round(100 * quality + self.rng.uniform(-30, 8)))))
        if item.answer_type == AnswerType.NUMBER:
            return str(self.rng.randint(0, 40))
        return ""

    def write(self, items_by_version: dict[int, list[Item]]) -> dict:
        rng, today = self.rng, self.today
        audit.bulk_create(Assignment, self.assignments, batch_size=BATCH)
        audit.bulk_create(
            AssignmentMember, [AssignmentMember(assignment=a, user=u) for a, u in self.members], batch_size=BATCH
        )
        inspections, answer_sets = [], []
        for row in self.plan_rows:
            a, state = row["assignment"], row["state"]
            if state == "none":
                continue
            version = a.template_version
            quality = rng.uniform(0.55, 0.98)
            values = [(item, self._value(item, quality)) for item in items_by_version[version.pk]]
            score = maximum = Decimal(0)
            critical = False
            answers = []
            for item, value in values:
                result = scoring.score_item(
                    answer_type=item.answer_type, weight=item.weight, failing_answers=item.failing_answers, value=value
                )
                note = rng.choice(NOTES["no"]) if result.failed else ""
                answers.append(
                    Answer(
                        item=item,
                        value=value,
                        score=result.score,
                        max_score=result.max_score,
                        failed=result.failed,
                        note=note,
                    )
                )
                if result.max_score is not None:
                    score += result.score
                    maximum += result.max_score
                critical = critical or (result.failed and item.critical)
            total = scoring.percent(score, maximum)
            on = min(row["on"], today)
            submitted_at = approved_at = None
            status = {
                "draft": InspectionStatus.DRAFT,
                "submitted": InspectionStatus.SUBMITTED,
                "approved": InspectionStatus.APPROVED,
                "returned": InspectionStatus.RETURNED,
            }[state]
            if status != InspectionStatus.DRAFT:
                submit_day = on if row["on_time"] else a.due_date + dt.timedelta(days=rng.randint(1, 20))
                submitted_at = _aware(min(submit_day, today), 15)
            if status == InspectionStatus.APPROVED:
                approved_at = submitted_at + dt.timedelta(days=rng.randint(1, 10))
                if approved_at.date() > today:
                    approved_at = _aware(today, 9)
            filler = None if a.is_self else (row["members"][0] if row["members"] else a.lead)
            inspections.append(
                Inspection(
                    assignment=a,
                    unit_id=a.unit_id,
                    template_version=version,
                    kind=version.template.kind,
                    is_self=a.is_self,
                    inspected_on=on,
                    status=status,
                    score=score,
                    max_score=maximum,
                    total_percent=total,
                    band=scoring.band_for(total),
                    critical_failed=critical,
                    answered=sum(1 for _i, v in values if v),
                    created_by=filler,
                    submitted_at=submitted_at,
                    submitted_by=filler if submitted_at else None,
                    approved_at=approved_at,
                    approved_by=self.lead if approved_at else None,
                    reviewed_at=approved_at,
                    reviewed_by=self.lead if approved_at else None,
                    review_comment="Bổ sung minh chứng cho các tiêu chí không đạt." if state == "returned" else "",
                    summary="Đơn vị chấp hành tương đối tốt; còn một số tồn tại cần khắc phục."
                    if status != "draft"
                    else "",
                )
            )
            answer_sets.append(answers)
        audit.bulk_create(Inspection, inspections, batch_size=BATCH)
        all_answers = []
        for inspection, answers in zip(inspections, answer_sets):
            for answer in answers:
                answer.inspection = inspection
            all_answers.extend(answers)
        audit.bulk_create(Answer, all_answers, batch_size=5000)
        findings = []
        for inspection, answers in zip(inspections, answer_sets):
            if inspection.status != InspectionStatus.APPROVED:
                continue
            for answer in answers:
                if answer.failed:
                    findings.append(
                        Finding(
                            inspection=inspection,
                            answer=answer,
                            item=answer.item,
                            unit_id=inspection.unit_id,
                            critical=answer.item.critical,
                            description=answer.item.text_vi + (f" — {answer.note}" if answer.note else ""),
                        )
                    )
        audit.bulk_create(Finding, findings, batch_size=BATCH)
        actions, progress = self._actions(findings)
        return {
            "inspections": len(inspections),
            "answers": len(all_answers),
            "findings": len(findings),
            "actions": len(actions),
            "progress": len(progress),
        }

    def _actions(self, findings):
        rng, today = self.rng, self.today
        actions, steps = [], []
        for f in findings:
            approved = f.inspection.approved_at.date()
            due = approved + dt.timedelta(days=rng.choice([30, 45, 60, 90]))
            r = rng.random()
            if due < today:
                status = (
                    ActionStatus.VERIFIED
                    if r < 0.55
                    else ActionStatus.DONE
                    if r < 0.72
                    else ActionStatus.IN_PROGRESS
                    if r < 0.86
                    else ActionStatus.OPEN
                )
            else:
                status = ActionStatus.OPEN if r < 0.45 else ActionStatus.IN_PROGRESS if r < 0.8 else ActionStatus.DONE
            completed = None
            if status in (ActionStatus.DONE, ActionStatus.VERIFIED):
                late = rng.random() < 0.2
                completed = min(
                    today,
                    due + dt.timedelta(days=rng.randint(1, 15))
                    if late
                    else due - dt.timedelta(days=rng.randint(0, 20)),
                )
                completed = max(completed, approved)
            action = CorrectiveAction(
                finding=f,
                unit_id=f.unit_id,
                description=f"Khắc phục: {f.item.text_vi}",
                due_date=due,
                status=status,
                completed_on=completed,
                created_by=self.lead,
                verified_at=_aware(min(today, completed + dt.timedelta(days=3)))
                if status == ActionStatus.VERIFIED
                else None,
                verified_by=self.lead if status == ActionStatus.VERIFIED else None,
                version=1
                + {ActionStatus.OPEN: 0, ActionStatus.IN_PROGRESS: 1, ActionStatus.DONE: 2, ActionStatus.VERIFIED: 3}[
                    status
                ],
            )
            actions.append(action)
        audit.bulk_create(CorrectiveAction, actions, batch_size=BATCH)
        chain = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.VERIFIED]
        for a in actions:
            start = a.finding.inspection.approved_at
            for i in range(chain.index(a.status)):
                when = start + dt.timedelta(days=5 * (i + 1))
                if a.completed_on and chain[i + 1] in (ActionStatus.DONE, ActionStatus.VERIFIED):
                    when = _aware(
                        a.completed_on
                        if chain[i + 1] == ActionStatus.DONE
                        else min(self.today, a.completed_on + dt.timedelta(days=3)),
                        14,
                    )
                steps.append(
                    ActionProgress(
                        action=a,
                        author=self.lead if chain[i + 1] == ActionStatus.VERIFIED else None,
                        note="Đã triển khai khắc phục." if i == 0 else "Cập nhật tiến độ.",
                        status_from=chain[i],
                        status_to=chain[i + 1],
                        created_at=min(when, timezone.now()),
                    )
                )
        audit.bulk_create(ActionProgress, steps, batch_size=5000)
        return actions, steps


def _big_template(versions: dict[str, TemplateVersion]) -> TemplateVersion:
    """Province scale: a 50-item combined checklist (all default items + 15 more) so that each
    inspection carries ≈50 answers, as in the design's sizing."""
    actor = system_actor()
    template = services.template_create(
        actor=actor,
        code="TH50",
        name_vi="Phiếu kiểm tra công vụ tổng hợp",
        name_en="Combined public-service checklist",
        kind=TemplateKind.DISCIPLINE,
    )
    sections, n = [], 0
    for code in ("VHCV", "KLKC", "TKT"):
        for s in versions[code].sections.order_by("order").prefetch_related("items"):
            sections.append(
                SectionSpec(
                    code=f"{code}-{s.code}",
                    title_vi=s.title_vi,
                    title_en=s.title_en,
                    items=[
                        ItemSpec(
                            code=i.code,
                            text_vi=i.text_vi,
                            text_en=i.text_en,
                            answer_type=i.answer_type,
                            weight=i.weight,
                            critical=i.critical,
                            legal_basis=i.legal_basis,
                        )
                        for i in s.items.order_by("order")
                    ],
                )
            )
            n += s.items.count()
    extra = [
        ItemSpec(
            code=f"TH-{k:02d}",
            text_vi=f"Tiêu chí bổ sung số {k}",
            text_en=f"Additional item {k}",
            answer_type=AnswerType.YES_NO_NA if k % 3 else AnswerType.SCALE_0_4,
            weight=Decimal(1 + k % 3),
        )
        for k in range(1, 50 - n + 1)
    ]
    sections.append(SectionSpec(code="TH", title_vi="Tiêu chí bổ sung", title_en="Additional items", items=extra))
    version = template.versions.get()
    services.version_set_content(actor=actor, version=version, sections=sections)
    return services.version_publish(actor=actor, version=version)


def seed(ctx) -> None:
    started = time.perf_counter()
    today = timezone.localdate()
    year = ctx.year
    rng = ctx.rng
    versions = load_default_templates(actor=system_actor())
    province = ctx.province or Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    lead, inspector = ctx.users.get("inspector.lead"), ctx.users.get("inspector")
    units = list(Unit.objects.filter(active=True, path__startswith=province.path).order_by("path"))
    by_code = {u.code: u for u in units}
    communes = [u for u in units if u.kind == UnitKind.COMMUNE]
    departments = [u for u in units if u.kind == UnitKind.DEPARTMENT]
    divisions = [u for u in units if u.kind == UnitKind.DIVISION]
    writer = _Writer(ctx, today)

    def state_for(due: dt.date, *, open_share=0.15):
        if due > today + dt.timedelta(days=20):
            return "none"
        if due > today - dt.timedelta(days=10):
            return rng.choice(["none", "draft", "submitted"])
        r = rng.random()
        return "approved" if r > open_share else ("submitted" if r > 0.06 else "returned")

    def day_in_year(lo=15, hi=None):
        hi = hi or max(lo + 1, min(330, (today - dt.date(year, 1, 1)).days + 40))
        return dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(lo, hi))

    # 1. The inspection plan of the year: ≈30 % of communes, half the departments, some divisions.
    plan = InspectionPlan.objects.create(
        year=year, name=f"Kế hoạch kiểm tra công vụ năm {year}", unit=province, created_by=lead
    )
    inspector_units = [by_code[c] for c in ("XA001", "XA004", "XA005", "XA010", "XA027") if c in by_code]
    targets = inspector_units + rng.sample(
        [c for c in communes if c not in inspector_units], k=min(12, len(communes) - 5)
    )
    targets += rng.sample(departments, k=len(departments) // 2) + rng.sample(divisions, k=min(12, len(divisions)))
    for unit in targets:
        code = "VHCV" if rng.random() < 0.6 else "KLKC"
        due = day_in_year()
        on = due - dt.timedelta(days=rng.randint(0, 10))
        mine = unit in inspector_units
        state = state_for(due)
        if mine and unit.code == "XA004":
            state, due = "none", today + dt.timedelta(days=14)  # the inspector's next job, ready to fill
        if mine and unit.code == "XA010":
            state, due = "draft", today + dt.timedelta(days=7)
        writer.assign(
            plan=plan,
            unit=unit,
            version=versions[code],
            due=due,
            on=on,
            announced=rng.random() < 0.7,
            # The inspector fills on the lead's team; the lead approves (separation of duties).
            lead=lead,
            members=[inspector] if mine or rng.random() < 0.3 else [],
            state=state,
        )
    # 2. Self-inspection campaigns: service culture (communes + departments), discipline
    #    (departments), the administrative-reform self-inspection (communes). Due 30/06 and 31/10.
    campaigns = [
        ("VHCV", f"Tự kiểm tra văn hóa công vụ năm {year}", communes + departments, dt.date(year, 6, 30)),
        ("KLKC", f"Tự kiểm tra kỷ luật, kỷ cương năm {year}", departments, dt.date(year, 6, 30)),
        ("TKT", f"Tự kiểm tra cải cách hành chính năm {year}", communes, dt.date(year, 10, 31)),
    ]
    for code, name, scope, due in campaigns:
        campaign = InspectionPlan.objects.create(
            year=year, name=name, unit=province, kind=PlanKind.SELF_CAMPAIGN, created_by=lead
        )
        for unit in scope:
            state = state_for(due, open_share=0.25)
            if unit.code in ("XA004", "SGDDT") and code != "KLKC":
                state = "none" if unit.code == "XA004" else "draft"
                due_for = max(due, today + dt.timedelta(days=21))
            else:
                due_for = due
            writer.assign(
                plan=campaign,
                unit=unit,
                version=versions[code],
                due=due_for,
                is_self=True,
                state=state,
                on=due_for - dt.timedelta(days=rng.randint(0, 25)),
                on_time=rng.random() < 0.8,
            )
    # 3. Province scale: ≈20,000 inspections × ≈50 answers in quarterly plans over all units.
    big_version = None
    if ctx.scale == "province":
        big_version = _big_template(versions)
        quarters = [
            InspectionPlan.objects.create(
                year=year, name=f"Kiểm tra công vụ quý {q}/{year}", unit=province, created_by=lead
            )
            for q in range(1, 5)
        ]
        target = 20_000 - len([r for r in writer.plan_rows if r["state"] != "none"])
        for k in range(max(0, target)):
            unit = units[k % len(units)]
            due = dt.date(year, 1, 5) + dt.timedelta(
                days=rng.randint(0, max(1, (today - dt.date(year, 1, 5)).days - 12))
            )
            writer.assign(
                plan=quarters[min(3, (due.month - 1) // 3)],
                unit=unit,
                version=big_version,
                due=due,
                on=due - dt.timedelta(days=rng.randint(0, 5)),
                lead=lead,
                announced=rng.random() < 0.6,
                state="approved" if rng.random() < 0.9 else "submitted",
            )
    version_ids = {r["assignment"].template_version_id for r in writer.plan_rows}
    items = {}
    for item in Item.objects.filter(version_id__in=version_ids).select_related("section").order_by("order"):
        items.setdefault(item.version_id, []).append(item)
    counts = writer.write(items)
    elapsed = time.perf_counter() - started
    last = Inspection.objects.aggregate(m=Max("inspected_on"))["m"]
    ctx.notes.append(
        f"{len(versions) + (1 if big_version else 0)} checklist templates, {len(writer.assignments)} assignments, "
        f"{counts['inspections']} inspections, {counts['answers']} answers, {counts['findings']} findings, "
        f"{counts['actions']} corrective actions (inspections seeded in {elapsed:.1f} s, last {last})"
    )
