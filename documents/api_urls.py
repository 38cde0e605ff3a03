from django.urls import path

from documents import api

urlpatterns = [
    path("documents/", api.DocumentKindListView.as_view(), name="api-document-kinds"),
    path("documents/<slug:kind>/", api.ReportDocumentView.as_view(), name="api-document-report"),
    path("documents/<slug:kind>/<int:pk>/", api.RecordDocumentView.as_view(), name="api-document-record"),
]
