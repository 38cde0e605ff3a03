from django.urls import path

from offline import views

app_name = "offline"

# Included at the site root: the worker must live at /sw.js to control every page.
urlpatterns = [
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.HomeView.as_view(), name="home"),
    path("offline/assignments/", views.AssignmentsView.as_view(), name="assignments"),
    path("offline/classes/", views.ClassesView.as_view(), name="classes"),
    path("offline/outbox/", views.OutboxView.as_view(), name="outbox"),
    path("offline/unavailable/", views.unavailable, name="unavailable"),
]
