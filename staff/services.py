"""Every write on units, staff and roles. Keyword-only, atomic, validated; each checks the actor's
permission on the unit with staff.access.require (commands pass staff.access.system_actor())."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import apply_changes, check_version, copy_into, save_changed
from core.permissions import Perm, Role
from core.text import fold
from staff.access import forget_grants, require
from staff.models import RoleAssignment, Staff, StaffStatus, StaffUnitHistory, Unit

STAFF_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "category",
    "job_position",
    "rank_code",
    "rank_name",
    "position_title",
    "email",
    "phone",
    "start_date",
    "status",
)


# ------------------------------------------------------------------------------------ units
@transaction.atomic
def unit_create(*, actor, code: str, name: str, kind: str, parent: Unit | None = None, active: bool = True) -> Unit:
    require(actor, Perm.UNIT_MANAGE, parent)
    if parent is None and not getattr(actor, "is_superuser", False):
        # A top-level unit is outside every role's scope: the role's holder could not even see it.
        raise ValidationError(
            {"parent": _("Only a system administrator can create a top-level unit: choose the parent unit.")}
        )
    unit = Unit(code=code.strip(), name=name.strip(), kind=kind, parent=parent, active=active)
    unit.path = f"tmp{uuid.uuid4().hex}"
    unit.search_name = fold(unit.name)
    unit.full_clean()
    unit.save()
    unit.path = Unit.path_for(unit.pk, parent.path if parent else "")
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, expected_version: int | None = None, **changes) -> Unit:
    """Lock the row, check the version the editor started from (StaleVersion when it moved on), write
    only the fields that changed."""
    row = Unit.objects.select_for_update().get(pk=unit.pk)
    require(actor, Perm.UNIT_MANAGE, row)
    check_version(row, expected_version)
    new_parent = changes.pop("parent", row.parent)
    changed = apply_changes(row, changes)
    if "name" in changed:
        row.search_name = fold(row.name)
        changed.append("search_name")
    if (new_parent.pk if new_parent else None) != row.parent_id:
        _unit_move(actor=actor, unit=row, parent=new_parent)
        changed += ["parent", "path", "depth"]
    row.full_clean()
    save_changed(row, changed)
    copy_into(unit, row)
    return unit


def _unit_move(*, actor, unit: Unit, parent: Unit | None) -> None:
    if parent is not None:
        require(actor, Perm.UNIT_MANAGE, parent)
        if parent.path.startswith(unit.path):
            raise ValidationError({"parent": _("A unit cannot be moved under itself or one of its sub-units.")})
    old_path = unit.path
    new_path = Unit.path_for(unit.pk, parent.path if parent else "")
    depth_change = (parent.depth + 1 if parent else 0) - unit.depth
    # Rewrite the whole subtree in one statement: new prefix + the rest of each path.
    Unit.objects.subtree(unit).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    unit.parent = parent
    unit.path = new_path
    unit.depth += depth_change


# ------------------------------------------------------------------------------------ staff
@transaction.atomic
def staff_create(*, actor, staff_code: str, full_name: str, unit: Unit, category: str, **fields) -> Staff:
    require(actor, Perm.STAFF_MANAGE, unit)
    staff = Staff(staff_code=staff_code.strip(), full_name=full_name.strip(), unit=unit, category=category)
    for key in STAFF_FIELDS:
        if key in fields and fields[key] is not None:
            setattr(staff, key, fields[key])
    staff.search_name = fold(staff.full_name)
    staff.full_clean()
    staff.save()
    StaffUnitHistory.objects.create(
        staff=staff, unit=unit, start_date=staff.start_date or timezone.localdate(), recorded_by=actor
    )
    return staff


@transaction.atomic
def staff_update(
    *,
    actor,
    staff: Staff,
    unit: Unit | None = None,
    effective_date: dt.date | None = None,
    expected_version: int | None = None,
    **fields,
) -> Staff:
    """Lock the row, check the version the editor started from (StaleVersion when it moved on), write
    only the fields that changed: two people editing different fields both keep their change."""
    row = Staff.objects.select_for_update(of=("self",)).select_related("unit").get(pk=staff.pk)
    require(actor, Perm.STAFF_MANAGE, row.unit)
    check_version(row, expected_version)
    for key in fields:
        if key not in STAFF_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
    changed = apply_changes(row, fields)
    if unit is not None and unit.pk != row.unit_id:
        require(actor, Perm.STAFF_MANAGE, unit)
        staff_transfer_history(actor=actor, staff=row, unit=unit, effective_date=effective_date)
        row.unit = unit
        changed.append("unit")
    if "full_name" in changed:
        row.search_name = fold(row.full_name)
        changed.append("search_name")
    row.full_clean()
    save_changed(row, changed)
    copy_into(staff, row)
    return staff


def staff_transfer_history(*, actor, staff: Staff, unit: Unit, effective_date: dt.date | None = None) -> None:
    """Close the open history row and open one in the new unit from `effective_date`."""
    when = effective_date or timezone.localdate()
    current = StaffUnitHistory.objects.filter(staff=staff, end_date__isnull=True).order_by("-start_date").first()
    if current is not None:
        if current.start_date >= when:
            # The previous row had not started yet: it is simply replaced.
            current.delete()
        else:
            current.end_date = when - dt.timedelta(days=1)
            current.save(update_fields=["end_date"])
    StaffUnitHistory.objects.create(staff=staff, unit=unit, start_date=when, recorded_by=actor)


@transaction.atomic
def staff_set_status(*, actor, staff: Staff, status: str) -> Staff:
    require(actor, Perm.STAFF_MANAGE, staff.unit)
    if status not in StaffStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    staff.status = status
    staff.save(update_fields=["status", "updated_at"])
    if status == StaffStatus.LEFT:
        StaffUnitHistory.objects.filter(staff=staff, end_date__isnull=True).update(end_date=timezone.localdate())
    return staff


# ------------------------------------------------------------------------------------ roles
@transaction.atomic
def role_assign(*, actor, user, role: str, unit: Unit, include_subunits: bool = True) -> RoleAssignment:
    require(actor, Perm.ROLE_MANAGE, unit)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError(_("This user already holds this role on this unit."))
    assignment = RoleAssignment(user=user, role=role, unit=unit, include_subunits=include_subunits, granted_by=actor)
    assignment.full_clean()
    assignment.save()
    forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    require(actor, Perm.ROLE_MANAGE, assignment.unit)
    user = assignment.user
    assignment.delete()
    forget_grants(user)
