"""Every write in training. Keyword-only, atomic, validated; every enrollment change leaves an event.

Bulk writes go through `core.audit` so the audit trail is kept; no `QuerySet.update()` on audited data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, FilteredRelation, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.permissions import Perm, has_perm
from core.text import fold
from staff.access import require, unit_scope_q
from staff.models import Staff, StaffStatus, Unit
from training.models import (
    ABSENT,
    ACTIVE_ENROLLMENT,
    CLASS_TRANSITIONS,
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    AttendanceSubmission,
    CalendarToken,
    Certificate,
    CertificateCounter,
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
)

COURSE_FIELDS = (
    "title",
    "title_en",
    "category",
    "mode",
    "planned_minutes",
    "target_groups",
    "is_mandatory",
    "min_attendance_percent",
    "pass_mark",
    "excused_counts_as_attended",
    "issues_certificate",
    "certificate_validity_months",
    "legal_basis",
    "active",
)
CLASS_FIELDS = ("venue", "trainers", "capacity", "registration_deadline", "start_date", "end_date", "notes")
SESSION_FIELDS = ("date", "start_time", "end_time", "topic", "trainer")


def _bump(obj) -> None:
    obj.version = (obj.version or 0) + 1


# ------------------------------------------------------------------------------------ courses
@transaction.atomic
def course_create(
    *, actor, code: str, title: str, category: str, planned_minutes: int, owner_unit: Unit, **fields
) -> Course:
    require(actor, Perm.TRAINING_MANAGE, owner_unit)
    course = Course(
        code=code.strip(),
        title=title.strip(),
        category=category,
        planned_minutes=planned_minutes,
        owner_unit=owner_unit,
    )
    for key in COURSE_FIELDS:
        # An empty value clears a nullable field (e.g. no pass mark: the course has no assessment).
        if key in fields and (fields[key] is not None or Course._meta.get_field(key).null):
            setattr(course, key, fields[key])
    course.search_title = fold(f"{course.code} {course.title} {course.title_en}")
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_update(*, actor, course: Course, **changes) -> Course:
    require(actor, Perm.TRAINING_MANAGE, course.owner_unit)
    owner = changes.pop("owner_unit", None)
    if owner is not None and owner.pk != course.owner_unit_id:
        require(actor, Perm.TRAINING_MANAGE, owner)
        course.owner_unit = owner
    changes.pop("code", None)
    for key, value in changes.items():
        if key not in COURSE_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
        setattr(course, key, value)
    course.search_title = fold(f"{course.code} {course.title} {course.title_en}")
    course.full_clean()
    course.save()
    return course


# ------------------------------------------------------------------------------------ classes
def _check_class_dates(start, end, deadline=None) -> None:
    if start and end and end < start:
        raise ValidationError({"end_date": _("The class ends before it starts.")})
    if deadline and end and deadline > end:
        raise ValidationError({"registration_deadline": _("The registration deadline is after the class ends.")})


@transaction.atomic
def class_create(
    *,
    actor,
    course: Course,
    code: str,
    unit: Unit,
    capacity: int,
    start_date: dt.date,
    end_date: dt.date,
    trainer_users=(),
    **fields,
) -> TrainingClass:
    require(actor, Perm.TRAINING_MANAGE, unit)
    if not Course.objects.visible_to(actor).filter(pk=course.pk).exists():
        raise ValidationError({"course": _("This course is not offered to your units.")})
    _check_class_dates(start_date, end_date, fields.get("registration_deadline"))
    if not course.active:
        raise ValidationError({"course": _("This course is no longer active.")})
    obj = TrainingClass(
        course=course, code=code.strip(), unit=unit, capacity=capacity, start_date=start_date, end_date=end_date
    )
    for key in CLASS_FIELDS:
        if key in fields and fields[key] is not None:
            setattr(obj, key, fields[key])
    obj.full_clean()
    obj.save()
    if trainer_users:
        obj.trainer_users.set(trainer_users)
    return obj


@transaction.atomic
def class_update(
    *, actor, training_class: TrainingClass, expected_version: int | None = None, trainer_users=None, **changes
) -> TrainingClass:
    obj = (
        TrainingClass.objects.select_for_update(of=("self",)).select_related("unit", "course").get(pk=training_class.pk)
    )
    require(actor, Perm.TRAINING_MANAGE, obj.unit)
    if expected_version is not None and expected_version != obj.version:
        raise StaleVersion(obj)
    if obj.status in (ClassStatus.COMPLETED, ClassStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled class cannot be changed."))
    unit = changes.pop("unit", None)
    if unit is not None and unit.pk != obj.unit_id:
        require(actor, Perm.TRAINING_MANAGE, unit)
        obj.unit = unit
    for key, value in changes.items():
        if key not in CLASS_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
        setattr(obj, key, value)
    _check_class_dates(obj.start_date, obj.end_date, obj.registration_deadline)
    confirmed = obj.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count()
    if obj.capacity is not None and obj.capacity < confirmed:
        raise ValidationError(
            {"capacity": _("Capacity cannot be below the %(n)s people already confirmed.") % {"n": confirmed}}
        )
    _bump(obj)
    obj.full_clean()
    obj.save()
    if trainer_users is not None:
        obj.trainer_users.set(trainer_users)
    if obj.capacity > confirmed:
        _promote(obj, actor=actor, seats=obj.capacity - confirmed, reason=_("Capacity increased"))
    return obj


@transaction.atomic
def class_set_status(*, actor, training_class: TrainingClass, status: str, reason: str = "") -> TrainingClass:
    obj = TrainingClass.objects.select_for_update(of=("self",)).select_related("unit").get(pk=training_class.pk)
    require(actor, Perm.TRAINING_MANAGE, obj.unit)
    if status not in ClassStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == ClassStatus.COMPLETED:
        raise ValidationError(
            {"status": _("Close the class to complete it: outcomes and certificates are computed then.")}
        )
    if status not in CLASS_TRANSITIONS[obj.status]:
        raise ValidationError(
            {
                "status": _("A class cannot go from “%(old)s” to “%(new)s”.")
                % {"old": ClassStatus(obj.status).label, "new": ClassStatus(status).label}
            }
        )
    if status == ClassStatus.CANCELLED:
        active = list(obj.enrollments.filter(status__in=ACTIVE_ENROLLMENT))
        events = []
        for e in active:
            events.append(_event(e, actor, e.status, EnrollmentStatus.CANCELLED, reason or _("Class cancelled")))
            e.status, e.waitlist_position = EnrollmentStatus.CANCELLED, None
            _bump(e)
        audit.bulk_update(Enrollment, active, ["status", "waitlist_position", "version"], actor=actor)
        audit.bulk_create(EnrollmentEvent, events, actor=actor)
    obj.status = status
    _bump(obj)
    obj.save(update_fields=["status", "version", "updated_at"])
    return obj


# ------------------------------------------------------------------------------------ sessions
def _check_session(obj: ClassSession, cls: TrainingClass) -> None:
    errors = {}
    if obj.start_time and obj.end_time and obj.end_time <= obj.start_time:
        errors["end_time"] = _("The session ends before it starts.")
    if obj.date and not (cls.start_date <= obj.date <= cls.end_date):
        errors["date"] = _("The session date is outside the class dates (%(start)s – %(end)s).") % {
            "start": f"{cls.start_date:%d/%m/%Y}",
            "end": f"{cls.end_date:%d/%m/%Y}",
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(
    *,
    actor,
    training_class: TrainingClass,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    topic: str = "",
    trainer: str = "",
) -> ClassSession:
    cls = TrainingClass.objects.select_for_update(of=("self",)).select_related("unit").get(pk=training_class.pk)
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    if cls.status in (ClassStatus.COMPLETED, ClassStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled class cannot be changed."))
    obj = ClassSession(
        training_class=cls, date=date, start_time=start_time, end_time=end_time, topic=topic, trainer=trainer
    )
    _check_session(obj, cls)
    obj.planned_minutes = ClassSession.minutes_between(start_time, end_time)
    obj.full_clean()
    obj.save()
    _bump(cls)
    cls.save(update_fields=["version", "updated_at"])
    return obj


@transaction.atomic
def session_update(*, actor, session: ClassSession, **changes) -> ClassSession:
    """Reschedule or edit a session. Attendance already taken is kept; a change of date or time raises the
    calendar SEQUENCE so calendar apps update the existing entry."""
    obj = ClassSession.objects.select_for_update(of=("self",)).select_related("training_class__unit").get(pk=session.pk)
    cls = obj.training_class
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    if cls.status in (ClassStatus.COMPLETED, ClassStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled class cannot be changed."))
    before = (obj.date, obj.start_time, obj.end_time)
    for key, value in changes.items():
        if key not in SESSION_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
        setattr(obj, key, value)
    _check_session(obj, cls)
    obj.planned_minutes = ClassSession.minutes_between(obj.start_time, obj.end_time)
    if (obj.date, obj.start_time, obj.end_time) != before:
        obj.sequence += 1
    else:
        obj.sequence += 1 if changes else 0
    obj.full_clean()
    obj.save()
    _bump(cls)
    cls.save(update_fields=["version", "updated_at"])
    return obj


@transaction.atomic
def session_delete(*, actor, session: ClassSession) -> None:
    """Delete a session on which no attendance has been recorded (a mistake, a session dropped from the plan).
    With attendance it is refused and nothing changes: marks are official records. The session row is locked, so a
    roll call saved at the same moment either comes first (and the delete is refused) or finds the session gone.
    The audit trail keeps the deleted session (who, when, what it was)."""
    obj = ClassSession.objects.select_for_update(of=("self",)).select_related("training_class__unit").get(pk=session.pk)
    cls = obj.training_class
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    if cls.status in (ClassStatus.COMPLETED, ClassStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled class cannot be changed."))
    marks = Attendance.objects.filter(session=obj).count()
    if marks:
        raise ValidationError(
            _("Attendance has already been recorded for the session of %(date)s (%(n)s marks); it cannot be deleted.")
            % {"date": f"{obj.date:%d/%m/%Y}", "n": marks}
        )
    obj._history_user = actor
    obj.delete()
    _bump(cls)
    cls.save(update_fields=["version", "updated_at"])


# ------------------------------------------------------------------------------------ enrollments
def _event(enrollment: Enrollment, actor, old: str, new: str, reason: str = "", fld: str = "status") -> EnrollmentEvent:
    return EnrollmentEvent(
        enrollment=enrollment,
        actor=actor,
        field=fld,
        from_value=old or "",
        to_value=new,
        reason=str(reason)[:500],
        at=timezone.now(),
    )


@dataclass
class Nomination:
    enrollments: list[Enrollment] = field(default_factory=list)
    confirmed: int = 0
    waitlisted: int = 0
    warnings: list[str] = field(default_factory=list)


def _lock_class(training_class: TrainingClass) -> TrainingClass:
    return (
        TrainingClass.objects.select_for_update(of=("self",)).select_related("unit", "course").get(pk=training_class.pk)
    )


def _check_open_for_nomination(cls: TrainingClass) -> None:
    if cls.status == ClassStatus.CANCELLED:
        raise ValidationError(_("The class %(code)s is cancelled; nobody can be nominated.") % {"code": cls.code})
    if cls.status == ClassStatus.COMPLETED:
        raise ValidationError(_("The class %(code)s is completed; nobody can be nominated.") % {"code": cls.code})


def registration_closed(cls: TrainingClass, today: dt.date | None = None) -> bool:
    """True once the class's registration deadline (inclusive) has passed; a class without one never closes."""
    return cls.registration_deadline is not None and (today or timezone.localdate()) > cls.registration_deadline


