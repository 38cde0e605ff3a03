"""Sessions of a class: add, reschedule, delete (only while nobody was marked)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import Perm
from staff.access import require
from training.models import Attendance, ClassSession, ClassStatus, TrainingClass
from training.requirements import default_session_periods
from training.services.common import bump_version

SESSION_FIELDS = ("date", "start_time", "end_time", "topic", "trainer", "periods")


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
    periods: int | None = None,
) -> ClassSession:
    """Add a session. Its tiết default to the rule "4 a half-day, 8 a full day" unless given."""
    cls = TrainingClass.objects.select_for_update(of=("self",)).select_related("unit").get(pk=training_class.pk)
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    if cls.status in (ClassStatus.COMPLETED, ClassStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled class cannot be changed."))
    obj = ClassSession(
        training_class=cls, date=date, start_time=start_time, end_time=end_time, topic=topic, trainer=trainer
    )
    _check_session(obj, cls)
    obj.planned_minutes = ClassSession.minutes_between(start_time, end_time)
    obj.periods = default_session_periods(start_time, end_time) if periods in (None, "") else periods
    obj.full_clean()
    obj.save()
    bump_version(cls)
    cls.save(update_fields=["version", "updated_at"])
    return obj


@transaction.atomic
def session_update(*, actor, session: ClassSession, **changes) -> ClassSession:
    """Reschedule or edit a session. Attendance already taken is kept; a change of date or time raises the
    calendar SEQUENCE so calendar apps update the existing entry. A change of times without a number of tiết
    takes the default for the new times."""
    obj = ClassSession.objects.select_for_update(of=("self",)).select_related("training_class__unit").get(pk=session.pk)
    cls = obj.training_class
    require(actor, Perm.TRAINING_MANAGE, cls.unit)
    if cls.status in (ClassStatus.COMPLETED, ClassStatus.CANCELLED):
        raise ValidationError(_("A completed or cancelled class cannot be changed."))
    before = (obj.date, obj.start_time, obj.end_time)
    if changes.get("periods") in (None, ""):
        changes.pop("periods", None)
        if "start_time" in changes or "end_time" in changes:
            new_start, new_end = changes.get("start_time", obj.start_time), changes.get("end_time", obj.end_time)
            if new_start and new_end and (new_start, new_end) != (obj.start_time, obj.end_time):
                changes["periods"] = default_session_periods(new_start, new_end)
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
    bump_version(cls)
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
    bump_version(cls)
    cls.save(update_fields=["version", "updated_at"])
