"""The one place that decides who may do what, and on which units.

A role is granted on a unit subtree (staff.RoleAssignment). This module holds:
- the role → permissions matrix;
- `has_perm(user, perm)` and `unit_scope_q(user, perm, prefix)`, from which every model's
  `visible_to(user)` is built;
- `ScopedPermission`, the DRF permission class (GET needs a read permission too);
- `ScopedViewMixin`, the HTML twin.

Nothing else checks group names, `is_staff` or roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.prepared import PreparedRead


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HR = "hr", _("HR officer")
    INSPECTOR = "inspector", _("Inspector")
    UNIT_HEAD = "unit_head", _("Unit head")
    STAFF = "staff", _("Staff member")


class Perm:
    """Permission names. Values are plain strings so they can be stored and compared."""

    UNIT_VIEW = "unit.view"
    UNIT_MANAGE = "unit.manage"
    STAFF_VIEW = "staff.view"
    STAFF_MANAGE = "staff.manage"
    ROLE_MANAGE = "role.manage"
    OWN_RECORD = "self.view"
    TRAINING_VIEW = "training.view"
    TRAINING_MANAGE = "training.manage"
    TRAINING_ATTEND = "training.attend"
    INSPECTION_VIEW = "inspection.view"
    INSPECTION_PLAN = "inspection.plan"
    INSPECTION_FILL = "inspection.fill"
    INSPECTION_REVIEW = "inspection.review"
    INSPECTION_SELF = "inspection.self"
    ACTION_UPDATE = "action.update"
    TEMPLATE_VIEW = "template.view"
    TEMPLATE_MANAGE = "template.manage"
    SCORECARD_VIEW = "scorecard.view"
    SCORECARD_MANAGE = "scorecard.manage"
    AUDIT_VIEW = "audit.view"

    @classmethod
    def all(cls) -> frozenset[str]:
        return frozenset(v for k, v in vars(cls).items() if k.isupper())


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: Perm.all(),
    Role.HR: frozenset(
        {
            Perm.UNIT_VIEW,
            Perm.STAFF_VIEW,
            Perm.STAFF_MANAGE,
            Perm.OWN_RECORD,
            Perm.TRAINING_VIEW,
            Perm.TRAINING_MANAGE,
            Perm.TRAINING_ATTEND,
            Perm.SCORECARD_VIEW,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            Perm.UNIT_VIEW,
            Perm.STAFF_VIEW,
            Perm.OWN_RECORD,
            Perm.INSPECTION_VIEW,
            Perm.INSPECTION_PLAN,
            Perm.INSPECTION_FILL,
            Perm.INSPECTION_REVIEW,
            Perm.TEMPLATE_VIEW,
        }
    ),
    Role.UNIT_HEAD: frozenset(
        {
            Perm.UNIT_VIEW,
            Perm.STAFF_VIEW,
            Perm.OWN_RECORD,
            Perm.TRAINING_VIEW,
            Perm.INSPECTION_VIEW,
            Perm.INSPECTION_SELF,
            Perm.ACTION_UPDATE,
            Perm.TEMPLATE_VIEW,
            Perm.SCORECARD_VIEW,
        }
    ),
    Role.STAFF: frozenset({Perm.OWN_RECORD}),
}


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    include_subunits: bool


def subtree_bounds(path: str) -> tuple[str, str]:
    """Unit paths are fixed-width digit segments, so a subtree is one indexed range."""
    upper = str(int(path) + 1).zfill(len(path))
    return path, upper


def _grant_rows(user_id):
    # The same query also reads the unit of the user's own staff record (a LEFT JOIN), so that
    # `own_record_in_scope` needs no query of its own.
    return (
        apps.get_model("staff", "RoleAssignment")
        .objects.filter(user_id=user_id, unit__active=True)
        .values_list("role", "unit_id", "unit__path", "include_subunits", "user__staff_profile__unit__path")
    )


# Read on every request: its SQL is compiled once per process (≈0.75 ms of ORM work per request before).
_GRANT_ROWS = PreparedRead(_grant_rows, convert=lambda row: (row[0], row[1], row[2], bool(row[3]), row[4]))


def grants(user) -> list[Grant]:
    """The user's role assignments, loaded once per user object (one query per request)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_congvu_grants", None)
    if cached is None:
        rows = _GRANT_ROWS.rows(user.pk)
        cached = [Grant(*row[:4]) for row in rows]
        user._congvu_grants = cached
        user._congvu_own_unit = (rows[0][4],) if rows else None  # None: not known (no grant)
    return cached


