"""Reminder sources. Each reads one app's records and yields (Reminder, e-mail address) pairs; the
unique key (recipient, kind, object, occasion) makes running them again harmless.

- training: sessions starting in 7 days and in 1 day (confirmed enrollees); nomination, confirmation,
  waitlist and withdrawal changes (from the enrollment history);
- inspections: corrective actions due within REMINDER_DAYS_BEFORE_DUE days and overdue (responsible
  person and the unit's heads); assigned inspections due within that many days (lead and team).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inspections.models import (
    OPEN_ACTION_STATUSES,
    Assignment,
    AssignmentMember,
    CorrectiveAction,
    InspectionStatus,
)
from notifications.models import NotificationKind
from staff.selectors import unit_heads
from training.models import ClassSession, ClassStatus, Enrollment, EnrollmentEvent, EnrollmentStatus


@dataclass(frozen=True)
class Reminder:
    """What to tell whom, about which record, on which occasion (the unique key)."""

    recipient_id: int
    kind: str
    object_ref: str
    occasion: str
    title: str
    body: str = ""
    url: str = ""


Pair = tuple[Reminder, str]


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the screen is not there (yet): the notification still says what to do
        return ""


def _date(value: dt.date) -> str:
    return formats.date_format(value, "d/m/Y")


# ------------------------------------------------------------------------------------ training
def class_sessions(today: dt.date, now: dt.datetime) -> Iterator[Pair]:
    for days, kind in ((7, NotificationKind.CLASS_WEEK), (1, NotificationKind.CLASS_DAY)):
        day = today + dt.timedelta(days=days)
        sessions = list(
            ClassSession.objects.filter(date=day)
            .exclude(training_class__status=ClassStatus.CANCELLED)
            .select_related("training_class__course")
            .order_by("start_time", "pk")
        )
        if not sessions:
            continue
        enrolled = defaultdict(list)
        rows = Enrollment.objects.filter(
            training_class_id__in={s.training_class_id for s in sessions},
            status=EnrollmentStatus.CONFIRMED,
            staff__user__isnull=False,
            staff__user__is_active=True,
        ).select_related("staff__user")
        for enrollment in rows:
            enrolled[enrollment.training_class_id].append(enrollment)
        for session in sessions:
            klass = session.training_class
            when = {
                "course": klass.course.title,
                "code": klass.code,
                "date": _date(session.date),
                "time": session.start_time.strftime("%H:%M"),
                "venue": klass.venue or "—",
            }
            if days == 7:
                title = _("In one week: %(course)s (%(code)s), %(date)s at %(time)s") % when
            else:
                title = _("Tomorrow: %(course)s (%(code)s), %(date)s at %(time)s") % when
            body = _("Class %(code)s – %(course)s. Session on %(date)s at %(time)s. Venue: %(venue)s.") % when
            for enrollment in enrolled[klass.pk]:
                user = enrollment.staff.user
                yield (
                    Reminder(
                        user.pk,
                        kind,
                        f"training.classsession:{session.pk}",
                        session.date.isoformat(),
                        title,
                        body,
                        _url("training:my-record"),
                    ),
                    user.email or enrollment.staff.email,
                )


ENROLLMENT_TITLES = {
    "nominated": gettext_noop("You were nominated for class %(code)s – %(course)s"),
    "confirmed": gettext_noop("Your place in class %(code)s – %(course)s is confirmed"),
    "waitlisted": gettext_noop("You are on the waiting list for class %(code)s – %(course)s"),
    "withdrawn": gettext_noop("Your enrollment in class %(code)s – %(course)s was withdrawn"),
    "cancelled": gettext_noop("Your enrollment in class %(code)s – %(course)s was cancelled"),
}


def enrollment_changes(today: dt.date, now: dt.datetime) -> Iterator[Pair]:
    since = now - dt.timedelta(days=settings.REMINDER_LOOKBACK_DAYS)
    events = (
        EnrollmentEvent.objects.filter(at__gte=since, field="status", to_value__in=list(ENROLLMENT_TITLES))
        .filter(enrollment__staff__user__isnull=False, enrollment__staff__user__is_active=True)
        .select_related("enrollment__staff__user", "enrollment__training_class__course")
        .order_by("at", "pk")
    )
    for event in events:
        enrollment = event.enrollment
        klass = enrollment.training_class
        values = {
            "code": klass.code,
            "course": klass.course.title,
            "date": _date(klass.start_date),
            "position": enrollment.waitlist_position or "—",
        }
        title = _(ENROLLMENT_TITLES[event.to_value]) % values
        body = _("The class starts on %(date)s.") % values
        if event.to_value == "waitlisted":
            body += " " + _("Your place on the waiting list: %(position)s.") % values
        if event.reason:
            body += " " + _("Reason: %(reason)s") % {"reason": event.reason}
        user = enrollment.staff.user
        yield (
            Reminder(
                user.pk,
                NotificationKind.ENROLLMENT,
                f"training.enrollment:{enrollment.pk}",
                f"event:{event.pk}",
                title,
                body,
                _url("training:my-record"),
            ),
            user.email or enrollment.staff.email,
        )


# --------------------------------------------------------------------------------- inspections
def corrective_actions(today: dt.date, now: dt.datetime) -> Iterator[Pair]:
    horizon = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    actions = list(
        CorrectiveAction.objects.filter(status__in=OPEN_ACTION_STATUSES, due_date__lte=horizon)
        .select_related("unit", "responsible_person__user")
        .order_by("due_date", "pk")
    )
    heads = unit_heads(unit_ids={a.unit_id for a in actions})
    for action in actions:
        overdue = action.due_date < today
        kind = NotificationKind.ACTION_OVERDUE if overdue else NotificationKind.ACTION_DUE
        values = {"what": action.description[:80], "unit": action.unit.name, "date": _date(action.due_date)}
        if overdue:
            title = _("Overdue corrective action (due %(date)s): %(what)s") % values
        else:
            title = _("Corrective action due on %(date)s: %(what)s") % values
        body = _("Responsible unit: %(unit)s. Due date: %(date)s.") % values
        recipients = {}
        person = action.responsible_person
        if person is not None and person.user_id and person.user.is_active:
            recipients[person.user_id] = person.user.email or person.email
        for user in heads[action.unit_id]:
            recipients.setdefault(user.pk, user.email)
        for user_id, email in recipients.items():
            yield (
                Reminder(
                    user_id,
                    kind,
                    f"inspections.correctiveaction:{action.pk}",
                    f"due:{action.due_date.isoformat()}",
                    title,
                    body,
                    _url("inspections:action-detail", action.pk),
                ),
                email,
            )


def assignments_due(today: dt.date, now: dt.datetime) -> Iterator[Pair]:
    horizon = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    assignments = list(
        Assignment.objects.filter(due_date__gte=today, due_date__lte=horizon)
        .exclude(inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.APPROVED])
        .select_related("unit", "lead", "template_version__template")
        .order_by("due_date", "pk")
    )
    members = defaultdict(list)
    for member in AssignmentMember.objects.filter(
        assignment_id__in=[a.pk for a in assignments], user__is_active=True
    ).select_related("user"):
        members[member.assignment_id].append(member.user)
    heads = unit_heads(unit_ids={a.unit_id for a in assignments if a.is_self})
    for assignment in assignments:
        values = {
            "unit": assignment.unit.name,
            "date": _date(assignment.due_date),
            "template": str(assignment.template_version.template),
        }
        title = _("Inspection of %(unit)s due on %(date)s") % values
        body = _("Checklist: %(template)s. Unit: %(unit)s. Due date: %(date)s.") % values
        people = list(members[assignment.pk])
        if assignment.lead is not None and assignment.lead.is_active:
            people.insert(0, assignment.lead)
        if assignment.is_self:
            people += heads[assignment.unit_id]
        seen = set()
        for user in people:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            yield (
                Reminder(
                    user.pk,
                    NotificationKind.INSPECTION_DUE,
                    f"inspections.assignment:{assignment.pk}",
                    f"due:{assignment.due_date.isoformat()}",
                    title,
                    body,
                    _url("inspections:assignment-detail", assignment.pk),
                ),
                user.email,
            )


def assessment_deadlines(today: dt.date, now: dt.datetime) -> Iterator[Pair]:
    """Open self-assessment rounds whose deadline is within REMINDER_DAYS_BEFORE_DUE days: the heads of
    every unit that has not submitted yet (h18b)."""
    from core.permissions import Role
    from scorecards.models import AssessmentRound, AssessmentStatus, RoundStatus, UnitAssessment
    from staff.models import RoleAssignment

    horizon = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    open_rounds = list(
        AssessmentRound.objects.filter(status=RoundStatus.OPEN, deadline__gte=today, deadline__lte=horizon)
    )
    if not open_rounds:
        return
    head_units = set(
        RoleAssignment.objects.filter(role=Role.UNIT_HEAD, user__is_active=True).values_list("unit_id", flat=True)
    )
    heads = unit_heads(unit_ids=head_units)
    for round_ in open_rounds:
        done = set(
            UnitAssessment.objects.filter(round=round_)
            .exclude(status=AssessmentStatus.DRAFT)
            .values_list("unit_id", flat=True)
        )
        values = {"period": round_.period, "date": _date(round_.deadline)}
        title = _("Self-assessment for %(period)s due on %(date)s") % values
        for unit_id in sorted(head_units - done):
            url = _url("scorecards:assessment", round_.pk, unit_id)
            for user in heads[unit_id]:
                yield (
                    Reminder(
                        user.pk,
                        NotificationKind.OTHER,
                        f"scorecards.unitassessment:{round_.pk}-{unit_id}",
                        f"due:{round_.deadline.isoformat()}",
                        title,
                        _("Review the computed values, score the self-assessed criteria with evidence and submit."),
                        url,
                    ),
                    user.email,
                )


SOURCES = {
    "class_sessions": ("training", class_sessions),
    "enrollment_changes": ("training", enrollment_changes),
    "corrective_actions": ("inspections", corrective_actions),
    "assignments_due": ("inspections", assignments_due),
    "assessment_deadlines": ("scorecards", assessment_deadlines),
}
