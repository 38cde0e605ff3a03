"""Every non-trivial read on inspections. Querysets come back with their joins done; aggregates run
in the database."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Avg, Count, Exists, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.paging import kept_value
from core.permissions import Perm, has_perm
from core.prepared import PreparedRead
from inspections.models import (
    FINDING_SCOPE_PERMS,
    INSPECTION_SCOPE_PERMS,
    OPEN_ACTION_STATUSES,
    ActionProgress,
    ActionStatus,
    Answer,
    Assignment,
    AssignmentMember,
    ChecklistTemplate,
    CorrectiveAction,
    Evidence,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Item,
    Section,
    TemplateKind,
    TemplateVersion,
    VersionStatus,
    _team_q,
    action_is_overdue,
)
from staff.access import NOTHING, subtree_bounds, unit_scope_q
from staff.models import Unit


# ---------------------------------------------------------------- contract for the scorecards app
@dataclass(frozen=True)
class InspectionFacts:
    unit_id: int
    service_culture_score: float | None
    service_culture_self_score: float | None
    discipline_score: float | None
    discipline_self_score: float | None
    actions_due: int
    actions_closed_on_time: int
    self_inspections_due: int
    self_inspections_on_time: int


def unit_inspection_facts(*, start: dt.date, end: dt.date) -> dict[int, InspectionFacts]:
    """Per inspected unit, for [start, end]: mean total % of approved inspections by kind (by
    inspectors and self), corrective actions due / closed on time, self-inspections due / on time.
    Three queries whatever the number of units; only units with data are returned."""
    scores: dict[int, dict[str, float | None]] = defaultdict(dict)
    rows = (
        Inspection.objects.filter(
            status=InspectionStatus.APPROVED,
            inspected_on__gte=start,
            inspected_on__lte=end,
            kind__in=[TemplateKind.SERVICE_CULTURE, TemplateKind.DISCIPLINE],
            total_percent__isnull=False,
        )
        .values("unit_id", "kind", "is_self")
        .annotate(mean=Avg("total_percent"))
        .order_by()
    )
    for row in rows:
        prefix = "service_culture" if row["kind"] == TemplateKind.SERVICE_CULTURE else "discipline"
        key = f"{prefix}_self_score" if row["is_self"] else f"{prefix}_score"
        scores[row["unit_id"]][key] = round(float(row["mean"]), 2)

    actions = (
        CorrectiveAction.objects.filter(due_date__gte=start, due_date__lte=end)
        .values("unit_id")
        .annotate(
            due=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(
                    status__in=[ActionStatus.DONE, ActionStatus.VERIFIED],
                    completed_on__isnull=False,
                    completed_on__lte=F("due_date"),
                ),
            ),
        )
        .order_by()
    )
    action_counts = {r["unit_id"]: (r["due"], r["on_time"]) for r in actions}

    tz = timezone.get_current_timezone()
    selfs = (
        Assignment.objects.filter(is_self=True, due_date__gte=start, due_date__lte=end)
        .annotate(submitted_day=TruncDate("inspection__submitted_at", tzinfo=tz))
        .values("unit_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(inspection__submitted_at__isnull=False, submitted_day__lte=F("due_date"))),
        )
        .order_by()
    )
    self_counts = {r["unit_id"]: (r["due"], r["on_time"]) for r in selfs}

    result = {}
    for unit_id in set(scores) | set(action_counts) | set(self_counts):
        s = scores.get(unit_id, {})
        a_due, a_ok = action_counts.get(unit_id, (0, 0))
        s_due, s_ok = self_counts.get(unit_id, (0, 0))
        result[unit_id] = InspectionFacts(
            unit_id=unit_id,
            service_culture_score=s.get("service_culture_score"),
            service_culture_self_score=s.get("service_culture_self_score"),
            discipline_score=s.get("discipline_score"),
            discipline_self_score=s.get("discipline_self_score"),
            actions_due=a_due,
            actions_closed_on_time=a_ok,
            self_inspections_due=s_due,
            self_inspections_on_time=s_ok,
        )
    return result


# ------------------------------------------------------------------------------------ templates
def template_list(*, user) -> QuerySet[ChecklistTemplate]:
    latest = TemplateVersion.objects.visible_to(user).order_by("-number")
    return (
        ChecklistTemplate.objects.visible_to(user)
        .annotate(
            version_count=Count("versions", distinct=True),
            published_number=Max("versions__number", filter=Q(versions__status=VersionStatus.PUBLISHED)),
            draft_number=Max("versions__number", filter=Q(versions__status=VersionStatus.DRAFT)),
        )
        .prefetch_related(Prefetch("versions", queryset=latest, to_attr="all_versions"))
        .order_by("code")
    )


def template_get(*, user, pk: int) -> ChecklistTemplate:
    return get_object_or_404(ChecklistTemplate.objects.visible_to(user), pk=pk)


def version_get(*, user, pk: int) -> TemplateVersion:
    return get_object_or_404(
        TemplateVersion.objects.visible_to(user).select_related("template", "published_by", "created_by"), pk=pk
    )


def version_structure(*, version: TemplateVersion) -> list[Section]:
    """Sections with their items, in order; two queries."""
    items = Item.objects.order_by("order", "pk")
    return list(version.sections.order_by("order", "pk").prefetch_related(Prefetch("items", queryset=items)))


def version_published(*, code: str) -> TemplateVersion | None:
    return (
        TemplateVersion.objects.filter(template__code=code, status=VersionStatus.PUBLISHED)
        .select_related("template")
        .order_by("-number")
        .first()
    )


# ------------------------------------------------------------------------------- plans, coverage
def plan_list(*, user, filters=None, request=None) -> QuerySet[InspectionPlan]:
    from inspections.filters import PlanFilterSet

    qs = (
        InspectionPlan.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            assignment_count=Count("assignments", distinct=True),
            done_count=Count(
                "assignments",
                filter=Q(assignments__inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.APPROVED]),
                distinct=True,
            ),
        )
        .order_by("-year", "name", "pk")
    )
    if filters is not None:
        qs = PlanFilterSet(filters, queryset=qs, request=request).qs
    return qs


def plan_get(*, user, pk: int) -> InspectionPlan:
    return get_object_or_404(InspectionPlan.objects.visible_to(user).select_related("unit"), pk=pk)


def plan_coverage(*, plan: InspectionPlan) -> dict:
    """Share of active units in the plan's scope inspected this year (by inspectors, submitted or
    approved) against the target; two queries."""
    low, high = subtree_bounds(plan.unit.path)
    units = Unit.objects.filter(path__gte=low, path__lt=high, active=True).count()
    inspected = (
        Inspection.objects.filter(
            unit__path__gte=low,
            unit__path__lt=high,
            is_self=False,
            inspected_on__year=plan.year,
            status__in=[InspectionStatus.SUBMITTED, InspectionStatus.APPROVED],
        )
        .values("unit_id")
        .distinct()
        .count()
    )
    percent = round(Decimal(inspected * 100) / units, 1) if units else Decimal("0")
    return {
        "units": units,
        "inspected": inspected,
        "percent": percent,
        "target": plan.target_coverage,
        "met": percent >= plan.target_coverage,
        "needed": max(0, math.ceil(plan.target_coverage * units / 100) - inspected),
    }


def plan_assignments(*, user, plan: InspectionPlan) -> QuerySet[Assignment]:
    return assignment_list(user=user).filter(plan=plan)


# ---------------------------------------------------------------------------------- assignments
def assignment_rows(*, user) -> QuerySet[Assignment]:
    """Assignment.visible_to()'s rows with the scope as IN lists (see _scoped): the unit in scope, or
    the user leads it or is on its team."""
    return _scoped(
        Assignment, user=user, perm=Perm.INSPECTION_VIEW, team=lambda listed: Q(pk__in=_team_ids(user, listed=listed))
    )


def assignment_list(*, user, filters=None, request=None) -> QuerySet[Assignment]:
    from inspections.filters import AssignmentFilterSet

    qs = (
        assignment_rows(user=user)
        .select_related("unit", "template_version__template", "lead", "plan", "inspection")
        .prefetch_related("members")
    )
    if filters is not None:
        qs = AssignmentFilterSet(filters, queryset=qs, request=request).qs
    return qs


def my_assignments(*, user) -> QuerySet[Assignment]:
    """Open assignments the user fills: as lead or member, or self-inspections of units the user
    heads."""
    from inspections.models import AssignmentMember

    members = AssignmentMember.objects.filter(user_id=user.pk).values("assignment_id")
    team = Q(is_self=False) & (Q(lead_id=user.pk) | Q(pk__in=members))
    own_self = Q(is_self=True) & unit_scope_q(user, Perm.INSPECTION_SELF, prefix="unit__")
    open_q = Q(inspection__isnull=True) | Q(inspection__status__in=[InspectionStatus.DRAFT, InspectionStatus.RETURNED])
    return (
        Assignment.objects.filter(team | own_self)
        .filter(open_q)
        .select_related("unit", "template_version__template", "lead", "plan", "inspection")
        .prefetch_related("members")
        .order_by("due_date", "pk")
    )


def assignment_get(*, user, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(user).select_related("unit", "template_version__template", "lead", "plan"),
        pk=pk,
    )


def assignment_bundle(*, user) -> list[dict]:
    """Everything a tablet needs offline for the user's open assignments: the pinned versions with
    sections and items, the unit, its open corrective actions and its last result. A fixed number of
    queries whatever the number of assignments."""
    assignments = list(my_assignments(user=user))
    version_ids = {a.template_version_id for a in assignments}
    unit_ids = {a.unit_id for a in assignments}
    sections = defaultdict(list)
    for s in Section.objects.filter(version_id__in=version_ids).order_by("order", "pk"):
        sections[s.version_id].append(s)
    items = defaultdict(list)
    for i in Item.objects.filter(version_id__in=version_ids).order_by("order", "pk"):
        items[i.section_id].append(i)
    actions = defaultdict(list)
    for a in (
        CorrectiveAction.objects.filter(unit_id__in=unit_ids, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        .select_related("finding__item")
        .with_overdue()
        .order_by("due_date")
    ):
        actions[a.unit_id].append(a)
    last = {}
    for insp in (
        Inspection.objects.filter(unit_id__in=unit_ids, status=InspectionStatus.APPROVED)
        .select_related("template_version__template")
        .order_by("unit_id", "-inspected_on", "-pk")
    ):
        last.setdefault(insp.unit_id, insp)
    answers = defaultdict(list)
    draft_ids = [a.inspection.pk for a in assignments if hasattr(a, "inspection") and _has_inspection(a)]
    for ans in (
        Answer.objects.filter(inspection_id__in=draft_ids)
        .select_related("item")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("blob")))
    ):
        answers[ans.inspection_id].append(ans)
    result = []
    for a in assignments:
        v = a.template_version
        insp = a.inspection if _has_inspection(a) else None
        result.append(
            {
                "assignment": a,
                "version": v,
                "sections": [(s, items[s.pk]) for s in sections[v.pk]],
                "open_actions": actions[a.unit_id],
                "last_result": last.get(a.unit_id),
                "inspection": insp,
                "answers": answers[insp.pk] if insp else [],
            }
        )
    return result


def _has_inspection(assignment: Assignment) -> bool:
    try:
        return assignment.inspection is not None
    except Inspection.DoesNotExist:
        return False


# ---------------------------------------------------------------------------------- inspections
def inspection_list(*, user, filters=None, request=None) -> QuerySet[Inspection]:
    from inspections.filters import InspectionFilterSet

    qs = Inspection.objects.visible_to(user).select_related(
        "unit", "template_version__template", "assignment__lead", "submitted_by", "approved_by"
    )
    if filters is not None:
        qs = InspectionFilterSet(filters, queryset=qs, request=request).qs
    return qs


# The inspection list screen's columns: plain values instead of five joined model instances a row.
INSPECTION_ROW_FIELDS = (
    "id",
    "inspected_on",
    "unit__name",
    "is_self",
    "template_version__template__code",
    "template_version__number",
    "status",
    "total_percent",
    "band",
    "critical_failed",
)


def inspection_rows(*, user) -> QuerySet[Inspection]:
    """inspection_list's scope and order without its joins: filter it, then page it through
    core.paging.PagedRows(qs, INSPECTION_ROW_FIELDS) (or the API's fields)."""
    return _scoped(
        Inspection,
        user=user,
        perm=INSPECTION_SCOPE_PERMS,
        team=lambda listed: Q(assignment_id__in=_team_ids(user, listed=listed)),
    )


def inspection_get(*, user, pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.visible_to(user).select_related(
            "unit",
            "template_version__template",
            "assignment__lead",
            "assignment__plan",
            "submitted_by",
            "approved_by",
            "reviewed_by",
            "created_by",
        ),
        pk=pk,
    )


def inspection_answers(*, inspection: Inspection) -> dict[int, Answer]:
    """Answers by item id, with their evidence; two queries."""
    qs = inspection.answers.select_related("item").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("blob"))
    )
    return {a.item_id: a for a in qs}


