from django.urls import path
from rest_framework.routers import SimpleRouter

from inspections.api.actions import CorrectiveActionViewSet
from inspections.api.assignments import AssignmentViewSet, MyAssignmentsView
from inspections.api.evidence import EvidenceFileView, EvidenceUploadView
from inspections.api.findings import FindingViewSet
from inspections.api.inspections import InspectionViewSet
from inspections.api.plans import InspectionPlanViewSet
from inspections.api.templates import ChecklistTemplateViewSet, TemplateVersionViewSet

router = SimpleRouter(trailing_slash=True)
router.register("checklist-templates", ChecklistTemplateViewSet, basename="checklist-template")
router.register("template-versions", TemplateVersionViewSet, basename="template-version")
router.register("inspection-plans", InspectionPlanViewSet, basename="inspection-plan")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("findings", FindingViewSet, basename="finding")
router.register("corrective-actions", CorrectiveActionViewSet, basename="corrective-action")

urlpatterns = [
    path("my-assignments/", MyAssignmentsView.as_view(), name="my-assignments"),
    path("evidence-uploads/<str:sha256>/", EvidenceUploadView.as_view(), name="evidence-upload-detail"),
    path("evidence-files/<str:sha256>/", EvidenceFileView.as_view(), name="evidence-file"),
    *router.urls,
]
