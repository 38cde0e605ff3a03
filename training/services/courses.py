"""Courses of the catalogue: create and edit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.concurrency import apply_changes, check_version, copy_into, save_changed
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
def course_update(*, actor, course: Course, expected_version: int | None = None, **changes) -> Course:
    """Lock the row, check the version the editor started from (StaleVersion), write what changed."""
    row = Course.objects.select_for_update().get(pk=course.pk)
    require(actor, Perm.TRAINING_MANAGE, row.owner_unit)
    check_version(row, expected_version)
    owner = changes.pop("owner_unit", None)
    changed = []
    if owner is not None and owner.pk != row.owner_unit_id:
        require(actor, Perm.TRAINING_MANAGE, owner)
        row.owner_unit = owner
        changed.append("owner_unit")
    changes.pop("code", None)
    for key in changes:
        if key not in COURSE_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
    changed += apply_changes(row, changes)
    if not row.planned_periods:
        row.planned_periods = default_course_periods(row.planned_minutes)
        changed.append("planned_periods")
    if {"title", "title_en"} & set(changed):
        row.search_title = fold(f"{row.code} {row.title} {row.title_en}")
        changed.append("search_title")
    row.full_clean()
    save_changed(row, changed)
    copy_into(course, row)
    return course