def inspection_sheet(*, inspection: Inspection) -> list[dict]:
    """Sections, each with its rows (item, answer) and its own score; for the report and the form."""
    answers = inspection_answers(inspection=inspection)
    sheet = []
    for section in version_structure(version=inspection.template_version):
        rows = [{"item": item, "answer": answers.get(item.pk)} for item in section.items.all()]
        score = sum((r["answer"].score or 0) for r in rows if r["answer"] and r["answer"].max_score)
        maximum = sum((r["answer"].max_score or 0) for r in rows if r["answer"] and r["answer"].max_score)
        percent = round(Decimal(score) * 100 / Decimal(maximum), 1) if maximum else None
        sheet.append({"section": section, "rows": rows, "score": score, "max": maximum, "percent": percent})
    return sheet


def inspection_versions(*, inspection: Inspection) -> list[dict]:
    """Every version of a locked inspection: the approved original, then each amendment."""
    amendments = list(inspection.amendments.select_related("actor").order_by("number"))
    if not amendments:
        return []
    versions = [{"number": 0, "snapshot": amendments[0].before, "amendment": None}]
    for a in amendments:
        versions.append({"number": a.number, "snapshot": a.after, "amendment": a})
    return versions


def inspection_compare(*, user, inspection: Inspection) -> dict | None:
    """Self score vs verified score, item by item, for the same unit, template and year. Works from
    either side."""
    other_qs = (
        Inspection.objects.visible_to(user)
        .filter(
            unit_id=inspection.unit_id,
            template_version__template_id=inspection.template_version.template_id,
            inspected_on__year=inspection.inspected_on.year,
            is_self=not inspection.is_self,
        )
        .exclude(status=InspectionStatus.DRAFT)
        .select_related("template_version")
        .order_by("-inspected_on", "-pk")
    )
    other = other_qs.first()
    if other is None:
        return None
    self_insp, verified = (inspection, other) if inspection.is_self else (other, inspection)
    self_answers = {a.item.code: a for a in self_insp.answers.select_related("item")}
    verified_answers = {a.item.code: a for a in verified.answers.select_related("item")}
    rows = []
    for section in version_structure(version=verified.template_version):
        for item in section.items.all():
            s, v = self_answers.get(item.code), verified_answers.get(item.code)
            s_pct = _pct(s)
            v_pct = _pct(v)
            diff = None if s_pct is None or v_pct is None else round(v_pct - s_pct, 1)
            rows.append(
                {
                    "item": item,
                    "section": section,
                    "self": s,
                    "verified": v,
                    "self_pct": s_pct,
                    "verified_pct": v_pct,
                    "diff": diff,
                }
            )
    return {
        "self": self_insp,
        "verified": verified,
        "rows": rows,
        "differences": sum(1 for r in rows if r["diff"] not in (None, 0)),
    }