def check_registration_open(cls: TrainingClass, actor) -> None:
    """Nominations (one by one, by unit, from Excel, through the API) end with the registration deadline. Only
    officers who manage the organising unit can nominate at all, and they may move the deadline (edit the class,
    which the audit trail records) to reopen registration for late additions; the deadline itself is never bypassed
    silently."""
    if registration_closed(cls):
        raise ValidationError(
            _(
                "Registration for class %(code)s closed on %(date)s; move the registration deadline to nominate more people."
            )
            % {"code": cls.code, "date": f"{cls.registration_deadline:%d/%m/%Y}"}
        )


@transaction.atomic
def enrollment_nominate(
    *, actor, training_class: TrainingClass, staff: Staff, reason: str = "", confirm: bool = True
) -> Nomination:
    return enrollment_nominate_many(
        actor=actor, training_class=training_class, staff_list=[staff], reason=reason, confirm=confirm
    )


@transaction.atomic
def enrollment_nominate_many(
    *, actor, training_class: TrainingClass, staff_list: list[Staff], reason: str = "", confirm: bool = True
) -> Nomination:
    """Nominate people into a class, all or nothing. With `confirm` they take free seats in order and the rest go
    on the waitlist (FIFO). The class row is locked, so two officers taking the last seat cannot both get it."""
    cls = _lock_class(training_class)
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    _check_open_for_nomination(cls)
    check_registration_open(cls, actor)
    ids = [s.pk for s in staff_list]
    allowed = set(
        Staff.objects.filter(unit_scope_q(actor, Perm.TRAINING_MANAGE, prefix="unit__"), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    existing = {e.staff_id: e for e in Enrollment.objects.filter(training_class=cls, staff_id__in=ids)}
    errors, seen = [], set()
    for s in staff_list:
        label = {"name": s.full_name, "code": s.staff_code}
        if s.pk in seen:
            errors.append(_("%(name)s (%(code)s) is listed twice.") % label)
            continue
        seen.add(s.pk)
        if s.pk not in allowed:
            errors.append(_("%(name)s (%(code)s) is outside your scope.") % label)
        elif s.pk in existing and existing[s.pk].status in ACTIVE_ENROLLMENT:
            errors.append(
                _("%(name)s (%(code)s) is already enrolled in this class (%(status)s).")
                % {**label, "status": EnrollmentStatus(existing[s.pk].status).label}
            )
        elif s.status != StaffStatus.ACTIVE:
            errors.append(_("%(name)s (%(code)s) is no longer active.") % label)
    if errors:
        raise ValidationError(errors)

    counts = cls.enrollments.aggregate(
        confirmed=Count("pk", filter=Q(status=EnrollmentStatus.CONFIRMED)),
        last=Max("waitlist_position", filter=Q(status=EnrollmentStatus.WAITLISTED)),
    )
    free = max(cls.capacity - counts["confirmed"], 0)
    position = counts["last"] or 0
    result = Nomination()
    to_create, to_update, events = [], [], []
    now = timezone.now()
    before: dict[int, str] = {}
    for s in staff_list:
        enrollment = existing.get(s.pk)
        before[s.pk] = enrollment.status if enrollment else ""
        if enrollment is None:
            enrollment = Enrollment(
                training_class=cls, staff=s, nominated_by=actor, created_at=now, updated_at=now
            )
            to_create.append(enrollment)
        else:
            _bump(enrollment)
            enrollment.outcome, enrollment.score = "", None
            enrollment.nominated_by, enrollment.updated_at = actor, now
            to_update.append(enrollment)
        if not confirm:
            enrollment.status, enrollment.waitlist_position = EnrollmentStatus.NOMINATED, None
        elif free > 0:
            enrollment.status, enrollment.waitlist_position = EnrollmentStatus.CONFIRMED, None
            free -= 1
            result.confirmed += 1
        else:
            position += 1
            enrollment.status, enrollment.waitlist_position = EnrollmentStatus.WAITLISTED, position
            result.waitlisted += 1
        result.enrollments.append(enrollment)
    audit.bulk_create(Enrollment, to_create, actor=actor)
    if to_create and not all(e.pk for e in to_create):  # backends without RETURNING
        by_staff = dict(
            Enrollment.objects.filter(training_class=cls, staff_id__in=[e.staff_id for e in to_create]).values_list(
                "staff_id", "pk"
            )
        )
        for e in to_create:
            e.pk = by_staff[e.staff_id]
    audit.bulk_update(
        Enrollment,
        to_update,
        ["status", "waitlist_position", "outcome", "score", "nominated_by", "version", "updated_at"],
        actor=actor,
    )
    for e in result.enrollments:
        events.append(_event(e, actor, before[e.staff_id], e.status, reason))
    audit.bulk_create(EnrollmentEvent, events, actor=actor)
    result.warnings = overlap_warnings(training_class=cls, staff_ids=ids)
    return result


def overlap_warnings(*, training_class: TrainingClass, staff_ids: list[int]) -> list[str]:
    """People who are also booked (nominated, confirmed or waitlisted) in another class with a session that overlaps
    one of this class's sessions. Two queries whatever the number of people."""
    mine = list(training_class.sessions.values_list("date", "start_time", "end_time"))
    if not mine or not staff_ids:
        return []
    by_date: dict[dt.date, list[tuple]] = {}
    for d, s, e in mine:
        by_date.setdefault(d, []).append((s, e))
    others = (
        ClassSession.objects.filter(
            date__in=list(by_date),
            training_class__enrollments__staff_id__in=staff_ids,
            training_class__enrollments__status__in=ACTIVE_ENROLLMENT,
        )
        .exclude(training_class=training_class)
        .exclude(training_class__status=ClassStatus.CANCELLED)
        .values_list(
            "date",
            "start_time",
            "end_time",
            "training_class__code",
            "training_class__enrollments__staff__full_name",
            "training_class__enrollments__staff_id",
        )
        .order_by("training_class__enrollments__staff__full_name", "date", "start_time")
    )
    warnings, seen = [], set()
    for d, s, e, code, name, staff_id in others:
        if any(s < mine_end and mine_start < e for mine_start, mine_end in by_date[d]):
            key = (staff_id, code, d)
            if key in seen:
                continue
            seen.add(key)
            warnings.append(
                _(
                    "%(name)s is also booked in class %(other)s on %(date)s (%(start)s–%(end)s), which overlaps this class."
                )
                % {"name": name, "other": code, "date": f"{d:%d/%m/%Y}", "start": f"{s:%H:%M}", "end": f"{e:%H:%M}"}
            )
    return warnings


def _promote(cls: TrainingClass, *, actor, seats: int, reason: str) -> list[Enrollment]:
    """Move the first `seats` people of the waitlist (FIFO) to confirmed."""
    if seats <= 0:
        return []
    promoted = list(
        cls.enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlist_position", "pk")[:seats]
    )
    events = []
    for e in promoted:
        events.append(_event(e, actor, EnrollmentStatus.WAITLISTED, EnrollmentStatus.CONFIRMED, reason))
        e.status, e.waitlist_position = EnrollmentStatus.CONFIRMED, None
        _bump(e)
    audit.bulk_update(Enrollment, promoted, ["status", "waitlist_position", "version"], actor=actor)
    audit.bulk_create(EnrollmentEvent, events, actor=actor)
    return promoted


def _may_change_enrollment(actor, enrollment: Enrollment, cls: TrainingClass, *, self_allowed: bool) -> None:
    if self_allowed and enrollment.staff.user_id == actor.pk and has_perm(actor, Perm.OWN_RECORD):
        return
    if Unit.objects.filter(
        unit_scope_q(actor, Perm.TRAINING_MANAGE), pk__in=[cls.unit_id, enrollment.staff.unit_id]
    ).exists():
        return
    raise ValidationError(_("You do not have permission to do this."))


@transaction.atomic
def enrollment_set_status(*, actor, enrollment: Enrollment, status: str, reason: str = "") -> Enrollment:
    """Confirm a nomination, withdraw or cancel. A seat that frees up goes to the first person on the waitlist."""
    cls = _lock_class(enrollment.training_class)
    e = Enrollment.objects.select_for_update(of=("self",)).select_related("staff").get(pk=enrollment.pk)
    if status not in EnrollmentStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    _may_change_enrollment(actor, e, cls, self_allowed=status == EnrollmentStatus.WITHDRAWN)
    if cls.status in (ClassStatus.COMPLETED, ClassStatus.CANCELLED):
        raise ValidationError(_("The class is closed; enrollments can no longer change."))
    if e.status == status:
        return e
    allowed = {
        EnrollmentStatus.NOMINATED: {
            EnrollmentStatus.CONFIRMED,
            EnrollmentStatus.WITHDRAWN,
            EnrollmentStatus.CANCELLED,
        },
        EnrollmentStatus.CONFIRMED: {EnrollmentStatus.WITHDRAWN, EnrollmentStatus.CANCELLED},
        EnrollmentStatus.WAITLISTED: {EnrollmentStatus.WITHDRAWN, EnrollmentStatus.CANCELLED},
    }.get(e.status, set())
    if status not in allowed:
        raise ValidationError(
            {
                "status": _("An enrollment cannot go from “%(old)s” to “%(new)s”.")
                % {"old": EnrollmentStatus(e.status).label, "new": EnrollmentStatus(status).label}
            }
        )
    old = e.status
    freed = old == EnrollmentStatus.CONFIRMED
    if status == EnrollmentStatus.CONFIRMED:
        confirmed = cls.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count()
        if confirmed >= cls.capacity:
            last = (
                cls.enrollments.filter(status=EnrollmentStatus.WAITLISTED).aggregate(m=Max("waitlist_position"))["m"]
                or 0
            )
            status, e.waitlist_position = EnrollmentStatus.WAITLISTED, last + 1
    if status != EnrollmentStatus.WAITLISTED:
        e.waitlist_position = None
    e.status = status
    _bump(e)
    e.save(update_fields=["status", "waitlist_position", "version", "updated_at"])
    EnrollmentEvent.objects.create(**_event_kwargs(e, actor, old, status, reason))
    if freed:
        _promote(cls, actor=actor, seats=1, reason=_("Promoted from the waitlist after a withdrawal"))
    return e


def _event_kwargs(e, actor, old, new, reason, fld="status") -> dict:
    return {
        "enrollment": e,
        "actor": actor,
        "field": fld,
        "from_value": old or "",
        "to_value": new,
        "reason": str(reason)[:500],
    }


def _parse_score(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ValidationError({"score": _("“%(value)s” is not a score.") % {"value": value}}) from None
    if score < 0 or score > 10:
        raise ValidationError({"score": _("A score must be between 0 and 10.")})
    return score.quantize(Decimal("0.01"))


@transaction.atomic
def enrollment_set_score(*, actor, enrollment: Enrollment, score) -> Enrollment:
    e = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("training_class__unit", "staff")
        .get(pk=enrollment.pk)
    )
    require(actor, Perm.TRAINING_MANAGE, e.training_class.unit)
    new = _parse_score(score)
    if e.training_class.status == ClassStatus.COMPLETED:
        raise ValidationError(_("The class is closed; enrollments can no longer change."))
    old = "" if e.score is None else str(e.score)
    e.score = new
    _bump(e)
    e.save(update_fields=["score", "version", "updated_at"])
    EnrollmentEvent.objects.create(**_event_kwargs(e, actor, old, "" if new is None else str(new), "", fld="score"))
    return e


# ------------------------------------------------------------------------------------ attendance
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


class StaleVersion(Exception):
    def __init__(self, obj):
        super().__init__("stale")
        self.obj = obj


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
    if cls.status not in (ClassStatus.OPEN, ClassStatus.IN_PROGRESS, ClassStatus.COMPLETED):
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


# ------------------------------------------------------------------------------------ closing
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
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def class_close(
    *, actor, training_class: TrainingClass, scores: dict | None = None, issued_on: dt.date | None = None
) -> CloseSummary:
    """Compute every confirmed enrollment's outcome, issue certificates with yearly serials, complete the class."""
    cls = _lock_class(training_class)
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    if cls.status != ClassStatus.IN_PROGRESS:
        raise ValidationError(_("Only a class in progress can be closed."))
    today = timezone.localdate()
    totals = cls.sessions.aggregate(planned=Sum("planned_minutes"), last=Max("date"), n=Count("pk"))
    if not totals["n"]:
        raise ValidationError(_("The class has no sessions."))
    if totals["last"] > today:
        raise ValidationError(_("The class still has sessions in the future."))
    planned = totals["planned"] or 0
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
                    _event(
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
        events.append(_event(e, actor, e.outcome, outcome, _("Class closed"), fld="outcome"))
        e.outcome, e.attended_minutes, e.planned_minutes = outcome, counted, planned
        _bump(e)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if outcome == Outcome.COMPLETED and cls.course.issues_certificate:
            qualified.append(e)
    audit.bulk_update(
        Enrollment, rows, ["score", "outcome", "attended_minutes", "planned_minutes", "version"], actor=actor
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
    _bump(cls)
    cls.save(update_fields=["status", "completed_at", "version", "updated_at"])
    return summary


# ------------------------------------------------------------------------------------ external training, rules
@transaction.atomic
def external_record(
    *,
    actor,
    staff: Staff,
    title: str,
    provider: str,
    start_date: dt.date,
    end_date: dt.date,
    minutes: int,
    evidence=None,
    category: str = "",
) -> ExternalTraining:
    own = staff.user_id == actor.pk and has_perm(actor, Perm.OWN_RECORD)
    if not own:
        require(actor, Perm.TRAINING_MANAGE, staff.unit)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The training ends before it starts.")})
    if not minutes or minutes <= 0:
        raise ValidationError({"minutes": _("Give the number of minutes of training.")})
    obj = ExternalTraining(
        staff=staff,
        title=title.strip(),
        provider=provider.strip(),
        start_date=start_date,
        end_date=end_date,
        minutes=minutes,
        category=category,
        recorded_by=actor,
    )
    if evidence:
        obj.evidence = evidence
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def external_decide(*, actor, external: ExternalTraining, approve: bool) -> ExternalTraining:
    obj = ExternalTraining.objects.select_for_update(of=("self",)).select_related("staff__unit").get(pk=external.pk)
    require(actor, Perm.TRAINING_MANAGE, obj.staff.unit)
    if approve and not obj.evidence:
        raise ValidationError({"evidence": _("Approve external training only with evidence attached.")})
    obj.status = ExternalStatus.APPROVED if approve else ExternalStatus.REJECTED
    obj.approved_by, obj.approved_at = actor, timezone.now()
    obj.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return obj


@transaction.atomic
def requirement_create(
    *, actor, name: str, minutes_per_year: int, effective_year: int, unit: Unit | None = None, **fields
) -> TrainingRequirement:
    if unit is not None:
        require(actor, Perm.TRAINING_MANAGE, unit)
    elif not Unit.objects.filter(unit_scope_q(actor, Perm.TRAINING_MANAGE), parent__isnull=True).exists():
        raise ValidationError({"unit": _("Only an officer of the whole province can make a rule for every unit.")})
    obj = TrainingRequirement(
        name=name.strip(), minutes_per_year=minutes_per_year, effective_year=effective_year, unit=unit
    )
    for key in ("staff_category", "job_position", "rank_code", "legal_basis", "active"):
        if key in fields and fields[key] is not None:
            setattr(obj, key, fields[key])
    obj.full_clean()
    obj.save()
    return obj


def calendar_token_for(*, user, reset: bool = False) -> CalendarToken:
    token = CalendarToken.objects.filter(user=user).first()
    if token is None:
        return CalendarToken.objects.create(user=user, token=CalendarToken.new_token())
    if reset:
        token.token = CalendarToken.new_token()
        token.save(update_fields=["token"])
    return token
