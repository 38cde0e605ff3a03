"""Nominations, the waitlist, enrollment status and score; every change leaves an event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.permissions import Perm, has_perm
from staff.access import require, unit_scope_q
from staff.models import Staff, StaffStatus, Unit
from training.models import (
    ACTIVE_ENROLLMENT,
    ClassSession,
    ClassStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    TrainingClass,
)
from training.services.common import bump_version


def enrollment_event(
    enrollment: Enrollment, actor, old: str, new: str, reason: str = "", fld: str = "status"
) -> EnrollmentEvent:
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


def lock_class(training_class: TrainingClass) -> TrainingClass:
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
    cls = lock_class(training_class)
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
            enrollment = Enrollment(training_class=cls, staff=s, nominated_by=actor, created_at=now, updated_at=now)
            to_create.append(enrollment)
        else:
            bump_version(enrollment)
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
        events.append(enrollment_event(e, actor, before[e.staff_id], e.status, reason))
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


def promote_waitlist(cls: TrainingClass, *, actor, seats: int, reason: str) -> list[Enrollment]:
    """Move the first `seats` people of the waitlist (FIFO) to confirmed."""
    if seats <= 0:
        return []
    promoted = list(
        cls.enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlist_position", "pk")[:seats]
    )
    events = []
    for e in promoted:
        events.append(enrollment_event(e, actor, EnrollmentStatus.WAITLISTED, EnrollmentStatus.CONFIRMED, reason))
        e.status, e.waitlist_position = EnrollmentStatus.CONFIRMED, None
        bump_version(e)
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
    cls = lock_class(enrollment.training_class)
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
    bump_version(e)
    e.save(update_fields=["status", "waitlist_position", "version", "updated_at"])
    EnrollmentEvent.objects.create(**_event_kwargs(e, actor, old, status, reason))
    if freed:
        promote_waitlist(cls, actor=actor, seats=1, reason=_("Promoted from the waitlist after a withdrawal"))
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
    bump_version(e)
    e.save(update_fields=["score", "version", "updated_at"])
    EnrollmentEvent.objects.create(**_event_kwargs(e, actor, old, "" if new is None else str(new), "", fld="score"))
    return e