def _pct(answer):
    if answer is None or not answer.max_score:
        return None
    return round(float(answer.score) * 100 / float(answer.max_score), 1)


def results_by_unit(*, user, filters=None, request=None) -> QuerySet:
    """Per-unit results for a period (the InspectionFilterSet's filters) in the user's scope; see
    unit_results."""
    from inspections.filters import InspectionFilterSet

    qs = inspection_rows(user=user)
    if filters is not None:
        qs = InspectionFilterSet(filters, queryset=qs, request=request).qs
    return unit_results(inspections=qs)


def unit_results(*, inspections: QuerySet[Inspection]) -> QuerySet:
    """Per unit of these (scoped, filtered) inspections, drafts left out: number of inspections,
    approved, mean total %, critical failures, findings, last date; by unit code. One query per page.
    Each inspection is one row of the grouping (its findings are counted by a subquery on the finding
    index, not joined), so every figure, the mean too, counts an inspection once."""
    findings = (
        Finding.objects.filter(inspection_id=OuterRef("pk"))
        .order_by()
        .values("inspection_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        inspections.exclude(status=InspectionStatus.DRAFT)
        .values("unit_id", "unit__code", "unit__name")
        .annotate(
            inspections=Count("pk"),
            approved=Count("pk", filter=Q(status=InspectionStatus.APPROVED)),
            mean=Avg("total_percent"),
            critical=Count("pk", filter=Q(critical_failed=True)),
            findings=Coalesce(Sum(Subquery(findings, output_field=IntegerField())), 0),
            last_date=Max("inspected_on"),
        )
        .order_by("unit__code")
    )


class UnitResultPages:
    """unit_results for a paginator: the units with results are read in code order, each probing its
    inspections by the (unit, date) index (the count: no aggregate); each page aggregates its own
    units only. The whole province's results built every figure of 1,500 units (20,000 inspections,
    186,000 findings) for each page, and again for the count."""

    def __init__(self, inspections: QuerySet[Inspection]):
        self.inspections = inspections.exclude(status=InspectionStatus.DRAFT)
        self.ordered = True

    def _units(self) -> QuerySet[Unit]:
        present = self.inspections.filter(unit_id=OuterRef("pk"))
        return Unit.objects.filter(Exists(present)).order_by("code", "pk")

    def count(self) -> int:
        return self._units().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict]:
        units = list(self._units().values_list("pk", flat=True)[key])
        return list(unit_results(inspections=self.inspections.filter(unit_id__in=units)))


