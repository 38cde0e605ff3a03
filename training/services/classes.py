"""Classes of a course: schedule, edit, change status (cancelling one cancels its enrollments)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.concurrency import apply_changes, save_changed
from core.permissions import Perm
from staff.access import require
from staff.models import Unit
from training.models import (
    ACTIVE_ENROLLMENT,
    CLASS_TRANSITIONS,
    ClassStatus,
    Course,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    TrainingClass,
)
from training.services.common import StaleVersion, bump_version
from training.services.enrollment import enrollment_event, promote_waitlist

CLASS_FIELDS = ("venue", "trainers", "capacity", "registration_deadline", "start_date", "end_date", "notes")


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
    changed = []
    if unit is not None and unit.pk != obj.unit_id:
        require(actor, Perm.TRAINING_MANAGE, unit)
        obj.unit = unit
        changed.append("unit")
    for key in changes:
        if key not in CLASS_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
    changed += apply_changes(obj, changes)
    _check_class_dates(obj.start_date, obj.end_date, obj.registration_deadline)
    confirmed = obj.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count()
    if obj.capacity is not None and obj.capacity < confirmed:
        raise ValidationError(
            {"capacity": _("Capacity cannot be below the %(n)s people already confirmed.") % {"n": confirmed}}
        )
    obj.full_clean()
    if trainer_users is not None and set(obj.trainer_users.values_list("pk", flat=True)) != {
        u.pk for u in trainer_users
    }:
        obj.trainer_users.set(trainer_users)
        if not changed:
            bump_version(obj)
            obj.save(update_fields=["version", "updated_at"])
    save_changed(obj, changed)
    if obj.capacity > confirmed:
        promote_waitlist(obj, actor=actor, seats=obj.capacity - confirmed, reason=_("Capacity increased"))
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
            events.append(
                enrollment_event(e, actor, e.status, EnrollmentStatus.CANCELLED, reason or _("Class cancelled"))
            )
            e.status, e.waitlist_position = EnrollmentStatus.CANCELLED, None
            bump_version(e)
        audit.bulk_update(Enrollment, active, ["status", "waitlist_position", "version"], actor=actor)
        audit.bulk_create(EnrollmentEvent, events, actor=actor)
    obj.status = status
    bump_version(obj)
    obj.save(update_fields=["status", "version", "updated_at"])
    return obj
