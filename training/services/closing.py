"""Closing a class: outcomes from attendance and score, certificates for those who qualify."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.permissions import Perm
from staff.access import require
from training.models import (
    ABSENT,
    AttendanceStatus,
    Certificate,
    CertificateCounter,
    ClassStatus,
    Course,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    Outcome,
    TrainingClass,
)
from training.requirements import attended_periods
from training.services.common import bump_version
from training.services.enrollment import _parse_score, enrollment_event, lock_class


@dataclass
class CloseSummary:
    completed: int = 0
    not_completed: int = 0
    no_show: int = 0
    certificates: list[Certificate] = field(default_factory=list)


def enrollment_outcome(
    *, course: Course, attended: int, excused: int, planned: int, present_marks: int, score: Decimal | None
) -> tuple[str, int]:
    """(outcome, counted minutes). Completion = counted minutes ÷ planned minutes over all sessions, against the
    course's minimum attendance; excused absences count as attended only if the course says so; a course with a
    pass mark also needs a score at or above it."""
    counted = attended + (excused if course.excused_counts_as_attended else 0)
    if present_marks == 0:
        return Outcome.NO_SHOW, counted
    attended_enough = planned > 0 and counted * 100 >= course.min_attendance_percent * planned
    passed = course.pass_mark is None or (score is not None and score >= course.pass_mark)
    return (Outcome.COMPLETED if attended_enough and passed else Outcome.NOT_COMPLETED), counted


def _allocate_serials(year: int, count: int) -> int:
    """Reserve `count` consecutive serials for `year`; returns the first. The counter row is locked, so concurrent
    closings queue up: no gaps, no duplicates."""
    counter = CertificateCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                CertificateCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass
        counter = CertificateCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def class_close(
    *, actor, training_class: TrainingClass, scores: dict | None = None, issued_on: dt.date | None = None
) -> CloseSummary:
    """Compute every confirmed enrollment's outcome, issue certificates with yearly serials, complete the class."""
    cls = lock_class(training_class)
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    if cls.status != ClassStatus.IN_PROGRESS:
        raise ValidationError(_("Only a class in progress can be closed."))
    today = timezone.localdate()
    totals = cls.sessions.aggregate(
        planned=Sum("planned_minutes"), periods=Sum("periods"), last=Max("date"), n=Count("pk")
    )
    if not totals["n"]:
        raise ValidationError(_("The class has no sessions."))
    if totals["last"] > today:
        raise ValidationError(_("The class still has sessions in the future."))
    planned, planned_periods = totals["planned"] or 0, totals["periods"] or 0
    parsed = {int(k): _parse_score(v) for k, v in (scores or {}).items()}
    rows = list(
        cls.enrollments.filter(status=EnrollmentStatus.CONFIRMED)
        .select_related("staff")
        .annotate(
            att=Sum("marks__minutes"),
            excused=Sum("marks__session__planned_minutes", filter=Q(marks__status=AttendanceStatus.EXCUSED)),
            present=Count("marks", filter=~Q(marks__status__in=ABSENT)),
        )
    )
    unknown = set(parsed) - {e.pk for e in rows}
    if unknown:
        raise ValidationError({"scores": _("Scores were given for people who are not confirmed in this class.")})
    summary = CloseSummary()
    events, qualified = [], []
    for e in rows:
        if e.pk in parsed:
            if parsed[e.pk] != e.score:
                events.append(
                    enrollment_event(
                        e,
                        actor,
                        "" if e.score is None else str(e.score),
                        "" if parsed[e.pk] is None else str(parsed[e.pk]),
                        "",
                        fld="score",
                    )
                )
            e.score = parsed[e.pk]
        outcome, counted = enrollment_outcome(
            course=cls.course,
            attended=e.att or 0,
            excused=e.excused or 0,
            planned=planned,
            present_marks=e.present,
            score=e.score,
        )
        events.append(enrollment_event(e, actor, e.outcome, outcome, _("Class closed"), fld="outcome"))
        e.outcome, e.attended_minutes, e.planned_minutes = outcome, counted, planned
        e.planned_periods = planned_periods
        e.attended_periods = attended_periods(
            planned_periods=planned_periods, counted_minutes=counted, planned_minutes=planned
        )
        bump_version(e)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if outcome == Outcome.COMPLETED and cls.course.issues_certificate:
            qualified.append(e)
    audit.bulk_update(
        Enrollment,
        rows,
        ["score", "outcome", "attended_minutes", "planned_minutes", "attended_periods", "planned_periods", "version"],
        actor=actor,
    )
    audit.bulk_create(EnrollmentEvent, events, actor=actor)
    issued_on = issued_on or today
    already = set(Certificate.objects.filter(enrollment__in=qualified).values_list("enrollment_id", flat=True))
    qualified = [e for e in qualified if e.pk not in already]
    if qualified:
        qualified.sort(key=lambda e: (e.staff.search_name, e.staff.staff_code))
        first = _allocate_serials(issued_on.year, len(qualified))
        months = cls.course.certificate_validity_months
        certs = [
            Certificate(
                enrollment=e,
                serial_year=issued_on.year,
                serial_no=first + i,
                number=Certificate.format_number(issued_on.year, first + i),
                issued_on=issued_on,
                valid_until=_add_months(issued_on, months) if months else None,
                issued_by=actor,
            )
            for i, e in enumerate(qualified)
        ]
        summary.certificates = audit.bulk_create(Certificate, certs, actor=actor)
    cls.status, cls.completed_at = ClassStatus.COMPLETED, timezone.now()
    bump_version(cls)
    cls.save(update_fields=["status", "completed_at", "version", "updated_at"])
    return summary


def certificate_revoke(*, actor, certificate: Certificate, reason: str, on: dt.date | None = None) -> Certificate:
    """Revokes a certificate (issued in error, or withdrawn): from then on its public verification page says
    "revoked" with the date. Needs training management over the class's unit and a reason; the change is
    kept in the audit trail with who did it. Revoking twice is refused."""
    require(actor, Perm.TRAINING_MANAGE, certificate.enrollment.training_class.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.revoked_on:
            raise ValidationError(
                _("This certificate was already revoked on %(day)s.") % {"day": cert.revoked_on.strftime("%d/%m/%Y")}
            )
        cert.revoked_on = on or timezone.localdate()
        cert.revoke_reason = reason
        cert.revoked_by = actor if getattr(actor, "pk", None) else None
        cert._history_user = cert.revoked_by
        cert.save(update_fields=["revoked_on", "revoke_reason", "revoked_by"])
    return cert