# ---------------------------------------------------------------------------- findings, actions
def finding_list(*, user, filters=None, request=None) -> QuerySet[Finding]:
    from inspections.filters import FindingFilterSet

    actions = CorrectiveAction.objects.select_related("unit", "responsible_person").with_overdue().order_by("due_date")
    qs = (
        Finding.objects.visible_to(user)
        .with_state()
        .select_related("unit", "item", "inspection__template_version__template", "answer")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    if filters is not None:
        qs = FindingFilterSet(filters, queryset=qs, request=request).qs
    return qs


# The register's columns (screen and API list): plain values, no model instances, no per-row
# subqueries; each finding's state comes from its actions (finding_actions, finding_state).
FINDING_ROW_FIELDS = (
    "id",
    "inspection_id",
    "inspection__inspected_on",
    "item__code",
    "unit_id",
    "unit__name",
    "critical",
    "description",
    "created_at",
)
ACTION_ROW_FIELDS = (
    "id",
    "finding_id",
    "unit_id",
    "unit__name",
    "responsible_person_id",
    "description",
    "due_date",
    "status",
    "is_overdue",
    "completed_on",
    "verified_at",
    "version",
    "created_at",
)


def _ids_as_lists() -> bool:
    """How the scope's ids go into the SQL (see _scoped): as lists on PostgreSQL, as subqueries on
    SQLite."""
    return connection.vendor == "postgresql"


def _unit_ids_in_scope(user, perm, *, listed: bool):
    """The ids of the units in the user's scope for `perm`: a list (one query; none for an empty
    scope) or a subquery; None for superusers."""
    units = unit_scope_q(user, perm)
    if not units:
        return None
    if not listed:
        return Unit.objects.filter(units).values("pk")
    if units == NOTHING:
        return []
    return list(Unit.objects.filter(units).values_list("pk", flat=True))


def _team_ids(user, *, listed: bool):
    """The ids of the assignments the user leads or is a member of: a list (one query, each side
    read by its index) or a subquery."""
    if not listed:
        return Assignment.objects.filter(_team_q(user)).values("pk")
    if user is None or not user.is_authenticated:
        return []
    led = Assignment.objects.filter(lead_id=user.pk).order_by().values_list("pk", flat=True)
    member = AssignmentMember.objects.filter(user_id=user.pk).order_by().values_list("assignment_id", flat=True)
    return list(led.union(member))


def _team_inspection_ids(user, *, listed: bool):
    """The ids of the inspections of the assignments the user leads or is a member of: a list (one
    query) or a subquery."""
    if not listed:
        return Inspection.objects.filter(_team_q(user, prefix="assignment__")).values("pk")
    if user is None or not user.is_authenticated:
        return []
    led = Inspection.objects.filter(assignment__lead_id=user.pk).order_by().values_list("pk", flat=True)
    member = Inspection.objects.filter(assignment__memberships__user_id=user.pk).order_by().values_list("pk", flat=True)
    return list(led.union(member))


def _scoped(model, *, user, perm, team) -> QuerySet:
    """The list selectors' scope: visible_to()'s rows written as `unit_id IN (the units in scope) OR
    <team condition>` (team(listed) gives the Q, built only when needed): the same rows, but the
    database reads each side by its index instead of joining every row to its unit, inspection and
    assignment. No filter at all for a reader holding every unit; superusers keep visible_to()
    (everything). tests/inspections/test_list_rows.py compares each with visible_to().

    The ids: PostgreSQL turns an OR of IN (subquery) into hashed subplans over the whole table, so
    they are read first (one small query each) and written as lists: a BitmapOr of two index scans
    (province, commune inspector: findings count 74-110 -> 6 ms, inspections count 28 -> 1 ms).
    SQLite reads the subqueries by their indexes (MULTI-INDEX OR: a unit head's findings count
    140 -> 12 ms) and, given lists, would pick the same plan for a page and sort thousands of rows
    instead of walking the list's order index (commune inspector's findings page 0.5 -> 54 ms)."""
    listed = _ids_as_lists()
    unit_ids = _unit_ids_in_scope(user, perm, listed=listed)
    if unit_ids is None:
        return model.objects.visible_to(user)
    return model.objects.filter(Q(unit_id__in=unit_ids) | team(listed))


def finding_register(*, user) -> QuerySet[Finding]:
    """The findings register: finding_list's scope and order without its joins, annotations and
    prefetch. Filter it, then page it through core.paging.PagedRows(qs, FINDING_ROW_FIELDS) and add each page's
    actions with finding_actions()."""
    return _scoped(
        Finding,
        user=user,
        perm=FINDING_SCOPE_PERMS,
        team=lambda listed: Q(inspection_id__in=_team_inspection_ids(user, listed=listed)),
    )


def finding_export_list(*, user, filters=None, request=None) -> QuerySet[Finding]:
    """The findings register's rows for its workbook (exports.findings_register_xlsx): the register's
    scope, filters and order, with the columns' joins and each finding's actions (overdue by
    with_overdue()); no with_state() (the workbook does not show it: four subqueries a row less)."""
    from inspections.filters import FindingFilterSet

    actions = CorrectiveAction.objects.select_related("unit", "responsible_person").with_overdue().order_by("due_date")
    qs = (
        finding_register(user=user)
        .select_related("unit", "item", "inspection__template_version__template")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    if filters is not None:
        qs = FindingFilterSet(filters, queryset=qs, request=request).qs
    return qs


def _action_rows(finding_ids):
    return (
        CorrectiveAction.objects.filter(finding_id__in=finding_ids)
        .order_by("finding_id", "due_date", "pk")
        .values_list(*_ACTION_COLUMNS)
    )


_ACTION_COLUMNS = tuple(field for field in ACTION_ROW_FIELDS if field != "is_overdue")
# A page's actions are read on every findings page: compiled once per process for each page length
# (≈1.5 ms of ORM work a 50-row page before).
_ACTION_ROWS = PreparedRead(_action_rows)


def finding_actions(*, finding_ids, today=None) -> dict[int, list[dict]]:
    """The corrective actions of these findings as rows of ACTION_ROW_FIELDS, each finding's in
    due-date order, `is_overdue` by the rule of with_overdue() (action_is_overdue); one query (none for
    no finding, or for the same page again while the data is unchanged). Ordered by finding first so the
    database reads the finding index for the page's ids instead of walking every action in due-date
    order."""
    if not finding_ids:
        return defaultdict(list)
    finding_ids, today = tuple(finding_ids), today or timezone.localdate()

    def read():
        by_finding = defaultdict(list)
        for values in _ACTION_ROWS.rows(finding_ids):
            row = dict(zip(_ACTION_COLUMNS, values, strict=True))
            row["is_overdue"] = action_is_overdue(row["status"], row["due_date"], today)
            by_finding[row["finding_id"]].append(row)
        return dict(by_finding)

    # Kept until the data changes (core.paging.kept_value): a findings page read again reads no action.
    return defaultdict(list, kept_value(("finding-actions", finding_ids, today), read))


def finding_state(actions: list[dict]) -> dict[str, bool]:
    """A finding's state from all its action rows: the same rule as FindingQuerySet.with_state()
    (open: an open action; overdue: an overdue one; closed: actions, all verified)."""
    return {
        "has_open": any(a["status"] in OPEN_ACTION_STATUSES for a in actions),
        "has_overdue": any(a["is_overdue"] for a in actions),
        "closed": bool(actions) and all(a["status"] == ActionStatus.VERIFIED for a in actions),
    }


def finding_get(*, user, pk: int) -> Finding:
    return get_object_or_404(
        finding_list(user=user),
        pk=pk,
    )


ACTION_SCOPE_PERMS = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)


def action_rows(*, user) -> QuerySet[CorrectiveAction]:
    """CorrectiveAction.visible_to()'s rows with the scope as IN lists (see _scoped): the responsible
    unit in scope, or the finding's unit viewed by the user, or the finding's inspection the user's
    team's."""

    def finding_side(listed):
        viewed = _unit_ids_in_scope(user, Perm.INSPECTION_VIEW, listed=listed)
        team = _team_inspection_ids(user, listed=listed)
        findings = Finding.objects.filter(Q(unit_id__in=viewed) | Q(inspection_id__in=team))
        return Q(finding_id__in=findings.values("pk"))

    return _scoped(CorrectiveAction, user=user, perm=ACTION_SCOPE_PERMS, team=finding_side)


def _with_action_columns(qs: QuerySet[CorrectiveAction]) -> QuerySet[CorrectiveAction]:
    return (
        qs.with_overdue()
        .select_related(
            "unit",
            "responsible_person",
            "finding__item",
            "finding__inspection__template_version__template",
            "finding__unit",
        )
        .order_by("due_date", "pk")
    )


def action_list(*, user, filters=None, request=None) -> QuerySet[CorrectiveAction]:
    """The corrective-actions register (screen, export, API list)."""
    from inspections.filters import CorrectiveActionFilterSet

    qs = _with_action_columns(action_rows(user=user))
    if filters is not None:
        qs = CorrectiveActionFilterSet(filters, queryset=qs, request=request).qs
    return qs


def action_get(*, user, pk: int) -> CorrectiveAction:
    return get_object_or_404(_with_action_columns(CorrectiveAction.objects.visible_to(user)), pk=pk)


def action_progress(*, action: CorrectiveAction) -> QuerySet[ActionProgress]:
    return (
        action.progress.select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("blob")))
        .order_by("created_at", "pk")
    )


