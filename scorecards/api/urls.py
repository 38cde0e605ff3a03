from rest_framework.routers import SimpleRouter

from scorecards import rounds_api
from scorecards.api import views

router = SimpleRouter(trailing_slash=True)
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
router.register("indicator-values", rounds_api.IndicatorValueViewSet, basename="indicator-value")
router.register("assessment-rounds", rounds_api.RoundViewSet, basename="assessment-round")

urlpatterns = router.urls
