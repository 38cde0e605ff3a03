"""HTML screens for training. Thin: parse, authorise, call a selector or service, render. One module per
topic; the views are re-exported here for training/urls.py."""

from training.views.attendance import (
    AttendanceRecordExportView,
    AttendanceRecordListView,
    RollCallView,
    SessionDeleteView,
    SessionEditView,
)
from training.views.catalogue import CourseDetailView, CourseEditView, CourseListView, HomeView, MyRecordView
from training.views.classes import (
    ClassDetailView,
    ClassEditView,
    ClassFileView,
    ClassListView,
    ClassStatusView,
    CloseClassView,
    EnrollmentDetailView,
    EnrollmentStatusView,
    NominateView,
    NominationImportView,
)
from training.views.external import (
    ExternalDecideView,
    ExternalEvidenceView,
    ExternalListView,
    RequirementEditView,
    RequirementListView,
)
from training.views.feeds import CalendarView, ics_person, ics_unit
from training.views.reports import (
    CertificateDetailView,
    CertificateListView,
    HoursExportView,
    HoursView,
    PersonRecordExportView,
    PersonRecordView,
    PlanExportView,
    PlanView,
    certificate_verify,
    certificate_verify_legacy,
)

__all__ = [
    "AttendanceRecordExportView",
    "AttendanceRecordListView",
    "CalendarView",
    "CertificateDetailView",
    "CertificateListView",
    "ClassDetailView",
    "ClassEditView",
    "ClassFileView",
    "ClassListView",
    "ClassStatusView",
    "CloseClassView",
    "CourseDetailView",
    "CourseEditView",
    "CourseListView",
    "EnrollmentDetailView",
    "EnrollmentStatusView",
    "ExternalDecideView",
    "ExternalEvidenceView",
    "ExternalListView",
    "HomeView",
    "HoursExportView",
    "HoursView",
    "MyRecordView",
    "NominateView",
    "NominationImportView",
    "PersonRecordExportView",
    "PersonRecordView",
    "PlanExportView",
    "PlanView",
    "RequirementEditView",
    "RequirementListView",
    "RollCallView",
    "SessionDeleteView",
    "SessionEditView",
    "certificate_verify",
    "certificate_verify_legacy",
    "ics_person",
    "ics_unit",
]
