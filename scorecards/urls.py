from django.urls import path

from scorecards import rounds_views, views

app_name = "scorecards"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("table/", views.TableView.as_view(), name="table"),
    path("units/<int:pk>/", views.UnitScorecardView.as_view(), name="unit"),
    path("units/<int:pk>/charts/<slug:name>.<slug:fmt>", views.ChartView.as_view(), name="chart"),
    path("units/<int:pk>/export.xlsx", views.ExportView.as_view(), name="export"),
    path("models/", views.ModelListView.as_view(), name="model-list"),
    path("models/<int:year>/", views.ModelEditView.as_view(), name="model-edit"),
    path("publish/", views.PublishView.as_view(), name="publish"),
    path("publish/<int:pk>/", views.PublishRunView.as_view(), name="publish-run"),
    path("publish/<int:pk>/status/", views.PublishRunStatusView.as_view(), name="publish-run-status"),
    path("publications/<str:period>/", views.PublicationView.as_view(), name="publication"),
    # self-assessment, then appraisal; indicator values (h18b)
    path("rounds/", rounds_views.RoundListView.as_view(), name="rounds"),
    path("rounds/<int:pk>/", rounds_views.RoundDetailView.as_view(), name="round"),
    path("rounds/<int:pk>/units/<int:unit_pk>/", rounds_views.AssessmentView.as_view(), name="assessment"),
    path(
        "rounds/<int:pk>/units/<int:unit_pk>/export.xlsx",
        rounds_views.AssessmentExportView.as_view(),
        name="assessment-export",
    ),
    path("indicators/", rounds_views.IndicatorListView.as_view(), name="indicators"),
    path("records/enrollments/", views.EnrollmentRecordsView.as_view(), name="enrollments"),
]