def forget_grants(user) -> None:
    """Drop the per-request cache after the user's roles changed."""
    if hasattr(user, "_congvu_grants"):
        del user._congvu_grants
    if hasattr(user, "_congvu_own_unit"):
        del user._congvu_own_unit


def own_record_in_scope(user, perm: str | Iterable[str]) -> bool:
    """True when the user's own staff record is already inside `unit_scope_q(user, perm)` (or the user
    has no staff record), so "or my own record" adds nothing to a query. Lists then keep a plain
    indexed range instead of an OR that stops SQLite using the index (≈30 ms per count at province
    scale). False when not known."""
    if user is None or not user.is_authenticated:
        return False
    grants(user)
    own = getattr(user, "_congvu_own_unit", None)
    if own is None:
        return False
    path = own[0]
    if path is None:  # no staff record: nothing to add
        return True
    wanted = {perm} if isinstance(perm, str) else set(perm)
    for grant in grants(user):
        if not ROLE_PERMISSIONS.get(grant.role, frozenset()) & wanted:
            continue
        if grant.include_subunits:
            low, high = subtree_bounds(grant.unit_path)
            if low <= path < high:
                return True
        elif grant.unit_path == path:
            return True
    return False


def user_perms(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return Perm.all()
    perms: set[str] = set()
    for grant in grants(user):
        perms |= ROLE_PERMISSIONS.get(grant.role, frozenset())
    return frozenset(perms)


def has_perm(user, perm: str | Iterable[str]) -> bool:
    wanted = {perm} if isinstance(perm, str) else set(perm)
    return bool(user_perms(user) & wanted)


def user_roles(user) -> set[str]:
    if user is not None and user.is_authenticated and user.is_superuser:
        return {Role.ADMIN}
    return {g.role for g in grants(user)}


NOTHING = Q(pk__in=[])


def unit_scope_q(user, perm: str | Iterable[str], prefix: str = "") -> Q:
    """A Q over a Unit (reached through `prefix`, e.g. "unit__") limited to the units on which
    the user holds `perm` (any of them, if several). Superusers see everything."""
    wanted = {perm} if isinstance(perm, str) else set(perm)
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    q = NOTHING
    for grant in grants(user):
        if not ROLE_PERMISSIONS.get(grant.role, frozenset()) & wanted:
            continue
        if grant.include_subunits:
            low, high = subtree_bounds(grant.unit_path)
            q |= Q(**{f"{prefix}path__gte": low, f"{prefix}path__lt": high})
        else:
            q |= Q(**{f"{prefix}pk": grant.unit_id})
    return q


def holds_every_unit(user, perm: str | Iterable[str]) -> bool:
    """True when the user's unit scope for `perm` (any of them, if several) is every unit: each top unit of
    the tree is a unit on which they hold it with its sub-units. A list's scope can then be no filter at
    all (at province scale it spares a count its joins over every row). No query for a user without such
    a grant on a top unit (a top unit's path is one segment long), else one query on the few top units.
    Superusers: False, as `unit_scope_q` gives them no filter already."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    wanted = {perm} if isinstance(perm, str) else set(perm)
    from staff.models import PATH_SEGMENT

    tops = {
        g.unit_path
        for g in grants(user)
        if g.include_subunits
        and len(g.unit_path) == PATH_SEGMENT
        and ROLE_PERMISSIONS.get(g.role, frozenset()) & wanted
    }
    if not tops:
        return False
    return all(path in tops for (path,) in _TOP_UNIT_PATHS.rows())


def _top_unit_paths():
    return apps.get_model("staff", "Unit").objects.filter(parent__isnull=True).values_list("path")


# Read on every list request of a user holding a top unit (a few rows): compiled once per process.
_TOP_UNIT_PATHS = PreparedRead(_top_unit_paths)


def _required(view, method: str):
    action_perms = getattr(view, "action_perms", None) or {}
    action = getattr(view, "action", None)
    if action and action in action_perms:
        return action_perms[action]
    if method in ("GET", "HEAD", "OPTIONS"):
        return getattr(view, "read_perm", None)
    return getattr(view, "write_perm", None)


class ScopedPermission(BasePermission):
    """DRF: the view names `read_perm`, `write_perm` and optional `action_perms`.
    A view that names none is closed to everyone (fail closed). Rows are limited by the
    view's queryset, which always comes from `visible_to(user)`: out of scope means 404."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        required = _required(view, request.method)
        if required is None:
            return False
        return has_perm(user, required)


class ScopedViewMixin(LoginRequiredMixin):
    """HTML views: `required_perm` (one or several, any suffices). A user without it gets 404,
    like a user asking for a record outside their scope, so existence does not leak."""

    required_perm: str | tuple[str, ...] | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_perm is None or not has_perm(request.user, self.required_perm):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
