"""One FilterSet per list, shared by the HTML list, the API and the export.

Lists accept `unit` (with sub-units), a period (`start`/`end` as yyyy-mm-dd, or `year`) and their
status filters, so the scorecards app can link every figure to the records behind it."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, YearFilter
from core.permissions import Perm
from core.text import fold
from core.widgets import DateInput
from inspections.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    Answer,
    Assignment,
    Band,
    CorrectiveAction,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    PlanKind,
    TemplateKind,
)
from staff.access import subtree_bounds
from staff.filters import UnitFilter
from staff.models import Unit


def visible_units(request):
    if request is None:
        return Unit.objects.all()
    perms = (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE, Perm.INSPECTION_PLAN)
    return Unit.objects.visible_to(request.user, perms).filter(active=True)


class _UnitPeriodMixin:
    """`unit` includes sub-units; `start`/`end`/`year` filter the list's date field."""

    unit_field = "unit"
    date_field = "inspected_on"

    def filter_unit(self, queryset, name, value):
        low, high = subtree_bounds(value.path)
        return queryset.filter(**{f"{self.unit_field}__path__gte": low, f"{self.unit_field}__path__lt": high})

    def filter_start(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_end(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__year": value})


def _unit_filter():
    return UnitFilter(label=_("Unit (with sub-units)"), queryset=visible_units, method="filter_unit")


def _date_filters():
    return (
        django_filters.DateFilter(label=_("From"), method="filter_start", widget=DateInput()),
        django_filters.DateFilter(label=_("Until"), method="filter_end", widget=DateInput()),
        YearFilter(label=_("Year"), method="filter_year"),
    )


class PlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    year = YearFilter(label=_("Year"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PlanKind.choices)

    class Meta:
        model = InspectionPlan
        fields = ["q", "year", "kind"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value.strip()) | Q(unit__search_name__contains=fold(value)))


class AssignmentFilterSet(_UnitPeriodMixin, django_filters.FilterSet):
    date_field = "due_date"
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = _unit_filter()
    start, end, year = _date_filters()
    is_self = django_filters.BooleanFilter(label=_("Self-inspection"), field_name="is_self")
    plan = IdFilter(label=_("Plan"), field_name="plan_id")
    on_time = django_filters.BooleanFilter(label=_("Submitted on time"), method="filter_on_time")

    class Meta:
        model = Assignment
        fields = ["q", "unit", "start", "end", "year", "is_self", "plan", "on_time"]

    def filter_on_time(self, queryset, name, value):
        """Submitted no later than the due date (the day in the province's time zone), as the scorecards count."""
        tz = timezone.get_current_timezone()
        on_time = Q(inspection__submitted_at__isnull=False, submitted_day__lte=F("due_date"))
        queryset = queryset.alias(submitted_day=TruncDate("inspection__submitted_at", tzinfo=tz))
        return queryset.filter(on_time) if value else queryset.exclude(on_time)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(unit__search_name__contains=fold(value)) | Q(unit__code__iexact=value.strip()))


class InspectionFilterSet(_UnitPeriodMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = _unit_filter()
    start, end, year = _date_filters()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=InspectionStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TemplateKind.choices)
    self = django_filters.BooleanFilter(label=_("Self-inspection"), field_name="is_self")
    band = django_filters.ChoiceFilter(label=_("Band"), choices=Band.choices)
    critical_failed = django_filters.BooleanFilter(label=_("Critical item failed"))
    template = django_filters.CharFilter(
        label=_("Template code"), field_name="template_version__template__code", lookup_expr="iexact"
    )
    scored = django_filters.BooleanFilter(
        label=_("Counted in the scorecard (by inspectors where a unit has one, else self)"), method="filter_scored"
    )
    to_approve = django_filters.BooleanFilter(label=_("Waiting for my approval"), method="filter_to_approve")
    items = django_filters.CharFilter(
        label=_("With a scored answer to one of the item codes (comma-separated)"), method="filter_items"
    )

    class Meta:
        model = Inspection
        fields = [
            "q",
            "unit",
            "start",
            "end",
            "year",
            "status",
            "kind",
            "self",
            "band",
            "critical_failed",
            "template",
            "scored",
            "to_approve",
            "items",
        ]

    def filter_to_approve(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None:
            return queryset
        mine = queryset.awaiting_approval_by(user).values("pk")
        return queryset.filter(pk__in=mine) if value else queryset.exclude(pk__in=mine)

    def filter_items(self, queryset, name, value):
        """The inspections a checklist-items criterion of a scorecard takes its Σ score ÷ Σ maximum from."""
        codes = [c.strip() for c in value.split(",") if c.strip()]
        scored = Answer.objects.filter(inspection_id=OuterRef("pk"), item__code__in=codes, max_score__isnull=False)
        return queryset.filter(Exists(scored))

    def filter_scored(self, queryset, name, value):
        """The inspections a scorecard's checklist score is the mean of: approved and scored in the period,
        by inspectors for a unit that has such an inspection of the kind, else the unit's self-inspections."""
        if not value:
            return queryset
        data = self.form.cleaned_data
        window = Q(status=InspectionStatus.APPROVED, total_percent__isnull=False)
        if data.get("start"):
            window &= Q(inspected_on__gte=data["start"])
        if data.get("end"):
            window &= Q(inspected_on__lte=data["end"])
        by_inspectors = Inspection.objects.filter(
            window, unit_id=OuterRef("unit_id"), kind=OuterRef("kind"), is_self=False
        )
        return queryset.filter(window).filter(Q(is_self=False) | ~Exists(by_inspectors))

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(unit__search_name__contains=fold(value)) | Q(unit__code__iexact=value.strip()))


FINDING_STATES = [
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    ("closed", _("Closed")),
    ("no_action", _("Without corrective action")),
]


class FindingFilterSet(_UnitPeriodMixin, django_filters.FilterSet):
    date_field = "inspection__inspected_on"
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = _unit_filter()
    start, end, year = _date_filters()
    state = django_filters.ChoiceFilter(label=_("Status"), choices=FINDING_STATES, method="filter_state")
    critical = django_filters.BooleanFilter(label=_("Critical"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TemplateKind.choices, field_name="inspection__kind")
    self = django_filters.BooleanFilter(label=_("Self-inspection"), field_name="inspection__is_self")

    class Meta:
        model = Finding
        fields = ["q", "unit", "start", "end", "year", "state", "critical", "kind", "self"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value.strip())
            | Q(item__code__iexact=value.strip())
            | Q(unit__search_name__contains=fold(value))
        )

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        open_ids = CorrectiveAction.objects.filter(status__in=OPEN_ACTION_STATUSES).values("finding_id")
        if value == "open":
            return queryset.filter(pk__in=open_ids)
        if value == "overdue":
            return queryset.filter(pk__in=CorrectiveAction.objects.overdue(today).values("finding_id"))
        if value == "no_action":
            return queryset.filter(actions__isnull=True)
        if value == "closed":
            not_verified = CorrectiveAction.objects.exclude(status=ActionStatus.VERIFIED).values("finding_id")
            return queryset.filter(actions__isnull=False).exclude(pk__in=not_verified).distinct()
        return queryset


ACTION_STATES = list(ActionStatus.choices) + [("overdue", _("Overdue"))]


class CorrectiveActionFilterSet(_UnitPeriodMixin, django_filters.FilterSet):
    """The corrective-actions register (screen, export, API): responsible unit with its sub-units,
    status, overdue, due date range (start/end/year on the due date), responsible person."""

    date_field = "due_date"
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    unit = _unit_filter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ACTION_STATES, method="filter_status")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    start, end, year = _date_filters()
    responsible = django_filters.CharFilter(
        label=_("Responsible person (name or staff code)"), method="filter_responsible"
    )
    on_time = django_filters.BooleanFilter(label=_("Closed on time"), method="filter_on_time")

    class Meta:
        model = CorrectiveAction
        fields = ["q", "unit", "status", "overdue", "start", "end", "year", "responsible", "on_time"]

    def filter_on_time(self, queryset, name, value):
        on_time = Q(
            status__in=[ActionStatus.DONE, ActionStatus.VERIFIED],
            completed_on__isnull=False,
            completed_on__lte=F("due_date"),
        )
        return queryset.filter(on_time) if value else queryset.exclude(on_time)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value.strip()) | Q(unit__search_name__contains=fold(value)))

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        overdue = Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_responsible(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(responsible_person__search_name__contains=fold(value)) | Q(responsible_person__staff_code__iexact=value)
        )
