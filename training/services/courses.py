"""Courses of the catalogue: create and edit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import Perm
from core.text import fold
from staff.access import require
from staff.models import Unit
from training.models import Course

COURSE_FIELDS = (
    "title",
    "title_en",
    "category",
    "mode",
    "planned_minutes",
    "planned_periods",
    "target_groups",
    "is_mandatory",
    "min_attendance_percent",
    "pass_mark",
    "excused_counts_as_attended",
    "issues_certificate",
    "certificate_kind",
    "certificate_validity_months",
    "legal_basis",
    "active",
)


def default_course_periods(planned_minutes: int) -> int:
    """A course's tiết when none are given: one per planned hour (a 4-hour half-day is 4 tiết)."""
    return (planned_minutes + 30) // 60


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
    if not course.planned_periods:
        course.planned_periods = default_course_periods(planned_minutes)
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
    if not course.planned_periods:
        course.planned_periods = default_course_periods(course.planned_minutes)
    course.search_title = fold(f"{course.code} {course.title} {course.title_en}")
    course.full_clean()
    course.save()
    return course
