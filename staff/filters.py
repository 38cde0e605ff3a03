"""One FilterSet per list, shared by the HTML list, the API, the export and any chart."""

import datetime as dt

import django_filters
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import IdFilter, YearFilter
from core.permissions import ROLE_PERMISSIONS, Perm, Role
from core.text import fold
from staff.access import subtree_bounds
from staff.forms import UnitPickerField
from staff.models import (
    DisciplineDecision,
    DisciplineForm,
    Gender,
    RoleAssignment,
    Staff,
    StaffCategory,
    StaffStatus,
    StaffUnitHistory,
    Unit,
    UnitKind,
)


def visible_units(request):
    """The units a unit filter accepts: those the person may see."""
    if request is None:
        return Unit.objects.none()
    return Unit.objects.visible_to(request.user)


def attributed_unit(staff_ref, *, start: dt.date, end: dt.date) -> Subquery:
    """The unit the staff member `staff_ref` (an OuterRef to a staff id) belonged to during [start, end]: the
    history row covering `end`, else the latest row overlapping the period (the latest recorded on a tie);
    NULL when no row overlaps."""
    history = (
        StaffUnitHistory.objects.filter(staff_id=staff_ref, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .annotate(
            covers=Case(
                When(Q(end_date__isnull=True) | Q(end_date__gte=end), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("covers", "-start_date", "-pk")
        .values("unit_id")[:1]
    )
    return Subquery(history, output_field=IntegerField())


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
    # The people a scorecard counts (its headcount): active, and in `member_unit`'s subtree during
    # member_start..member_end by their unit history; `disciplined`: with (or without) a discipline
    # decision dated in that period.
    member_unit = UnitFilter(label=_("Unit of the person during the period (with sub-units)"), method="filter_member")
    member_start = django_filters.DateFilter(label=_("Member from"), method="noop")
    member_end = django_filters.DateFilter(label=_("Member until"), method="noop")
    disciplined = django_filters.BooleanFilter(
        label=_("With a discipline decision in the period"), method="filter_disciplined"
    )

    class Meta:
        model = Staff
        fields = [
            "q",
            "unit",
            "category",
            "status",
            "gender",
            "rank_code",
            "member_unit",
            "member_start",
            "member_end",
            "disciplined",
        ]

    def _span(self) -> tuple[dt.date, dt.date]:
        data = self.form.cleaned_data
        today = timezone.localdate()
        return data.get("member_start") or dt.date(today.year, 1, 1), data.get("member_end") or today

    def noop(self, queryset, name, value):
        return queryset

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (the unit and its sub-units)
    def filter_member(self, queryset, name, value):
        start, end = self._span()
        low, high = subtree_bounds(value.path)
        units = Unit.objects.filter(path__gte=low, path__lt=high).values("pk")
        return (
            queryset.filter(status=StaffStatus.ACTIVE)
            .alias(member_unit_id=attributed_unit(OuterRef("pk"), start=start, end=end))
            .filter(member_unit_id__in=units)
        )

    def filter_disciplined(self, queryset, name, value):
        start, end = self._span()
        decided = Exists(
            DisciplineDecision.objects.filter(staff_id=OuterRef("pk"), decision_date__gte=start, decision_date__lte=end)
        )
        return queryset.filter(decided) if value else queryset.exclude(decided)

    def filter_q(self, queryset, name, value):
        q = people_q(value)
        return queryset.filter(q) if q is not None else queryset

    def filter_unit(self, queryset, name, value):
        low, high = subtree_bounds(value.path)
        return queryset.filter(unit__path__gte=low, unit__path__lt=high)


def people_q(value: str) -> Q | None:
    """Who a typed text finds (the staff directory, the API and the people picker): a name containing it,
    diacritics optional; a staff code starting with it; everyone in a unit whose code is it or whose name contains
    it. None for empty text."""
    folded = fold(value or "")
    text = (value or "").strip()
    if not folded:
        return None
    return (
        Q(search_name__contains=folded)
        | Q(staff_code__istartswith=text)
        | Q(unit__code__iexact=text)
        | Q(unit__search_name__contains=folded)
    )


# What a people picker may be narrowed to: whose account holds one of these permissions.
PICKER_PERMS = (Perm.INSPECTION_FILL, Perm.INSPECTION_REVIEW, Perm.TRAINING_ATTEND)
# Whose scope a picker searches: the people the user may see (default), or those the user may act on with
# the form's own permission (a discipline decision: discipline.manage), which can be fewer.
PICKER_SCOPES = (Perm.STAFF_VIEW, Perm.DISCIPLINE_MANAGE)


class PeoplePickFilterSet(django_filters.FilterSet):
    """Who a people picker offers, for the type-ahead (the API) and for the form field that accepts the
    choice: the same filters, applied to the same scoped queryset (staff.selectors.people_pick), so the
    suggestions never show anybody the form would refuse, nor the other way round."""

    q = django_filters.CharFilter(label=_("Name, staff code or unit"), method="filter_q")
    within = django_filters.NumberFilter(label=_("Within the unit (id, with sub-units)"), method="filter_within")
    perm = django_filters.ChoiceFilter(
        label=_("Whose account holds the permission"), choices=[(p, p) for p in PICKER_PERMS], method="filter_perm"
    )
    account = django_filters.BooleanFilter(label=_("With a user account"), method="filter_account")
    scope = django_filters.ChoiceFilter(
        label=_("Among the people you may act on with the permission"),
        choices=[(p, p) for p in PICKER_SCOPES],
        method="filter_scope",
    )

    class Meta:
        model = Staff
        fields = ["q", "within", "perm", "account", "scope"]

    def filter_scope(self, queryset, name, value):
        return queryset  # the scope itself: staff.selectors.people_pick starts from it

    def filter_q(self, queryset, name, value):
        q = people_q(value)
        return queryset.filter(q) if q is not None else queryset

    def filter_within(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).only("path").first()
        if unit is None:
            return queryset.none()
        low, high = subtree_bounds(unit.path)
        return queryset.filter(unit__path__gte=low, unit__path__lt=high)

    def filter_perm(self, queryset, name, value):
        roles = [role for role, perms in ROLE_PERMISSIONS.items() if value in perms]
        granted = Exists(RoleAssignment.objects.filter(user_id=OuterRef("user_id"), role__in=roles))
        return queryset.filter(user__is_active=True).filter(granted | Q(user__is_superuser=True))

    def filter_account(self, queryset, name, value):
        if value:
            return queryset.filter(user__isnull=False, user__is_active=True)
        return queryset.filter(user__isnull=True)


class RoleAssignmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("User"), method="filter_q")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    unit = UnitFilter(label=_("Unit"))

    class Meta:
        model = RoleAssignment
        fields = ["q", "role", "unit"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(user__username__icontains=value) | Q(user__email__icontains=value))


class DisciplineFilterSet(django_filters.FilterSet):
    """Discipline decisions (the screen and the API): the person's unit with its sub-units, the form, the
    person, the decision date (year, or from/until) and the decisions in effect on a day."""

    unit = UnitFilter(label=_("Unit (with sub-units)"), method="filter_unit")
    form = django_filters.ChoiceFilter(label=_("Form of discipline"), choices=DisciplineForm.choices)
    staff = IdFilter(label=_("Staff member"), field_name="staff_id")
    year = YearFilter(label=_("Year of the decision"), field_name="decision_date", lookup_expr="year")
    decided_from = django_filters.DateFilter(label=_("Decided from"), field_name="decision_date", lookup_expr="gte")
    decided_until = django_filters.DateFilter(label=_("Decided until"), field_name="decision_date", lookup_expr="lte")
    in_effect_on = django_filters.DateFilter(label=_("In effect on"), method="filter_in_effect_on")

    class Meta:
        model = DisciplineDecision
        fields = ["unit", "form", "staff", "year", "decided_from", "decided_until", "in_effect_on"]

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (the unit and its sub-units)
    def filter_unit(self, queryset, name, value):
        low, high = subtree_bounds(value.path)
        return queryset.filter(staff__unit__path__gte=low, staff__unit__path__lt=high)

    def filter_in_effect_on(self, queryset, name, value):
        return queryset.filter(effective_from__lte=value).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=value)
        )
