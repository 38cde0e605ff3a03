from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.api import id_or_404
from core.charts import CONTENT_TYPES
from core.permissions import Perm
from scorecards import charts, links, selectors
from scorecards.api.serializers import ScorecardSerializer
from scorecards.periods import Period

PARAMS = [
    OpenApiParameter("period", str, description="2026, 2026-Q3 or 2026-07 (default: the current year)"),
]


def _period(request) -> Period:
    raw = request.query_params.get("period")
    if not raw:
        return Period.current_year(timezone.localdate())
    try:
        return Period.parse(raw)
    except ValueError as exc:
        raise ValidationError({"period": [str(exc)]}) from None


class OneScorecardSchema(AutoSchema):
    """`GET /scorecards/` answers one scorecard (the caller's unit, or `?unit=`), not a list of them."""

    def _is_list_view(self, serializer=None) -> bool:
        if getattr(self.view, "action", None) == "list":
            return False
        return super()._is_list_view(serializer)


NOT_FOUND = OpenApiResponse(
    response=inline_serializer("ChartNotFound", fields={"detail": serializers.CharField()}),
    description="No such chart or image format, no such unit, or a unit outside your scope.",
)


class ScorecardViewSet(viewsets.ViewSet):
    """The scorecard of a unit for a period, with its criteria and sub-units. Same scope as the screens:
    a unit outside the caller's scope is 404."""

    read_perm = Perm.SCORECARD_VIEW
    lookup_value_regex = r"\d+"
    schema = OneScorecardSchema()

    def _payload(self, request, pk):
        period = _period(request)
        card = selectors.unit_scorecard(user=request.user, pk=pk, period=period, trend=False)
        context = {
            "request": request,
            "links": links.criterion_links(
                unit=card.unit, period=period, formulas=[c.formula for c in card.score.criteria]
            ),
            "score": card.score,
        }
        return ScorecardSerializer(card, context=context).data

    @extend_schema(
        parameters=[*PARAMS, OpenApiParameter("unit", int, description="unit id (default: your unit)")],
        responses=ScorecardSerializer,
        operation_id="v1_scorecards_for_unit",
        description="One scorecard (an object, not a list): of `unit`, else of your own unit.",
    )
    def list(self, request):
        raw = request.query_params.get("unit")
        if raw:
            try:
                pk = int(raw)
            except ValueError:
                raise ValidationError({"unit": ["not a number"]}) from None
        else:
            unit = selectors.home_unit(user=request.user)
            if unit is None:
                raise Http404
            pk = unit.pk
        return Response(self._payload(request, pk))

    @extend_schema(parameters=PARAMS, responses=ScorecardSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._payload(request, id_or_404(pk)))

    @extend_schema(
        parameters=[
            *PARAMS,
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=[*charts.CHARTS]),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=[*charts.FORMATS]),
        ],
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/svg+xml"): OpenApiTypes.BINARY,
            (404, "application/json"): NOT_FOUND,
        },
        operation_id="v1_scorecards_chart",
        description="A chart of the scorecard, as PNG or SVG.",
    )
    # Any name and format reach the view, so an unknown one is a JSON 404 like every API error (a
    # narrower pattern would leave it to Django's HTML 404 page).
    @action(detail=True, methods=["get"], url_path=r"charts/(?P<name>[^/.]+)\.(?P<fmt>[^/.]+)")
    def chart(self, request, pk=None, name=None, fmt=None):
        if name not in charts.CHARTS or fmt not in charts.FORMATS:
            raise NotFound
        content = selectors.unit_chart(user=request.user, pk=id_or_404(pk), period=_period(request), name=name, fmt=fmt)
        return HttpResponse(content, content_type=CONTENT_TYPES[fmt])
