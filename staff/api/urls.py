from django.urls import path
from rest_framework.routers import SimpleRouter

from staff import discipline_api
from staff.api import views

router = SimpleRouter(trailing_slash=True)
router.register("units", views.UnitViewSet, basename="unit")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("role-assignments", views.RoleAssignmentViewSet, basename="role-assignment")
router.register("discipline-decisions", discipline_api.DisciplineViewSet, basename="discipline-decision")

urlpatterns = [path("people/", views.PeoplePickView.as_view(), name="people-pick"), *router.urls]
