"""Sessions for the calendar feeds: a person's own, or a unit's as far as the user may see them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from staff.access import subtree_bounds
from staff.models import Unit
from training.models import TRAINING_READ, ClassSession, Enrollment, EnrollmentStatus, TrainingClass


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
