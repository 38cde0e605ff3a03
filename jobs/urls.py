from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("exports/", views.ExportListView.as_view(), name="export-list"),
    path("exports/new/", views.ExportStartView.as_view(), name="export-start"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/status/", views.ExportStatusView.as_view(), name="export-status"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]
