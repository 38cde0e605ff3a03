"""The hours ledger (per person and year, against the requirement) and a person's training record.
A constant number of queries whatever the number of people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, IntegerField, Max, Min, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from staff.models import Staff, StaffStatus, Unit
from staff.selectors import people_pick
from training.filters import HoursFilterSet
from training.models import (
    TRAINING_READ,
    ClassSession,
    ClassStatus,
    Enrollment,
    EnrollmentStatus,
    ExternalStatus,
    ExternalTraining,
    Outcome,
)
from training.requirements import (
    HoursStatus,
    RequirementMatcher,
    RuleMatch,
    hours_status,
    rules_for_year,
    rules_for_years,
)
from training.selectors.common import staff_in_scope


def completed_courses(year: int) -> QuerySet[Enrollment]:
    """The enrollments whose minutes count towards `year`: completed, in a class ending that year."""
    return Enrollment.objects.filter(outcome=Outcome.COMPLETED, training_class__end_date__year=year)


def approved_external(year: int) -> QuerySet[ExternalTraining]:
    """The external training that counts towards `year`: approved, ending that year."""
    return ExternalTraining.objects.filter(status=ExternalStatus.APPROVED, end_date__year=year)


def course_minutes_by_staff(*, year: int, staff_qs=None) -> dict[int, int]:
    qs = completed_courses(year)
    if staff_qs is not None:
        qs = qs.filter(staff_id__in=staff_qs.values("pk"))
    return dict(qs.values("staff_id").annotate(m=Sum("attended_minutes")).values_list("staff_id", "m"))


def external_minutes_by_staff(*, year: int, staff_qs=None) -> dict[int, int]:
    qs = approved_external(year)
    if staff_qs is not None:
        qs = qs.filter(staff_id__in=staff_qs.values("pk"))
    return dict(qs.values("staff_id").annotate(m=Sum("minutes")).values_list("staff_id", "m"))


def _sum_per(qs: QuerySet, key: str, field: str, output_field=None) -> Subquery:
    return Subquery(
        qs.order_by().values(key).annotate(total=Sum(field)).values("total"),
        output_field=output_field or IntegerField(),
    )


PERIODS = DecimalField(max_digits=8, decimal_places=1)


def with_training_minutes(staff_qs: QuerySet[Staff], *, year: int) -> QuerySet[Staff]:
    """Each person annotated with the minutes done in `year`: `course_minutes` (completed courses) and
    `external_minutes` (approved external training)."""
    return staff_qs.annotate(
        course_minutes=Coalesce(
            _sum_per(completed_courses(year).filter(staff_id=OuterRef("pk")), "staff_id", "attended_minutes"), 0
        ),
        external_minutes=Coalesce(
            _sum_per(approved_external(year).filter(staff_id=OuterRef("pk")), "staff_id", "minutes"), 0
        ),
    )


def with_training_periods(staff_qs: QuerySet[Staff], *, year: int) -> QuerySet[Staff]:
    """Each person annotated with the tiết done in `year` (the ledger's unit), and the minutes as detail:
    `course_periods`/`course_minutes` (completed courses), `external_periods`/`external_minutes` (approved)."""
    zero = Decimal(0)
    return with_training_minutes(staff_qs, year=year).annotate(
        course_periods=Coalesce(
            _sum_per(completed_courses(year).filter(staff_id=OuterRef("pk")), "staff_id", "attended_periods", PERIODS),
            zero,
            output_field=PERIODS,
        ),
        external_periods=Coalesce(
            _sum_per(approved_external(year).filter(staff_id=OuterRef("pk")), "staff_id", "periods", PERIODS),
            zero,
            output_field=PERIODS,
        ),
    )


@dataclass
class HoursRow:
    staff: Staff
    year: int
    course_minutes: int
    external_minutes: int
    course_periods: Decimal
    external_periods: Decimal
    required_periods: int
    rule: RuleMatch
    status: str

    @property
    def total_minutes(self) -> int:
        return self.course_minutes + self.external_minutes

    @property
    def required_minutes(self) -> int:
        return self.rule.minutes

    @property
    def hours(self) -> float:
        return round(self.total_minutes / 60, 1)

    @property
    def periods(self) -> Decimal:
        """The tiết done: the sessions' tiết of completed courses plus approved external training."""
        return self.course_periods + self.external_periods

    @property
    def missing_periods(self) -> Decimal:
        return max(Decimal(self.required_periods) - self.periods, Decimal(0))

    @property
    def percent(self) -> int:
        return round(100 * self.periods / self.required_periods) if self.required_periods else 100

    @property
    def status_label(self):
        return HoursStatus.LABELS[self.status]

    @property
    def badge(self) -> str:
        return HoursStatus.BADGE[self.status]


def hours_ledger(
    *, user, year: int, filters=None, request=None, status: str | None = None, today: dt.date | None = None
) -> list[HoursRow]:
    """Per person in the user's training scope (or themselves), for one year: tiết of completed courses + approved
    external tiết against the matching rule. Two queries (people with their minutes, rules) whatever the number of people."""

    today = today or timezone.localdate()
    qs = staff_in_scope(user).filter(status=StaffStatus.ACTIVE).select_related("unit")
    if filters is not None:
        fs = HoursFilterSet(filters, queryset=qs, request=request)
        qs = fs.qs
        status = status or (fs.form.cleaned_data.get("status") if fs.is_valid() else None)
    return _ledger_rows(qs.order_by("unit__path", "search_name", "staff_code"), year=year, today=today, status=status)


def _ledger_rows(qs, *, year: int, today: dt.date, status: str | None = None) -> list[HoursRow]:
    match = RequirementMatcher(rules_for_year(year))
    rows = []
    for person in with_training_periods(qs, year=year):
        rule = match(
            category=person.category,
            job_position=person.job_position,
            rank_code=person.rank_code,
            unit_path=person.unit.path,
        )
        done = person.course_periods + person.external_periods
        row = HoursRow(
            staff=person,
            year=year,
            course_minutes=person.course_minutes,
            external_minutes=person.external_minutes,
            course_periods=person.course_periods,
            external_periods=person.external_periods,
            required_periods=rule.periods,
            rule=rule,
            status=hours_status(done=done, required=rule.periods, year=year, today=today),
        )
        if status and row.status != status:
            continue
        rows.append(row)
    return rows


def hours_for_staff(*, staff: Staff, year: int, today: dt.date | None = None) -> HoursRow:
    qs = Staff.objects.filter(pk=staff.pk).select_related("unit")
    return _ledger_rows(qs, year=year, today=today or timezone.localdate())[0]


@dataclass
class UnitHoursSummary:
    unit: Unit
    people: int = 0
    met: int = 0
    on_track: int = 0
    at_risk: int = 0
    not_met: int = 0
    behind: list[HoursRow] = field(default_factory=list)

    @property
    def behind_count(self) -> int:
        return self.at_risk + self.not_met


def hours_by_unit(rows: list[HoursRow]) -> list[UnitHoursSummary]:
    """Per unit: how many people met, are on track, at risk or did not meet their hours; who is behind."""
    by_unit: dict[int, UnitHoursSummary] = {}
    for row in rows:
        summary = by_unit.setdefault(row.staff.unit_id, UnitHoursSummary(unit=row.staff.unit))
        summary.people += 1
        setattr(summary, row.status, getattr(summary, row.status) + 1)
        if row.status in (HoursStatus.AT_RISK, HoursStatus.NOT_MET):
            summary.behind.append(row)
    return sorted(by_unit.values(), key=lambda s: s.unit.path)


def my_record(*, staff: Staff, year: int) -> dict:
    enrollments = list(
        Enrollment.objects.filter(staff=staff)
        .select_related("training_class__course", "training_class__unit", "certificate")
        .annotate(
            first_session=Min("training_class__sessions__date"),
            last_session=Max("training_class__sessions__date"),
            certificate_number=F("certificate__number"),
        )
        .order_by("-training_class__start_date")
    )
    upcoming = list(
        ClassSession.objects.filter(
            training_class__enrollments__staff=staff,
            training_class__enrollments__status=EnrollmentStatus.CONFIRMED,
            date__gte=timezone.localdate(),
        )
        .exclude(training_class__status=ClassStatus.CANCELLED)
        .select_related("training_class__course")
        .order_by("date", "start_time")[:20]
    )
    return {
        "enrollments": enrollments,
        "upcoming": upcoming,
        "hours": hours_for_staff(staff=staff, year=year),
        "external": list(ExternalTraining.objects.filter(staff=staff).order_by("-end_date")),
        "certificates": [e.certificate for e in enrollments if e.certificate_number is not None],
    }


@dataclass
class YearRecord:
    """One year of a person's training record: tiết done against the rule in force that year."""

    year: int
    course_periods: Decimal
    external_periods: Decimal
    rule: RuleMatch
    status: str

    @property
    def periods(self) -> Decimal:
        return self.course_periods + self.external_periods

    @property
    def required_periods(self) -> int:
        return self.rule.periods

    @property
    def status_label(self):
        return HoursStatus.LABELS[self.status]

    @property
    def badge(self) -> str:
        return HoursStatus.BADGE[self.status]


def person_years(*, staff: Staff, years: list[int], today: dt.date | None = None) -> list[YearRecord]:
    """Each of `years` (newest first) for one person: completed course tiết + approved external tiết against the
    rule that applied that year. Three queries whatever the number of years (course sums, external sums, rules)."""
    today = today or timezone.localdate()
    low, high = min(years), max(years)
    courses = dict(
        Enrollment.objects.filter(
            staff=staff,
            outcome=Outcome.COMPLETED,
            training_class__end_date__year__gte=low,
            training_class__end_date__year__lte=high,
        )
        .annotate(y=ExtractYear("training_class__end_date"))
        .values("y")
        .annotate(p=Sum("attended_periods"))
        .values_list("y", "p")
    )
    external = dict(
        ExternalTraining.objects.filter(
            staff=staff, status=ExternalStatus.APPROVED, end_date__year__gte=low, end_date__year__lte=high
        )
        .annotate(y=ExtractYear("end_date"))
        .values("y")
        .annotate(p=Sum("periods"))
        .values_list("y", "p")
    )
    rules = rules_for_years(low, high)
    unit_path = staff.unit.path
    out = []
    for year in sorted(years, reverse=True):
        in_force = [r for r in rules if r.effective_year <= year and (r.end_year is None or r.end_year >= year)]
        rule = RequirementMatcher(in_force)(
            category=staff.category, job_position=staff.job_position, rank_code=staff.rank_code, unit_path=unit_path
        )
        c, x = Decimal(courses.get(year) or 0), Decimal(external.get(year) or 0)
        out.append(
            YearRecord(year, c, x, rule, hours_status(done=c + x, required=rule.periods, year=year, today=today))
        )
    return out


def people_lookup(*, user, filters, year: int, limit: int = 20) -> list[HoursRow]:
    """The people picker's suggestions for training: staff.selectors.people_pick in the user's training scope,
    narrowed by `filters` (PeoplePickFilterSet: `q` a name without diacritics, staff code or unit, ...), each
    with this year's tiết against their rule. Nothing for an empty `q`. Three queries."""
    if not (filters.get("q") or "").strip():
        return []
    pks = list(people_pick(user=user, filters=filters, perms=TRAINING_READ).values_list("pk", flat=True)[:limit])
    if not pks:
        return []
    people = Staff.objects.filter(pk__in=pks).select_related("unit").order_by("search_name", "staff_code")
    return _ledger_rows(people, year=year, today=timezone.localdate())
