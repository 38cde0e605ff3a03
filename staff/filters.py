"""One FilterSet per list, shared by the HTML list, the API, the export and any chart."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.permissions import Role
from core.text import fold
from staff.access import subtree_bounds
from staff.forms import UnitPickerField
from staff.models import Gender, RoleAssignment, Staff, StaffCategory, StaffStatus, Unit, UnitKind


def visible_units(request):
    """The units a unit filter accepts: those the person may see."""
    if request is None:
        return Unit.objects.none()
    return Unit.objects.visible_to(request.user)


class UnitFilter(django_filters.ModelChoiceFilter):
    """A unit typed as its id, code or name (UnitPickerField), among `queryset` (the visible units by
    default). The API keeps taking the unit id."""

    field_class = UnitPickerField

    def __init__(self, *args, queryset=visible_units, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    parent = UnitFilter(label=_("Parent unit"))
    within = UnitFilter(label=_("Within"), method="filter_within")
    active = django_filters.BooleanFilter(label=pgettext_lazy("unit", "Active"))

    class Meta:
        model = Unit
        fields = ["q", "kind", "parent", "within", "active"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        return queryset.filter(Q(search_name__contains=folded) | Q(code__iexact=value.strip()))

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (the unit and its sub-units)
    def filter_within(self, queryset, name, value):
        low, high = subtree_bounds(value.path)
        return queryset.filter(path__gte=low, path__lt=high)


class StaffFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = UnitFilter(label=_("Unit (with sub-units)"), method="filter_unit")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=StaffCategory.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StaffStatus.choices)
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    rank_code = django_filters.CharFilter(label=_("Rank code"))

    class Meta:
        model = Staff
        fields = ["q", "unit", "category", "status", "gender", "rank_code"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(Q(search_name__contains=folded) | Q(staff_code__iexact=value.strip()))

    def filter_unit(self, queryset, name, value):
        low, high = subtree_bounds(value.path)
        return queryset.filter(unit__path__gte=low, unit__path__lt=high)


class RoleAssignmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("User"), method="filter_q")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    unit = UnitFilter(label=_("Unit"))

    class Meta:
        model = RoleAssignment
        fields = ["q", "role", "unit"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(user__username__icontains=value) | Q(user__email__icontains=value))
