from rest_framework.routers import SimpleRouter

from staff.api import views

router = SimpleRouter(trailing_slash=True)
router.register("units", views.UnitViewSet, basename="unit")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("role-assignments", views.RoleAssignmentViewSet, basename="role-assignment")

urlpatterns = router.urls
