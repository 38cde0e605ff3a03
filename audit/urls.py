from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("log/", views.AuditLogView.as_view(), name="log"),
    path("log/export.xlsx", views.AuditExportView.as_view(), name="log-export"),
    path("two-step/", views.OtpEnrolView.as_view(), name="otp-enrol"),
    path("two-step/verify/", views.OtpVerifyView.as_view(), name="otp-verify"),
]