# ----------------------------------------------------------------------------------- abilities
def can_fill(*, user, assignment: Assignment) -> bool:
    if assignment.is_self:
        return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_SELF), pk=assignment.unit_id).exists()
    if not has_perm(user, Perm.INSPECTION_FILL):
        return False
    return assignment.lead_id == user.pk or assignment.memberships.filter(user_id=user.pk).exists()


def can_review(*, user, assignment: Assignment) -> bool:
    if not has_perm(user, Perm.INSPECTION_REVIEW):
        return False
    if assignment.is_self:
        return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_REVIEW), pk=assignment.unit_id).exists()
    return assignment.lead_id == user.pk


def can_update_action(*, user, action: CorrectiveAction) -> bool:
    return Unit.objects.filter(unit_scope_q(user, Perm.ACTION_UPDATE), pk=action.unit_id).exists()


def can_verify_action(*, user, action: CorrectiveAction) -> bool:
    """The inspection team (lead or members with INSPECTION_FILL/REVIEW) verifies."""
    assignment = action.finding.inspection.assignment
    if not has_perm(user, (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW)):
        return False
    if assignment.is_self:
        return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_REVIEW), pk=assignment.unit_id).exists()
    return assignment.lead_id == user.pk or assignment.memberships.filter(user_id=user.pk).exists()


def can_plan(*, user, unit: Unit) -> bool:
    return Unit.objects.filter(unit_scope_q(user, Perm.INSPECTION_PLAN), pk=unit.pk).exists()
