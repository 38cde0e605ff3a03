"""Checklist templates (versioned), plans and assignments, inspections with answers and evidence,
amendments, findings and corrective actions. Rules live in inspections.services; reads in
inspections.selectors."""

from inspections.models.choices import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    AnswerType,
    Band,
    InspectionStatus,
    TemplateKind,
    VersionStatus,
)
from inspections.models.findings import (
    FINDING_STATES,
    ActionProgress,
    CorrectiveAction,
    CorrectiveActionQuerySet,
    Finding,
    FindingQuerySet,
    overdue_q,
)
from inspections.models.planning import Assignment, AssignmentMember, InspectionPlan, PlanKind
from inspections.models.records import (
    FINDING_SCOPE_PERMS,
    INSPECTION_SCOPE_PERMS,
    Amendment,
    Answer,
    Evidence,
    EvidenceBlob,
    Inspection,
)
from inspections.models.templates import ChecklistTemplate, Item, Section, TemplateVersion

__all__ = [
    "FINDING_SCOPE_PERMS",
    "FINDING_STATES",
    "INSPECTION_SCOPE_PERMS",
    "OPEN_ACTION_STATUSES",
    "ActionProgress",
    "ActionStatus",
    "Amendment",
    "Answer",
    "AnswerType",
    "Assignment",
    "AssignmentMember",
    "Band",
    "ChecklistTemplate",
    "CorrectiveAction",
    "CorrectiveActionQuerySet",
    "Evidence",
    "EvidenceBlob",
    "Finding",
    "FindingQuerySet",
    "Inspection",
    "InspectionPlan",
    "InspectionStatus",
    "Item",
    "PlanKind",
    "Section",
    "TemplateKind",
    "TemplateVersion",
    "VersionStatus",
    "overdue_q",
]
