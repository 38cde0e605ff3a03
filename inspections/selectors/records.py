"""Inspections: the list, one inspection with its sheet, versions and comparison, results by unit."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from inspections.filters import InspectionFilterSet
from inspections.models import Amendment, Answer, Evidence, Finding, Inspection, InspectionStatus
from inspections.selectors.templates import version_structure

INSPECTION_JOINS = ("unit", "template_version__template", "assignment__lead", "submitted_by", "approved_by")


def inspection_list(*, user, filters=None, request=None) -> QuerySet[Inspection]:
    """Inspections in the user's scope or of the user's team, with what a row shows."""
    qs = Inspection.objects.visible_to(user).select_related(*INSPECTION_JOINS)
    if filters is not None:
        qs = InspectionFilterSet(filters, queryset=qs, request=request).qs
    return qs


def inspection_detail_list(*, user) -> QuerySet[Inspection]:
    """inspection_list with each inspection's answers, their items and evidence (the API's detail)."""
    answers = Answer.objects.select_related("item").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("blob"))
    )
    return inspection_list(user=user).prefetch_related(Prefetch("answers", queryset=answers))


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


def inspection_amendments(*, inspection: Inspection) -> QuerySet[Amendment]:
    return inspection.amendments.select_related("actor").order_by("number")


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
    qs = Inspection.objects.visible_to(user)
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
