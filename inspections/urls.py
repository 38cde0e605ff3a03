from django.urls import path

from inspections import views, views_editor, views_manage

app_name = "inspections"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/fill/", views.FillView.as_view(), name="fill"),
    path("list/", views.InspectionListView.as_view(), name="inspection-list"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection-detail"),
    path("<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("<int:pk>/amend/", views.AmendView.as_view(), name="amend"),
    path("<int:pk>/history/", views.HistoryView.as_view(), name="inspection-history"),
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("<int:pk>/report.xlsx", views.ReportXlsxView.as_view(), name="report-xlsx"),
    path("<int:pk>/compare/", views.CompareView.as_view(), name="compare"),
    path("templates/", views_manage.TemplateListView.as_view(), name="template-list"),
    path("versions/<int:pk>/", views_manage.VersionDetailView.as_view(), name="version-detail"),
    path("versions/<int:pk>/xlsform.xlsx", views_manage.VersionExportView.as_view(), name="version-export"),
    path("versions/<int:pk>/sections/new/", views_editor.SectionEditView.as_view(), name="section-new"),
    path("versions/<int:pk>/sections/<str:code>/edit/", views_editor.SectionEditView.as_view(), name="section-edit"),
    path(
        "versions/<int:pk>/sections/<str:code>/<slug:verb>/",
        views_editor.RowActionView.as_view(kind="section"),
        name="section-action",
    ),
    path("versions/<int:pk>/items/new/", views_editor.ItemEditView.as_view(), name="item-new"),
    path("versions/<int:pk>/items/<str:code>/edit/", views_editor.ItemEditView.as_view(), name="item-edit"),
    path(
        "versions/<int:pk>/items/<str:code>/<slug:verb>/",
        views_editor.RowActionView.as_view(kind="item"),
        name="item-action",
    ),
    path("versions/<int:pk>/<slug:verb>/", views_manage.VersionActionView.as_view(), name="version-action"),
    path("plans/", views_manage.PlanListView.as_view(), name="plan-list"),
    path("plans/<int:pk>/", views_manage.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", views_manage.PlanEditView.as_view(), name="plan-edit"),
    path(
        "plans/<int:pk>/submissions/import/",
        views_manage.SubmissionsImportView.as_view(),
        name="submissions-import",
    ),
    path("findings/", views_manage.FindingListView.as_view(), name="finding-list"),
    path("findings/export.xlsx", views_manage.FindingExportView.as_view(), name="finding-export"),
    path("findings/<int:pk>/actions/", views_manage.ActionCreateView.as_view(), name="action-create"),
    path("actions/", views_manage.ActionListView.as_view(), name="action-list"),
    path("actions/export.xlsx", views_manage.ActionExportView.as_view(), name="action-export"),
    path("actions/<int:pk>/", views_manage.ActionDetailView.as_view(), name="action-detail"),
    path("results/", views_manage.ResultsView.as_view(), name="results"),
    path("results/export.xlsx", views_manage.ResultsExportView.as_view(), name="results-export"),
]
