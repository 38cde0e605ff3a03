"""Reads of the catalogue, classes, sessions, enrollments, certificates, the attendance register,
external training and rules; the year plan and a class's attendance matrix. Querysets come back scoped, with
their joins done."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from training.filters import (
    AttendanceRecordFilterSet,
    CertificateFilterSet,
    CourseFilterSet,
    EnrollmentFilterSet,
    SessionFilterSet,
    TrainingClassFilterSet,
)
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
    ExternalTraining,
    TrainingClass,
    TrainingRequirement,
)


def course_list(*, user, filters=None, request=None) -> QuerySet[Course]:

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


def _enrollment_count(status) -> Coalesce:
    """Enrollments of the row's class in `status`: a correlated count over the (class, status) index, so a
    page of classes counts only the classes on it, not every class before the sort."""
    counted = (
        Enrollment.objects.filter(training_class=OuterRef("pk"), status=status)
        .order_by()
        .values("training_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def class_list(*, user, filters=None, request=None) -> QuerySet[TrainingClass]:

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

    qs = Certificate.objects.visible_to(user).select_related(
        "enrollment__staff__unit", "enrollment__training_class__course", "enrollment__training_class__unit"
    )
    if filters is not None:
        qs = CertificateFilterSet(filters, queryset=qs, request=request).qs
    return qs


def attendance_records(*, user, filters=None, request=None) -> QuerySet[Attendance]:
    """The attendance register: every mark the user may see (a class organised in their training scope, a
    person of their scope, or their own marks), newest session first, then the session's people in
    nomination order, with the class, course, units and person joined for the page (a count or values()
    drops those joins). The page walks the session (date, id) index instead of sorting every mark."""
    qs = (
        Attendance.objects.visible_to(user)
        .select_related("session__training_class__course", "session__training_class__unit", "enrollment__staff__unit")
        .order_by("-session__date", "-session_id", "enrollment_id")
    )
    if filters is not None:
        qs = AttendanceRecordFilterSet(filters, queryset=qs, request=request).qs
    return qs


def certificate_get(*, user, pk: int) -> Certificate:
    return get_object_or_404(certificate_list(user=user), pk=pk)


def certificate_public(*, code: str) -> Certificate:
    """The public verification page: only what a certificate states, found by its random code (a serial
    number alone finds nothing, so holders cannot be listed by counting)."""
    return get_object_or_404(
        Certificate.objects.select_related("enrollment__staff", "enrollment__training_class__course"),
        verify_code=code,
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
