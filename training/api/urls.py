from django.urls import path
from rest_framework.routers import SimpleRouter

from training.api import views

router = SimpleRouter(trailing_slash=True)
router.register("courses", views.CourseViewSet, basename="course")
router.register("classes", views.TrainingClassViewSet, basename="class")
router.register("sessions", views.ClassSessionViewSet, basename="session")
router.register("enrollments", views.EnrollmentViewSet, basename="enrollment")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("training-requirements", views.TrainingRequirementViewSet, basename="training-requirement")
router.register("attendance-records", views.AttendanceRecordViewSet, basename="attendance-record")
router.register("training-hours", views.TrainingHoursViewSet, basename="training-hours")

urlpatterns = [
    path("my-classes/", views.MyClassesView.as_view(), name="my-classes"),
    path("training-people/", views.PeopleLookupView.as_view(), name="training-people-lookup"),
    *router.urls,
]
