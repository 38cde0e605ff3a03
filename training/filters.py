"""One FilterSet per list, shared by the HTML list, the API and the export.

Every list accepts `unit` (a unit id, sub-units included) and a period (`start`/`end` as yyyy-mm-dd, or `year`),
so the scorecards can link each figure to the records behind it."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import IdFilter, YearFilter
from core.text import fold
from core.widgets import DateInput
from staff.access import subtree_bounds
from staff.filters import UnitFilter, attributed_unit
from staff.models import StaffCategory, StaffStatus, Unit
from training.models import (
    ABSENT,
    Attendance,
    AttendanceStatus,
    Certificate,
    ClassSession,
    ClassStatus,
    Course,
    CourseCategory,
    CourseMode,
    Enrollment,
    EnrollmentStatus,
    Outcome,
    TrainingClass,
)
from training.requirements import HoursStatus


def _subtree(queryset, prefix, unit):
    low, high = subtree_bounds(unit.path)
    return queryset.filter(**{f"{prefix}path__gte": low, f"{prefix}path__lt": high})


def _member_of(filterset, queryset, staff_ref: str, unit):
    """Active people who belonged to `unit` (sub-units included) during member_start..member_end (the unit
    history, as the scorecards count them; the whole current year when no dates are given)."""
    data = filterset.form.cleaned_data
    today = timezone.localdate()
    start = data.get("member_start") or dt.date(today.year, 1, 1)
    end = data.get("member_end") or today
    low, high = subtree_bounds(unit.path)
    units = Unit.objects.filter(path__gte=low, path__lt=high).values("pk")
    # "pk" (a list of people) or "<path>staff_id" (a list of their records): the person's status field
    status = "status" if staff_ref == "pk" else f"{staff_ref.removesuffix('staff_id')}staff__status"
    return (
        queryset.filter(**{status: StaffStatus.ACTIVE})
        .alias(member_unit_id=attributed_unit(OuterRef(staff_ref), start=start, end=end))
        .filter(member_unit_id__in=units)
    )


def _member_filters():
    return (
        UnitFilter(label=_("Unit of the person during the period (with sub-units)"), method="filter_member_unit"),
        PeriodDateFilter(label=_("Member from"), method="noop"),
        PeriodDateFilter(label=_("Member until"), method="noop"),
    )


class DateField(forms.DateField):
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]


class PeriodDateFilter(django_filters.DateFilter):
    field_class = DateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DateInput())
        super().__init__(*args, **kwargs)


class CourseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    category = django_filters.ChoiceFilter(label=_("Content group"), choices=CourseCategory.choices)
    mode = django_filters.ChoiceFilter(label=_("Mode"), choices=CourseMode.choices)
    is_mandatory = django_filters.BooleanFilter(label=_("Mandatory"))
    active = django_filters.BooleanFilter(label=pgettext_lazy("course", "Active"))

    class Meta:
        model = Course
        fields = ["q", "category", "mode", "is_mandatory", "active"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        return queryset.filter(Q(search_title__contains=folded) | Q(code__iexact=value.strip())) if folded else queryset


class TrainingClassFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = UnitFilter(label=_("Unit (with sub-units)"), method="filter_unit")
    category = django_filters.ChoiceFilter(
        label=_("Content group"), choices=CourseCategory.choices, field_name="course__category"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ClassStatus.choices)
    course = IdFilter(label=_("Course"), field_name="course_id", widget=forms.HiddenInput)
    year = YearFilter(label=_("Year"), method="filter_year")
    start = PeriodDateFilter(label=_("From"), field_name="end_date", lookup_expr="gte")
    end = PeriodDateFilter(label=_("Until"), field_name="start_date", lookup_expr="lte")

    class Meta:
        model = TrainingClass
        fields = ["q", "unit", "category", "status", "year", "start", "end"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(
            Q(code__icontains=value.strip())
            | Q(course__search_title__contains=folded)
            | Q(venue__icontains=value.strip())
        )

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "unit__", value)

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))


class SessionFilterSet(django_filters.FilterSet):
    training_class = IdFilter(label=_("Class"), field_name="training_class_id")
    unit = UnitFilter(label=_("Unit (with sub-units)"), method="filter_unit")
    start = PeriodDateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    end = PeriodDateFilter(label=_("Until"), field_name="date", lookup_expr="lte")
    year = YearFilter(label=_("Year"), field_name="date", lookup_expr="year")

    class Meta:
        model = ClassSession
        fields = ["training_class", "unit", "start", "end", "year"]

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "training_class__unit__", value)


class EnrollmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = UnitFilter(label=_("Unit of the person (with sub-units)"), method="filter_unit")
    training_class = IdFilter(label=_("Class"), field_name="training_class_id")
    staff = IdFilter(label=_("Staff member"), field_name="staff_id", widget=forms.HiddenInput)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EnrollmentStatus.choices)
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    mandatory = django_filters.BooleanFilter(
        label=_("Mandatory course"), field_name="training_class__course__is_mandatory"
    )
    year = YearFilter(label=_("Year"), field_name="training_class__end_date", lookup_expr="year")
    start = PeriodDateFilter(label=_("From"), field_name="training_class__end_date", lookup_expr="gte")
    end = PeriodDateFilter(label=_("Until"), field_name="training_class__end_date", lookup_expr="lte")
    # What the scorecards count (each figure links here with these set, so the list states its condition).
    member_unit, member_start, member_end = _member_filters()
    class_cancelled = django_filters.BooleanFilter(label=_("Class cancelled"), method="filter_class_cancelled")
    assessed = django_filters.BooleanFilter(
        label=_("Assessed for a certificate (class completed)"), method="filter_assessed"
    )
    certified = django_filters.BooleanFilter(
        label=_("Certificate issued"), field_name="certificate", lookup_expr="isnull", exclude=True
    )
    session_start = PeriodDateFilter(label=_("With sessions from"), method="noop")
    session_end = PeriodDateFilter(label=_("With sessions until"), method="filter_sessions")

    class Meta:
        model = Enrollment
        fields = [
            "q",
            "unit",
            "training_class",
            "staff",
            "status",
            "outcome",
            "mandatory",
            "year",
            "start",
            "end",
            "member_unit",
            "member_start",
            "member_end",
            "class_cancelled",
            "assessed",
            "certified",
            "session_start",
            "session_end",
        ]

    def noop(self, queryset, name, value):
        return queryset

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_member_unit(self, queryset, name, value):
        return _member_of(self, queryset, "staff_id", value)

    def filter_class_cancelled(self, queryset, name, value):
        cancelled = Q(training_class__status=ClassStatus.CANCELLED)
        return queryset.filter(cancelled) if value else queryset.exclude(cancelled)

    def filter_assessed(self, queryset, name, value):
        assessed = (
            Q(training_class__status=ClassStatus.COMPLETED)
            & Q(training_class__course__issues_certificate=True)
            & ~Q(outcome="")
        )
        return queryset.filter(assessed) if value else queryset.exclude(assessed)

    def filter_sessions(self, queryset, name, value):
        """Enrollments whose class has a session between session_start and session_end."""
        start = self.form.cleaned_data.get("session_start") or dt.date(value.year, 1, 1)
        held = ClassSession.objects.filter(
            training_class_id=OuterRef("training_class_id"), date__gte=start, date__lte=value
        )
        return queryset.filter(Exists(held))

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(
            Q(staff__search_name__contains=folded)
            | Q(staff__staff_code__iexact=value.strip())
            | Q(training_class__code__icontains=value.strip())
        )

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "staff__unit__", value)


class CertificateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = UnitFilter(label=_("Unit of the person (with sub-units)"), method="filter_unit")
    year = YearFilter(label=_("Year"), field_name="serial_year")
    start = PeriodDateFilter(label=_("From"), field_name="issued_on", lookup_expr="gte")
    end = PeriodDateFilter(label=_("Until"), field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = Certificate
        fields = ["q", "unit", "year", "start", "end"]

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(
            Q(number__icontains=value.strip())
            | Q(enrollment__staff__search_name__contains=folded)
            | Q(enrollment__staff__staff_code__iexact=value.strip())
        )

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "enrollment__staff__unit__", value)


class AttendanceRecordFilterSet(django_filters.FilterSet):
    """The attendance register (screen, workbook, background export): the person (name, staff code) or the
    class code, the person's unit with its sub-units, a class, the attendance, and the session date
    (start/end, or year)."""

    q = django_filters.CharFilter(label=_("Search (person, staff code or class code)"), method="filter_q")
    unit = UnitFilter(label=_("Unit of the person (with sub-units)"), method="filter_unit")
    training_class = IdFilter(label=_("Class"), field_name="session__training_class_id", widget=forms.HiddenInput)
    status = django_filters.ChoiceFilter(label=_("Attendance"), choices=AttendanceStatus.choices)
    year = YearFilter(label=_("Year"), field_name="session__date__year")
    start = PeriodDateFilter(label=_("From"), field_name="session__date", lookup_expr="gte")
    end = PeriodDateFilter(label=_("Until"), field_name="session__date", lookup_expr="lte")
    # What the scorecards' attendance rate counts (its figures link here with these set, so the list states
    # its condition): marks of confirmed enrollments in classes not cancelled, of the people who belonged to
    # the unit during the period; the numerator's marks are those attended (present, late or left early).
    member_unit, member_start, member_end = _member_filters()
    enrollment_status = django_filters.ChoiceFilter(
        label=_("Enrollment status"), field_name="enrollment__status", choices=EnrollmentStatus.choices
    )
    class_cancelled = django_filters.BooleanFilter(label=_("Class cancelled"), method="filter_class_cancelled")
    attended = django_filters.BooleanFilter(label=_("Attended (present, late or left early)"), method="filter_attended")

    class Meta:
        model = Attendance
        fields = [
            "q",
            "unit",
            "training_class",
            "status",
            "year",
            "start",
            "end",
            "member_unit",
            "member_start",
            "member_end",
            "enrollment_status",
            "class_cancelled",
            "attended",
        ]

    def noop(self, queryset, name, value):
        return queryset

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_member_unit(self, queryset, name, value):
        return _member_of(self, queryset, "enrollment__staff_id", value)

    def filter_class_cancelled(self, queryset, name, value):
        cancelled = Q(session__training_class__status=ClassStatus.CANCELLED)
        return queryset.filter(cancelled) if value else queryset.exclude(cancelled)

    def filter_attended(self, queryset, name, value):
        absent = Q(status__in=ABSENT)
        return queryset.exclude(absent) if value else queryset.filter(absent)

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(
            Q(enrollment__staff__search_name__contains=folded)
            | Q(enrollment__staff__staff_code__iexact=value.strip())
            | Q(session__training_class__code__iexact=value.strip())
        )

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "enrollment__staff__unit__", value)


class HoursFilterSet(django_filters.FilterSet):
    """Filters the people of the hours ledger; `year` and `status` are read by the selector."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = UnitFilter(label=_("Unit (with sub-units)"), method="filter_unit")
    category = django_filters.ChoiceFilter(label=_("Staff category"), choices=StaffCategory.choices)
    year = YearFilter(label=_("Year"), method="noop")
    status = django_filters.ChoiceFilter(label=_("Hours status"), choices=HoursStatus.CHOICES, method="noop")
    member_unit, member_start, member_end = _member_filters()

    class Meta:
        model = Enrollment.staff.field.related_model
        fields = ["q", "unit", "category", "year", "status", "member_unit", "member_start", "member_end"]

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_member_unit(self, queryset, name, value):
        return _member_of(self, queryset, "pk", value)

    def filter_q(self, queryset, name, value):
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(Q(search_name__contains=folded) | Q(staff_code__iexact=value.strip()))

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a unit id (sub-units included)
    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "unit__", value)

    def noop(self, queryset, name, value):
        return queryset


def year_from(params, default: int | None = None) -> int:
    try:
        year = int(params.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if 2000 <= year <= 2100:
        return year
    return default or timezone.localdate().year


ATTENDANCE_CHOICES = AttendanceStatus.choices
