from django.urls import path
from rest_framework.routers import SimpleRouter

from inspections.api import views

router = SimpleRouter(trailing_slash=True)
router.register("checklist-templates", views.ChecklistTemplateViewSet, basename="checklist-template")
router.register("template-versions", views.TemplateVersionViewSet, basename="template-version")
router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("corrective-actions", views.CorrectiveActionViewSet, basename="corrective-action")

urlpatterns = [
    path("my-assignments/", views.MyAssignmentsView.as_view(), name="my-assignments"),
    path("evidence-uploads/<str:sha256>/", views.EvidenceUploadView.as_view(), name="evidence-upload-detail"),
    path("evidence-files/<str:sha256>/", views.EvidenceFileView.as_view(), name="evidence-file"),
    *router.urls,
]
