"""FilterSets of the scorecards' own lists, shared by the screens and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from scorecards import kinds
from scorecards.models import IndicatorValue
from scorecards.periods import Period
from staff.access import subtree_bounds
from staff.filters import UnitFilter


class IndicatorValueFilterSet(django_filters.FilterSet):
    unit = UnitFilter(label=_("Unit (with sub-units)"), method="filter_unit")
    period = django_filters.CharFilter(label=_("Period (and the periods inside it)"), method="filter_period")
    indicator = django_filters.CharFilter(label=_("Indicator code"), field_name="indicator__code")
    indicator_id = django_filters.NumberFilter(label=_("Indicator"), field_name="indicator_id")

    class Meta:
        model = IndicatorValue
        fields = ["unit", "period", "indicator", "indicator_id"]

    def filter_unit(self, queryset, name, value):
        low, high = subtree_bounds(value.path)
        return queryset.filter(unit__path__gte=low, unit__path__lt=high)

    def filter_period(self, queryset, name, value):
        try:
            return queryset.filter(period__in=kinds.sub_period_keys(Period.parse(value)))
        except ValueError:
            return queryset.none()
