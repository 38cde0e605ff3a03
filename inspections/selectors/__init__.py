"""Every non-trivial read on inspections. Lists start from the models' `visible_to(user)` (the one
scope, staff.access.unit_scope_q) and come back with their joins and annotations done; aggregates
run in the database. `from inspections import selectors; selectors.x(...)` reads any of them."""

from inspections.selectors.abilities import (
    can_approve,
    can_fill,
    can_plan,
    can_review,
    can_update_action,
    can_verify_action,
    filled,
)
from inspections.selectors.evidence import evidence_blob_get
from inspections.selectors.facts import InspectionFacts, unit_inspection_facts
from inspections.selectors.findings import (
    action_get,
    action_list,
    action_progress,
    finding_get,
    finding_list,
)
from inspections.selectors.planning import (
    assignment_bundle,
    assignment_find,
    assignment_get,
    assignment_list,
    has_inspection,
    my_assignments,
    plan_assignments,
    plan_coverage,
    plan_get,
    plan_list,
)
from inspections.selectors.records import (
    inspection_amendments,
    inspection_answers,
    inspection_compare,
    inspection_detail_list,
    inspection_get,
    inspection_list,
    inspection_sheet,
    inspection_versions,
    results_by_unit,
    unit_results,
)
from inspections.selectors.templates import (
    template_get,
    template_list,
    version_get,
    version_list,
    version_published,
    version_structure,
)

__all__ = [
    "InspectionFacts",
    "action_get",
    "action_list",
    "action_progress",
    "assignment_bundle",
    "assignment_find",
    "assignment_get",
    "assignment_list",
    "can_approve",
    "can_fill",
    "filled",
    "can_plan",
    "can_review",
    "can_update_action",
    "can_verify_action",
    "evidence_blob_get",
    "finding_get",
    "finding_list",
    "has_inspection",
    "inspection_amendments",
    "inspection_answers",
    "inspection_compare",
    "inspection_detail_list",
    "inspection_get",
    "inspection_list",
    "inspection_sheet",
    "inspection_versions",
    "my_assignments",
    "plan_assignments",
    "plan_coverage",
    "plan_get",
    "plan_list",
    "results_by_unit",
    "template_get",
    "template_list",
    "unit_inspection_facts",
    "unit_results",
    "version_get",
    "version_list",
    "version_published",
    "version_structure",
]
