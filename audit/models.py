"""The audit trail: django-simple-history, registered here for every model users can change, so
no other app's models.py is edited and every history table lives in this app.

Each historical row records who (`history_user`), when (`history_date`), from where
(`ip_address`, from the request), what kind of change (+ created, ~ changed, - deleted) and the
full row after the change; the before → after difference is the comparison with the previous row
of the same record (see audit.selectors).

Bulk writes: signal-based history misses `bulk_create`/`bulk_update`; services write through
`core.audit.bulk_create/bulk_update`, which call simple-history's bulk helpers for registered
models. The `ip_address` default reads the current request, so bulk rows get it too.
"""

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

from core.security import client_ip


def current_request_ip() -> str | None:
    """The address of the request being served (None outside a request: commands, jobs)."""
    request = getattr(HistoricalRecords.context, "request", None)
    return client_ip(request)


class AuditedHistory(models.Model):
    """Abstract base of every historical model: adds where the change came from."""

    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, default=current_request_ip)

    class Meta:
        abstract = True


# (app label, model name, fields left out of the history: derived or bookkeeping columns)
AUDITED = [
    ("staff", "Unit", ["search_name"]),
    ("staff", "Staff", ["search_name"]),
    ("staff", "StaffUnitHistory", []),
    ("staff", "RoleAssignment", []),
    ("staff", "DisciplineDecision", []),
    # training: catalogue, classes, sessions, enrollments, attendance, certificates, rules, external
    # records (EnrollmentEvent and AttendanceChange are already change logs; calendar tokens are secrets)
    ("training", "Course", []),
    ("training", "TrainingClass", []),
    ("training", "ClassSession", []),
    ("training", "Enrollment", []),
    ("training", "Attendance", []),
    ("training", "Certificate", []),
    ("training", "TrainingRequirement", []),
    ("training", "ExternalTraining", []),
    # inspections: templates and their versions, plans, assignments, inspections and answers,
    # evidence links, findings and corrective actions (Amendment and ActionProgress are logs already)
    ("inspections", "ChecklistTemplate", []),
    ("inspections", "TemplateVersion", []),
    ("inspections", "Section", []),
    ("inspections", "Item", []),
    ("inspections", "InspectionPlan", []),
    ("inspections", "Assignment", []),
    ("inspections", "AssignmentMember", []),
    ("inspections", "Inspection", ["sync_response"]),
    ("inspections", "Answer", []),
    ("inspections", "Evidence", []),
    ("inspections", "Finding", []),
    ("inspections", "CorrectiveAction", []),
    # documents: the Word templates units upload (the file itself is kept in the version rows, not the history)
    ("documents", "DocumentTemplate", ["content"]),
    # scorecards: models with their criteria, published periods and snapshots
    ("scorecards", "ScorecardModel", []),
    ("scorecards", "Criterion", []),
    ("scorecards", "PublishedPeriod", []),
    ("scorecards", "ScorecardSnapshot", []),
    ("scorecards", "Indicator", []),
    ("scorecards", "IndicatorValue", []),
    ("scorecards", "AssessmentRound", []),
    ("scorecards", "UnitAssessment", []),
    ("scorecards", "CriterionAssessment", []),
]


def _register(app_label: str, model_name: str, excluded: list[str]) -> None:
    model = apps.get_model(app_label, model_name, require_ready=False)
    if hasattr(model._meta, "simple_history_manager_attribute"):
        return
    register(
        model,
        app="audit",
        bases=[AuditedHistory],
        excluded_fields=excluded,
    )


for _app, _model, _excluded in AUDITED:
    _register(_app, _model, _excluded)
