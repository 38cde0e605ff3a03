from django.urls import path

from training import views, views_reports

app_name = "training"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("me/", views.MyRecordView.as_view(), name="my-record"),
    path("courses/", views.CourseListView.as_view(), name="course-list"),
    path("courses/new/", views.CourseEditView.as_view(), name="course-create"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="course-edit"),
    path("classes/", views.ClassListView.as_view(), name="class-list"),
    path("classes/new/", views.ClassEditView.as_view(), name="class-create"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class-detail"),
    path("classes/<int:pk>/edit/", views.ClassEditView.as_view(), name="class-edit"),
    path("classes/<int:pk>/status/", views.ClassStatusView.as_view(), name="class-status"),
    path("classes/<int:pk>/nominate/", views.NominateView.as_view(), name="class-nominate"),
    path("classes/<int:pk>/import/", views_reports.NominationImportView.as_view(), name="class-import"),
    path("classes/<int:pk>/close/", views.CloseClassView.as_view(), name="class-close"),
    path("classes/<int:class_pk>/sessions/new/", views.SessionEditView.as_view(), name="session-create"),
    path("classes/<int:pk>/roster.xlsx", views_reports.ClassFileView.as_view(kind="roster"), name="class-roster-xlsx"),
    path(
        "classes/<int:pk>/attendance.xlsx", views_reports.ClassFileView.as_view(kind="matrix"), name="class-matrix-xlsx"
    ),
    path("classes/<int:pk>/sign-in.xlsx", views_reports.ClassFileView.as_view(kind="signin"), name="class-signin-xlsx"),
    path("classes/<int:pk>/sign-in/", views_reports.ClassFileView.as_view(kind="print"), name="class-signin-print"),
    path("sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session-edit"),
    path("sessions/<int:pk>/delete/", views.SessionDeleteView.as_view(), name="session-delete"),
    path("sessions/<int:pk>/roll-call/", views.RollCallView.as_view(), name="roll-call"),
    path("enrollments/<int:pk>/", views.EnrollmentDetailView.as_view(), name="enrollment-detail"),
    path("enrollments/<int:pk>/status/", views.EnrollmentStatusView.as_view(), name="enrollment-status"),
    path("hours/", views_reports.HoursView.as_view(), name="hours"),
    path("hours/export.xlsx", views_reports.HoursExportView.as_view(), name="hours-export"),
    path("people/<int:pk>/record.xlsx", views_reports.PersonRecordExportView.as_view(), name="person-record-xlsx"),
    path("plan/", views_reports.PlanView.as_view(), name="plan"),
    path("plan/export.xlsx", views_reports.PlanExportView.as_view(), name="plan-export"),
    path("attendance/", views_reports.AttendanceRecordListView.as_view(), name="attendance-list"),
    path("attendance/export.xlsx", views_reports.AttendanceRecordExportView.as_view(), name="attendance-export"),
    path("certificates/", views_reports.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/<int:pk>/", views_reports.CertificateDetailView.as_view(), name="certificate-detail"),
    path("verify/<int:year>/<int:serial>/", views_reports.certificate_verify, name="certificate-verify"),
    path("external/", views_reports.ExternalListView.as_view(), name="external-list"),
    path("external/<int:pk>/decide/", views_reports.ExternalDecideView.as_view(), name="external-decide"),
    path("requirements/", views_reports.RequirementListView.as_view(), name="requirement-list"),
    path("calendar/", views_reports.CalendarView.as_view(), name="calendar"),
    path("calendar/<str:token>/me.ics", views_reports.ics_person, name="ics-person"),
    path("calendar/<str:token>/unit/<int:unit_id>.ics", views_reports.ics_unit, name="ics-unit"),
]
