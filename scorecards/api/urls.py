from rest_framework.routers import SimpleRouter

from scorecards.api import views

router = SimpleRouter(trailing_slash=True)
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")

urlpatterns = router.urls
