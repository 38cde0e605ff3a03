"""Every non-trivial read in training. Querysets come back with their joins done; aggregates run in the
database; the hours ledger and the scorecard facts take a constant number of queries."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_cte import CTE, with_cte

from core.permissions import Perm, has_perm
from core.sql import NotIndexed
from staff.access import unit_scope_q
from staff.models import Staff, StaffStatus, StaffUnitHistory, Unit
from training.models import (
    TRAINING_READ,
    Attendance,
    AttendanceChange,
    Certificate,
    ClassSession,
    ClassStatus,
    Course,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    ExternalStatus,
    ExternalTraining,
    Outcome,
    TrainingClass,
    TrainingRequirement,
    _sees_all,
)


def staff_in_scope(user, perms=TRAINING_READ) -> QuerySet[Staff]:
    """Staff the user may see for training (or themselves). Superusers see everyone (Staff.visible_to ORs the own
    record onto an empty Q for them, which would narrow it to themselves)."""
    if _sees_all(user):
        return Staff.objects.all()
    return Staff.objects.visible_to(user, perms)


def default_requirement_minutes() -> int:
    return settings.TRAINING_YEARLY_PERIODS * settings.TRAINING_PERIOD_MINUTES


def minutes_to_periods(minutes: int) -> float:
    return round((minutes or 0) / settings.TRAINING_PERIOD_MINUTES, 1)


# ------------------------------------------------------------------------------------ catalogue and classes
def course_list(*, user, filters=None, request=None) -> QuerySet[Course]:
    from training.filters import CourseFilterSet

    qs = (
        Course.objects.visible_to(user)
        .select_related("owner_unit")
        .annotate(class_count=Count("classes"))
        .order_by("code")
    )
    if filters is not None:
        qs = CourseFilterSet(filters, queryset=qs, request=request).qs
    return qs


def course_get(*, user, pk: int) -> Course:
    return get_object_or_404(Course.objects.visible_to(user).select_related("owner_unit"), pk=pk)


@functools.cache
def _enrollment_count(status) -> Coalesce:
    """Enrollments of the row's class in `status`: a correlated count over the (class, status) index, so a
    page of 50 classes counts 50 classes, not every class before the sort (JOIN + GROUP BY did). Built once
    per status (≈0.4 ms each time otherwise): annotate() resolves a copy, the expression is never changed."""
    counted = (
        Enrollment.objects.filter(training_class=OuterRef("pk"), status=status)
        .order_by()
        .values("training_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def class_list(*, user, filters=None, request=None) -> QuerySet[TrainingClass]:
    from training.filters import TrainingClassFilterSet

    scoped = TrainingClass.objects.visible_to(user)
    qs = (
        scoped.select_related("course", "unit")
        .annotate(
            confirmed_count=_enrollment_count(EnrollmentStatus.CONFIRMED),
            waitlist_count=_enrollment_count(EnrollmentStatus.WAITLISTED),
        )
        .order_by("-start_date", "code")
    )
    if filters is not None:
        qs = TrainingClassFilterSet(filters, queryset=qs, request=request).qs
    return qs


def class_get(*, user, pk: int, perm=TRAINING_READ) -> TrainingClass:
    return get_object_or_404(
        TrainingClass.objects.visible_to(user, perm).select_related("course", "unit").prefetch_related("trainer_users"),
        pk=pk,
    )


def class_sessions(*, training_class: TrainingClass) -> list[ClassSession]:
    return list(training_class.sessions.annotate(marked=Count("marks")).order_by("date", "start_time"))


def class_roster(*, training_class: TrainingClass) -> QuerySet[Enrollment]:
    """Every enrollment of the class with its person, total attended minutes, certificate and its number
    (`certificate_number`, None without one): one query."""
    return (
        training_class.enrollments.select_related("staff__unit", "certificate")
        .annotate(marked_minutes=Coalesce(Sum("marks__minutes"), 0), certificate_number=F("certificate__number"))
        .order_by(
            Case(
                When(status=EnrollmentStatus.CONFIRMED, then=0),
                When(status=EnrollmentStatus.NOMINATED, then=1),
                When(status=EnrollmentStatus.WAITLISTED, then=2),
                default=3,
                output_field=IntegerField(),
            ),
            "waitlist_position",
            "staff__search_name",
            "staff__staff_code",
        )
    )


def session_list(*, user, filters=None, request=None) -> QuerySet[ClassSession]:
    from training.filters import SessionFilterSet

    qs = ClassSession.objects.visible_to(user).select_related("training_class__course", "training_class__unit")
    if filters is not None:
        qs = SessionFilterSet(filters, queryset=qs, request=request).qs
    return qs


def session_for_attendance(*, user, pk: int) -> ClassSession:
    qs = ClassSession.objects.filter(training_class__in=TrainingClass.objects.attendable_by(user).values("pk"))
    return get_object_or_404(qs.select_related("training_class__course", "training_class__unit"), pk=pk)


def session_roll_call(*, session: ClassSession) -> QuerySet[Enrollment]:
    """Confirmed people of the class with their unit and their mark for this session (`mark_status`,
    `mark_minutes`: None when not marked yet), in name order: one query."""
    return (
        session.training_class.enrollments.filter(status=EnrollmentStatus.CONFIRMED)
        .select_related("staff__unit")
        .annotate(mark=FilteredRelation("marks", condition=Q(marks__session_id=session.pk)))
        .annotate(mark_status=F("mark__status"), mark_minutes=F("mark__minutes"))
        .order_by("staff__search_name", "staff__staff_code")
    )


def enrollment_list(*, user, filters=None, request=None) -> QuerySet[Enrollment]:
    from training.filters import EnrollmentFilterSet

    qs = Enrollment.objects.visible_to(user).select_related(
        "staff__unit", "training_class__course", "training_class__unit", "certificate"
    )
    if filters is not None:
        qs = EnrollmentFilterSet(filters, queryset=qs, request=request).qs
    return qs


def enrollment_get(*, user, pk: int) -> Enrollment:
    return get_object_or_404(enrollment_list(user=user), pk=pk)


def enrollment_history(*, enrollment: Enrollment) -> QuerySet[EnrollmentEvent]:
    return enrollment.events.select_related("actor").order_by("at", "pk")


def attendance_changes(*, training_class: TrainingClass) -> QuerySet[AttendanceChange]:
    return (
        AttendanceChange.objects.filter(attendance__session__training_class=training_class)
        .select_related("actor", "attendance__session", "attendance__enrollment__staff")
        .order_by("-at", "-pk")
    )


def certificate_list(*, user, filters=None, request=None) -> QuerySet[Certificate]:
    from training.filters import CertificateFilterSet

    qs = Certificate.objects.visible_to(user).select_related(
        "enrollment__staff__unit", "enrollment__training_class__course", "enrollment__training_class__unit"
    )
    if filters is not None:
        qs = CertificateFilterSet(filters, queryset=qs, request=request).qs
    return qs


def _attendance_scope(user) -> QuerySet[Attendance]:
    """Attendance.visible_to()'s rows (a class organised in the user's training scope, a person of it, or the
    user's own marks) written as `session_id IN (…) OR enrollment_id IN (…)`: the database reads each side by
    its index instead of joining every mark to its class, person and both units (a commune unit head's
    count of the province's 630,000 marks: ≈320 → a few ms on SQLite). No filter for a reader of every unit.
    tests/training/test_attendance_register.py compares it with visible_to()."""
    if _sees_all(user):
        return Attendance.objects.all()
    if user is None or not user.is_authenticated:
        return Attendance.objects.none()
    units = Unit.objects.filter(unit_scope_q(user, TRAINING_READ)).values("pk")
    people = Q(staff__unit_id__in=units)
    if has_perm(user, Perm.OWN_RECORD):
        people |= Q(staff__user_id=user.pk)
    sessions = ClassSession.objects.filter(training_class__unit_id__in=units)
    return Attendance.objects.filter(
        Q(session_id__in=sessions.values("pk")) | Q(enrollment_id__in=Enrollment.objects.filter(people).values("pk"))
    )


def attendance_records(*, user, filters=None, request=None) -> QuerySet[Attendance]:
    """The attendance register: every mark the user may see (a class organised in their training scope, a
    person of their scope, or their own marks), newest session first, then the session's people in
    nomination order. A reader of every unit gets no scope filter. The page walks the session (date, id)
    index instead of sorting every mark; count it without the columns' joins (a plain queryset, not values())."""
    from training.filters import AttendanceRecordFilterSet

    qs = _attendance_scope(user).order_by("-session__date", "-session_id", "enrollment_id")
    if filters is not None:
        qs = AttendanceRecordFilterSet(filters, queryset=qs, request=request).qs
    return qs


def certificate_get(*, user, pk: int) -> Certificate:
    return get_object_or_404(certificate_list(user=user), pk=pk)


def certificate_public(*, year: int, serial: int) -> Certificate:
    """The public verification page: only what a certificate states, found by its number."""
    return get_object_or_404(
        Certificate.objects.select_related(
            "enrollment__staff", "enrollment__training_class__course", "enrollment__training_class__unit"
        ),
        serial_year=year,
        serial_no=serial,
    )


def external_list(*, user, filters=None, request=None) -> QuerySet[ExternalTraining]:
    qs = ExternalTraining.objects.visible_to(user).select_related("staff__unit", "approved_by")
    return qs


def requirement_list(*, user) -> QuerySet[TrainingRequirement]:
    return TrainingRequirement.objects.visible_to(user).select_related("unit")


def my_classes_bundle(*, user) -> list[TrainingClass]:
    """Classes open or in progress in which the user may take attendance, with roster, sessions and marks, for a
    trainer's tablet to work offline. Five queries whatever the number of classes."""
    confirmed = (
        Enrollment.objects.filter(status=EnrollmentStatus.CONFIRMED)
        .select_related("staff__unit")
        .order_by("staff__search_name", "staff__staff_code")
    )
    sessions = ClassSession.objects.order_by("date", "start_time").prefetch_related(
        Prefetch("marks", queryset=Attendance.objects.order_by("enrollment_id"), to_attr="all_marks")
    )
    return list(
        TrainingClass.objects.attendable_by(user)
        .filter(status__in=[ClassStatus.OPEN, ClassStatus.IN_PROGRESS])
        .select_related("course", "unit")
        .prefetch_related(
            Prefetch("enrollments", queryset=confirmed, to_attr="roster"), Prefetch("sessions", queryset=sessions)
        )
        .order_by("start_date", "code")
    )


# ------------------------------------------------------------------------------------ hours ledger
class HoursStatus:
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    CHOICES = [
        (MET, _("Met")),
        (ON_TRACK, _("On track")),
        (AT_RISK, _("At risk")),
        (NOT_MET, _("Not met")),
    ]
    LABELS = dict(CHOICES)
    BADGE = {MET: "ok", ON_TRACK: "ok", AT_RISK: "warn", NOT_MET: "bad"}


def hours_status(*, done: int, required: int, year: int, today: dt.date) -> str:
    """met: the requirement is reached. For a past year, anything less is not met. For the current year, on track
    means at least the pro-rata share of the requirement for the part of the year elapsed (days elapsed ÷ days in
    the year, today included); below it is at risk. A future year is on track until it starts."""
    if done >= required:
        return HoursStatus.MET
    if year < today.year:
        return HoursStatus.NOT_MET
    if year > today.year:
        return HoursStatus.ON_TRACK
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    elapsed = (today - start).days + 1
    return HoursStatus.ON_TRACK if done * days >= required * elapsed else HoursStatus.AT_RISK


@dataclass(frozen=True)
class RuleMatch:
    minutes: int
    name: str
    legal_basis: str
    rule_id: int | None


def rules_for_year(year: int) -> list[TrainingRequirement]:
    return list(TrainingRequirement.objects.filter(active=True, effective_year__lte=year).select_related("unit"))


def requirement_for(
    *, category: str, job_position: str, rank_code: str, unit_path: str, rules: list[TrainingRequirement]
) -> RuleMatch:
    """The most specific matching rule: more criteria beat fewer, a deeper unit beats a shallower one, a later
    effective year beats an earlier one. No rule: the default (40 tiết × 45 minutes, from settings)."""
    best, best_key = None, None
    folded_position = (job_position or "").strip().casefold()
    for rule in rules:
        if rule.staff_category and rule.staff_category != category:
            continue
        if rule.job_position and rule.job_position.strip().casefold() != folded_position:
            continue
        if rule.rank_code and rule.rank_code != rank_code:
            continue
        if rule.unit_id and not (unit_path or "").startswith(rule.unit.path):
            continue
        criteria = sum(bool(x) for x in (rule.staff_category, rule.job_position, rule.rank_code, rule.unit_id))
        key = (criteria, rule.unit.depth if rule.unit_id else -1, rule.effective_year, rule.pk)
        if best_key is None or key > best_key:
            best, best_key = rule, key
    if best is None:
        return RuleMatch(default_requirement_minutes(), str(_("Default (provincial policy)")), "", None)
    return RuleMatch(best.minutes_per_year, best.name, best.legal_basis, best.pk)


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


def _sum_per(qs: QuerySet, key: str, field: str) -> Subquery:
    return Subquery(qs.order_by().values(key).annotate(total=Sum(field)).values("total"), output_field=IntegerField())


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


class RequirementMatcher:
    """`requirement_for` over one year's rules, remembered per (category, position, rank, unit path): the
    same answer for everyone who shares them."""

    def __init__(self, rules: list[TrainingRequirement]):
        self.rules = rules
        self._known: dict[tuple, RuleMatch] = {}

    def __call__(self, *, category: str, job_position: str, rank_code: str, unit_path: str) -> RuleMatch:
        key = (category, job_position, rank_code, unit_path)
        match = self._known.get(key)
        if match is None:
            match = self._known[key] = requirement_for(
                category=category, job_position=job_position, rank_code=rank_code, unit_path=unit_path, rules=self.rules
            )
        return match


@dataclass
class HoursRow:
    staff: Staff
    year: int
    course_minutes: int
    external_minutes: int
    required_minutes: int
    rule: RuleMatch
    status: str

    @property
    def total_minutes(self) -> int:
        return self.course_minutes + self.external_minutes

    @property
    def hours(self) -> float:
        return round(self.total_minutes / 60, 1)

    @property
    def periods(self) -> float:
        return minutes_to_periods(self.total_minutes)

    @property
    def required_periods(self) -> float:
        return minutes_to_periods(self.required_minutes)

    @property
    def percent(self) -> int:
        return round(100 * self.total_minutes / self.required_minutes) if self.required_minutes else 100

    @property
    def status_label(self):
        return HoursStatus.LABELS[self.status]

    @property
    def badge(self) -> str:
        return HoursStatus.BADGE[self.status]


def hours_ledger(
    *, user, year: int, filters=None, request=None, status: str | None = None, today: dt.date | None = None
) -> list[HoursRow]:
    """Per person in the user's training scope (or themselves), for one year: completed course minutes + approved
    external minutes against the matching rule. Two queries (people with their minutes, rules) whatever the number of people."""
    from training.filters import HoursFilterSet

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
    for person in with_training_minutes(qs, year=year):
        rule = match(
            category=person.category,
            job_position=person.job_position,
            rank_code=person.rank_code,
            unit_path=person.unit.path,
        )
        done = person.course_minutes + person.external_minutes
        row = HoursRow(
            staff=person,
            year=year,
            course_minutes=person.course_minutes,
            external_minutes=person.external_minutes,
            required_minutes=rule.minutes,
            rule=rule,
            status=hours_status(done=done, required=rule.minutes, year=year, today=today),
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


# ------------------------------------------------------------------------------------ person record
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
        "certificates": [e.certificate for e in enrollments if hasattr(e, "certificate")],
    }


# ------------------------------------------------------------------------------------ plan and matrix
def year_plan(*, user, year: int, filters=None, request=None) -> QuerySet[TrainingClass]:
    return (
        class_list(user=user, filters=filters, request=request)
        .filter(start_date__lte=dt.date(year, 12, 31), end_date__gte=dt.date(year, 1, 1))
        .annotate(
            session_count=Subquery(
                ClassSession.objects.filter(training_class=OuterRef("pk"))
                .values("training_class")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            session_minutes=Subquery(
                ClassSession.objects.filter(training_class=OuterRef("pk"))
                .values("training_class")
                .annotate(m=Sum("planned_minutes"))
                .values("m")[:1]
            ),
        )
        .order_by("start_date", "code")
    )


def attendance_matrix(*, training_class: TrainingClass) -> tuple[list[ClassSession], list[Enrollment], dict]:
    """Sessions, confirmed people and {(enrollment_id, session_id): (status, minutes)}: three queries."""
    sessions = list(training_class.sessions.order_by("date", "start_time"))
    people = list(
        training_class.enrollments.filter(status=EnrollmentStatus.CONFIRMED)
        .select_related("staff__unit")
        .order_by("staff__search_name", "staff__staff_code")
    )
    marks = {
        (e, s): (st, m)
        for e, s, st, m in Attendance.objects.filter(session__training_class=training_class).values_list(
            "enrollment_id", "session_id", "status", "minutes"
        )
    }
    return sessions, people, marks


# ------------------------------------------------------------------------------------ scorecards contract
@dataclass(frozen=True)
class CapabilityFacts:
    unit_id: int
    headcount: int
    hours_met: int
    mandatory_enrolled: int
    mandatory_completed: int
    planned_minutes: int
    attended_minutes: int
    assessed: int
    certified: int


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


def attributed_people(*, start: dt.date, end: dt.date):
    """Active staff with the unit they belonged to during [start, end] (see `attributed_unit`). One query."""
    return (
        Staff.objects.filter(status=StaffStatus.ACTIVE)
        .annotate(attr_unit=attributed_unit(OuterRef("pk"), start=start, end=end))
        .filter(attr_unit__isnull=False)
        .values_list("pk", "attr_unit", "category", "job_position", "rank_code")
    )


def unit_capability_facts(*, start: dt.date, end: dt.date) -> dict[int, CapabilityFacts]:
    """Training facts per unit for the scorecards, computed in the database and added up here per unit. Only
    active staff with a unit count. Five queries (six when a rule names a unit) whatever the number of
    units, people or rules.

    The unit each person belonged to during the period (`attributed_unit`, a correlated subquery over the unit
    history) is worked out once per person, in the first query, with the minutes the person did in the year;
    whether they met their requirement is `requirement_for`, as on the hours ledger. The enrollment facts are
    then grouped by person in the database (one row per person at most, not one per enrollment) and added up
    per unit here."""
    year = end.year
    match = RequirementMatcher(rules_for_year(year))
    paths = {}
    if any(r.unit_id for r in match.rules):
        paths = dict(Unit.objects.values_list("pk", "path"))

    # Each active person's unit, position and minutes done in the year. People attributed to no unit (NULL)
    # are skipped below, as are their enrollments.
    people = (
        with_training_minutes(Staff.objects.filter(status=StaffStatus.ACTIVE), year=year)
        .annotate(attr_unit=attributed_unit(OuterRef("pk"), start=start, end=end))
        .order_by()
        .values_list("pk", "attr_unit", "category", "job_position", "rank_code", "course_minutes", "external_minutes")
    )
    keys = (
        "headcount",
        "hours_met",
        "mandatory_enrolled",
        "mandatory_completed",
        "planned_minutes",
        "attended_minutes",
        "assessed",
        "certified",
    )
    unit_of: dict[int, int] = {}
    totals: dict[int, list[int]] = {}
    for staff_id, unit_id, category, job_position, rank_code, course_minutes, external_minutes in people:
        if unit_id is None:
            continue
        unit_of[staff_id] = unit_id
        row = totals.get(unit_id)
        if row is None:
            row = totals[unit_id] = [0] * len(keys)
        required = match(
            category=category, job_position=job_position, rank_code=rank_code, unit_path=paths.get(unit_id, "")
        ).minutes
        row[0] += 1
        row[1] += course_minutes + external_minutes >= required
    if not totals:
        return {}

    def add(rows, *columns: str) -> None:
        """Add rows of (staff id, figure, figure …) to the `columns` of the person's unit."""
        at = [keys.index(c) for c in columns]
        for staff_id, *figures in rows:
            unit_id = unit_of.get(staff_id)
            if unit_id is None:  # not active, or in no unit during the period
                continue
            row = totals[unit_id]
            for i, figure in zip(at, figures, strict=True):
                row[i] += figure or 0

    # Mandatory courses and certificates: enrollments in classes ending in the period (not cancelled).
    confirmed = Q(status=EnrollmentStatus.CONFIRMED)
    mandatory = Q(training_class__course__is_mandatory=True)
    assessed = (
        Q(training_class__status=ClassStatus.COMPLETED)
        & Q(training_class__course__issues_certificate=True)
        & ~Q(outcome="")
    )
    add(
        Enrollment.objects.filter(training_class__end_date__gte=start, training_class__end_date__lte=end)
        .exclude(training_class__status=ClassStatus.CANCELLED)
        .order_by()
        .values("staff_id")
        .annotate(
            mandatory_enrolled=Count("pk", filter=confirmed & mandatory),
            mandatory_completed=Count("pk", filter=confirmed & mandatory & Q(outcome=Outcome.COMPLETED)),
            assessed=Count("pk", filter=assessed),
            certified=Count("pk", filter=assessed & Q(certificate__isnull=False)),
        )
        .values_list("staff_id", "mandatory_enrolled", "mandatory_completed", "assessed", "certified"),
        "mandatory_enrolled",
        "mandatory_completed",
        "assessed",
        "certified",
    )

    # Attendance rate: per confirmed enrollment of a class (not cancelled) with sessions held in the period, the
    # planned minutes of those sessions and the minutes marked in them (marks belong to sessions of the
    # enrollment's own class). Each is summed once per class / per enrollment (materialised CTEs, one pass over
    # the sessions and one over the marks), then joined to the enrollments: a correlated subquery per
    # enrollment cost 120,000 index walks on PostgreSQL.
    held_until = min(end, timezone.localdate())
    held = Q(date__gte=start, date__lte=held_until)
    counted = Enrollment.objects.filter(confirmed).exclude(training_class__status=ClassStatus.CANCELLED)
    planned = CTE(
        ClassSession.objects.filter(held)
        .order_by()
        .values("training_class_id")
        .annotate(minutes=Sum("planned_minutes")),
        name="planned",
        materialized=True,
    )
    planned_rows = planned.join(counted, training_class_id=planned.col.training_class_id)
    add(
        with_cte(planned, select=planned_rows)
        .order_by()
        .values("staff_id")
        .annotate(planned_minutes=Sum(planned.col.minutes))
        .values_list("staff_id", "planned_minutes"),
        "planned_minutes",
    )
    held_sessions = ClassSession.objects.filter(date__gte=start, date__lte=held_until).values("pk")
    marked = CTE(
        Attendance.objects.filter(In(NotIndexed(F("session_id")), held_sessions))
        .order_by()
        .values("enrollment_id")
        .annotate(minutes=Sum("minutes")),
        name="marked",
        materialized=True,
    )
    attended_rows = marked.join(counted, id=marked.col.enrollment_id)
    add(
        with_cte(marked, select=attended_rows)
        .order_by()
        .values("staff_id")
        .annotate(attended_minutes=Sum(marked.col.minutes))
        .values_list("staff_id", "attended_minutes"),
        "attended_minutes",
    )
    return {unit_id: CapabilityFacts(unit_id, *row) for unit_id, row in totals.items()}


# ------------------------------------------------------------------------------------ calendar feeds
def calendar_sessions_for_user(*, user, since: dt.date | None = None) -> QuerySet[ClassSession]:
    """Sessions of classes the user is enrolled in (nominated, confirmed or waitlisted) or teaches."""
    since = since or timezone.localdate() - dt.timedelta(days=180)
    mine = Enrollment.objects.filter(
        staff__user=user,
        status__in=[EnrollmentStatus.NOMINATED, EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED],
    ).values("training_class_id")
    taught = TrainingClass.trainer_users.through.objects.filter(user_id=user.pk).values("trainingclass_id")
    return (
        ClassSession.objects.filter(Q(training_class_id__in=mine) | Q(training_class_id__in=taught), date__gte=since)
        .select_related("training_class__course", "training_class__unit")
        .order_by("date", "start_time")
    )


def calendar_sessions_for_unit(
    *, user, unit_id: int, since: dt.date | None = None
) -> tuple[Unit, QuerySet[ClassSession]]:
    """Sessions of classes organised in a unit's subtree, as far as the user may see them; 404 outside scope."""
    from staff.access import subtree_bounds

    unit = get_object_or_404(Unit.objects.visible_to(user, TRAINING_READ), pk=unit_id)
    low, high = subtree_bounds(unit.path)
    since = since or timezone.localdate() - dt.timedelta(days=180)
    sessions = (
        ClassSession.objects.filter(
            training_class__in=TrainingClass.objects.visible_to(user).values("pk"),
            training_class__unit__path__gte=low,
            training_class__unit__path__lt=high,
            date__gte=since,
        )
        .select_related("training_class__course", "training_class__unit")
        .order_by("date", "start_time")
    )
    return unit, sessions
