from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("templates/", views.TemplateListView.as_view(), name="template-list"),
    path("templates/<slug:kind>/", views.TemplateDetailView.as_view(), name="template-detail"),
    path("templates/<slug:kind>/download.docx", views.TemplateDownloadView.as_view(), name="template-download"),
    path("reports/<slug:kind>/", views.ReportView.as_view(), name="report"),
    path("<slug:kind>/<int:pk>/", views.RecordPrintView.as_view(), name="record-print"),
    path("<slug:kind>/<int:pk>/issue/", views.RecordIssueView.as_view(), name="record-issue"),
    path("<slug:kind>/<int:pk>/document.docx", views.RecordDocxView.as_view(), name="record-docx"),
]
