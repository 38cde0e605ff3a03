from django.urls import path

from staff import discipline_views, views

app_name = "staff"

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("people/", views.StaffListView.as_view(), name="staff-list"),
    path("people/new/", views.StaffEditView.as_view(), name="staff-create"),
    path("people/export.xlsx", views.StaffExportView.as_view(), name="staff-export"),
    path("people/import/", views.StaffImportView.as_view(), name="staff-import"),
    path("people/import/template.xlsx", views.StaffImportTemplateView.as_view(), name="staff-import-template"),
    path("people/<int:pk>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path("people/<int:pk>/edit/", views.StaffEditView.as_view(), name="staff-edit"),
    path("discipline/", discipline_views.DisciplineListView.as_view(), name="discipline-list"),
    path("discipline/new/", discipline_views.DisciplineEditView.as_view(), name="discipline-create"),
    path("discipline/<int:pk>/edit/", discipline_views.DisciplineEditView.as_view(), name="discipline-edit"),
    path("discipline/import/", discipline_views.DisciplineImportView.as_view(), name="discipline-import"),
    path("roles/", views.RoleListView.as_view(), name="role-list"),
    path("roles/<int:pk>/revoke/", views.RoleRevokeView.as_view(), name="role-revoke"),
]
