"""Roll call: a session's whole attendance written at once, with the offline sync protocol
(client_uuid + content hash, expected version)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from training.models import (
    ABSENT,
    ROLL_CALL_STATUSES,
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    AttendanceSubmission,
    ClassSession,
    ClassStatus,
    Enrollment,
    EnrollmentStatus,
    TrainingClass,
)


class SyncError(Exception):
    """Base for the sync protocol answers that are not 200/400."""

    status_code = 400
    code = "error"

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.message = message
        self.current = current


class SyncConflict(SyncError):
    status_code = 409
    code = "conflict"


class SyncStale(SyncError):
    status_code = 412
    code = "stale"


class SyncForbidden(SyncError):
    status_code = 403
    code = "forbidden"


@dataclass
class AttendanceSave:
    body: dict
    replayed: bool = False


def default_minutes(status: str, planned: int) -> int:
    return 0 if status in ABSENT else planned


def session_attendance_body(session: ClassSession, marks: list[tuple[int, str, int]]) -> dict:
    return {
        "session": session.pk,
        "version": session.attendance_version,
        "planned_minutes": session.planned_minutes,
        "marks": [{"enrollment": e, "status": s, "minutes": m} for e, s, m in sorted(marks)],
    }


def session_attendance_current(session: ClassSession) -> dict:
    marks = list(Attendance.objects.filter(session=session).values_list("enrollment_id", "status", "minutes"))
    return session_attendance_body(session, marks)


def attendance_save(
    *,
    actor,
    session_id: int,
    marks: list[dict],
    expected_version: int | None = None,
    client_uuid: uuid.UUID | None = None,
    content_hash: str = "",
    reason: str = "",
) -> AttendanceSave:
    """Write the whole roll call of a session in one transaction and a constant number of queries.

    Sync protocol: the same `client_uuid` with the same `content_hash` answers the first answer again; with a
    different hash it is a conflict (409); an `expected_version` that is not the current attendance version is
    stale (412). Raises ClassSession.DoesNotExist when the session is not one the actor may mark."""
    try:
        with transaction.atomic():
            return _attendance_save(
                actor=actor,
                session_id=session_id,
                marks=marks,
                expected_version=expected_version,
                client_uuid=client_uuid,
                content_hash=content_hash,
                reason=reason,
            )
    except IntegrityError:
        # A concurrent request with the same client_uuid won the race (the unique constraint refused ours and
        # everything of ours was rolled back): re-read and answer as the first one did.
        if client_uuid is None:
            raise
        with transaction.atomic():
            session = _locked_session(actor, session_id)
            sub = AttendanceSubmission.objects.filter(client_uuid=client_uuid).first()
            if sub is None:
                raise
            return _replay(sub, actor=actor, session=session, content_hash=content_hash)


def _locked_session(actor, session_id) -> ClassSession:
    sessions = ClassSession.objects.select_for_update(of=("self",)).select_related("training_class__course")
    sessions = sessions.filter(training_class__in=TrainingClass.objects.attendable_by(actor).values("pk"))
    return sessions.get(pk=session_id)


def _replay(sub: AttendanceSubmission, *, actor, session: ClassSession, content_hash: str) -> AttendanceSave:
    if sub.session_id != session.pk or sub.submitted_by_id not in (None, actor.pk):
        raise SyncForbidden(_("This submission belongs to another user or another session."))
    if sub.content_hash != content_hash:
        raise SyncConflict(
            _("This submission was already received with different content."),
            current=session_attendance_current(session),
        )
    return AttendanceSave(body=sub.response, replayed=True)


def _attendance_save(
    *, actor, session_id, marks, expected_version, client_uuid, content_hash, reason
) -> AttendanceSave:
    session = _locked_session(actor, session_id)
    cls = session.training_class
    if client_uuid is not None:
        sub = AttendanceSubmission.objects.filter(client_uuid=client_uuid).first()
        if sub is not None:
            return _replay(sub, actor=actor, session=session, content_hash=content_hash)
    if expected_version is not None and expected_version != session.attendance_version:
        raise SyncStale(
            _("Someone else saved this roll call in the meantime."), current=session_attendance_current(session)
        )
    if cls.status not in ROLL_CALL_STATUSES:
        raise ValidationError(_("Attendance can only be taken for a class that is open, in progress or completed."))
    if session.date > timezone.localdate():
        raise ValidationError(
            {
                "session": _("This session is on %(date)s, in the future; attendance cannot be marked yet.")
                % {"date": f"{session.date:%d/%m/%Y}"}
            }
        )
    after_completion = cls.status == ClassStatus.COMPLETED
    reason = (reason or "").strip()
    if after_completion and not reason:
        raise ValidationError({"reason": _("The class is completed: give a reason for the change.")})

    roster = {
        row["pk"]: row
        for row in Enrollment.objects.filter(training_class_id=cls.pk)
        .annotate(mark=FilteredRelation("marks", condition=Q(marks__session_id=session.pk)))
        .values("pk", "status", "staff__full_name", "mark__pk", "mark__status", "mark__minutes")
    }
    planned = session.planned_minutes
    errors, cleaned, seen, strangers = [], [], set(), []
    for index, mark in enumerate(marks, 1):
        raw_id = mark.get("enrollment")
        try:
            enrollment_id = int(raw_id)
        except (TypeError, ValueError):
            errors.append(_("Line %(n)s: “%(value)s” is not an enrollment.") % {"n": index, "value": raw_id})
            continue
        row = roster.get(enrollment_id)
        if row is None or row["status"] != EnrollmentStatus.CONFIRMED:
            strangers.append((index, enrollment_id, row["staff__full_name"] if row else None))
            errors.append(None)  # filled in below, with the person's name
            continue
        if enrollment_id in seen:
            errors.append(_("Line %(n)s: %(who)s appears twice.") % {"n": index, "who": row["staff__full_name"]})
            continue
        seen.add(enrollment_id)
        status = mark.get("status")
        if status not in AttendanceStatus.values:
            errors.append(_("Line %(n)s: “%(value)s” is not an attendance status.") % {"n": index, "value": status})
            continue
        minutes = mark.get("minutes")
        if minutes in (None, ""):
            minutes = default_minutes(status, planned)
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            errors.append(_("Line %(n)s: “%(value)s” is not a number of minutes.") % {"n": index, "value": minutes})
            continue
        if minutes < 0 or minutes > planned:
            errors.append(
                _("Line %(n)s: minutes attended must be between 0 and the %(planned)s minutes of the session.")
                % {"n": index, "planned": planned}
            )
            continue
        if status in ABSENT and minutes:
            errors.append(_("Line %(n)s: an absence cannot have minutes attended.") % {"n": index})
            continue
        cleaned.append((enrollment_id, status, minutes, row))
    if errors:
        names = dict(
            Enrollment.objects.filter(pk__in=[i for _n, i, who in strangers if who is None]).values_list(
                "pk", "staff__full_name"
            )
        )
        messages = iter(
            _("Line %(n)s: %(who)s is not enrolled in this class.") % {"n": n, "who": who or names.get(i, i)}
            for n, i, who in strangers
        )
        raise ValidationError({"marks": [m if m is not None else next(messages) for m in errors]})

    now = timezone.now()
    user = actor
    to_create, to_update, changes = [], [], []
    result = {pk: (row["mark__status"], row["mark__minutes"]) for pk, row in roster.items() if row["mark__pk"]}
    for enrollment_id, status, minutes, row in cleaned:
        if row["mark__pk"] is None:
            to_create.append(
                Attendance(
                    session_id=session.pk,
                    enrollment_id=enrollment_id,
                    status=status,
                    minutes=minutes,
                    marked_by=user,
                    marked_at=now,
                )
            )
        elif (row["mark__status"], row["mark__minutes"]) != (status, minutes):
            mark = Attendance(
                pk=row["mark__pk"],
                session_id=session.pk,
                enrollment_id=enrollment_id,
                status=status,
                minutes=minutes,
                marked_by=user,
                marked_at=now,
            )
            to_update.append(mark)
            changes.append(
                AttendanceChange(
                    attendance=mark,
                    at=now,
                    actor=user,
                    from_status=row["mark__status"],
                    to_status=status,
                    from_minutes=row["mark__minutes"],
                    to_minutes=minutes,
                    reason=reason[:500],
                    after_completion=after_completion,
                )
            )
        result[enrollment_id] = (status, minutes)
    if to_create:
        audit.bulk_create(Attendance, to_create, actor=user, batch_size=1000)
    if to_update:
        audit.bulk_update(
            Attendance, to_update, ["status", "minutes", "marked_by", "marked_at"], actor=user, batch_size=1000
        )
        audit.bulk_create(AttendanceChange, changes, actor=user, batch_size=1000)
    session.attendance_version += 1
    session.save(update_fields=["attendance_version", "updated_at"])
    body = session_attendance_body(session, [(k, s, m) for k, (s, m) in result.items()])
    if client_uuid is not None:
        # The unique constraint is the last word on replays: a duplicate raises IntegrityError, which rolls back
        # this whole save (see attendance_save).
        AttendanceSubmission.objects.create(
            client_uuid=client_uuid, content_hash=content_hash, session=session, submitted_by=user, response=body
        )
    return AttendanceSave(body=body)
