"""Who may see and do what, on which units: the one scope every screen, API, export and chart reads.

A role is granted on a unit subtree (staff.RoleAssignment); core.permissions holds the role →
permission matrix. This module owns:
- the unit path helpers (fixed-width digit segments: a subtree is one indexed range on `path`);
- the user's grants, read once per user object;
- `unit_scope_q(user, perm, prefix)`, from which every model's `visible_to(user)` is built;
- `require(actor, perm, unit)`, the one check services make before they write;
- `ScopeBackend`, the authentication backend through which `user.has_perm()` (and so
  core.permissions.has_perm) answers for CongVu's permissions;
- `system_actor()`, the account commands, seeding and background jobs act as.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from core.permissions import ROLE_PERMISSIONS, Perm, Role, has_perm

PATH_SEGMENT = 8  # digits per tree level


def path_for(pk: int, parent_path: str = "") -> str:
    """The path of unit `pk` under a parent with `parent_path`."""
    return f"{parent_path}{pk:0{PATH_SEGMENT}d}"


def subtree_bounds(path: str) -> tuple[str, str]:
    """[low, high): the paths of the unit at `path` and everything below it."""
    upper = str(int(path) + 1).zfill(len(path))
    return path, upper


def in_subtree(path: str, root_path: str) -> bool:
    low, high = subtree_bounds(root_path)
    return low <= path < high


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit at `path` and of each unit above it, from the top."""
    return [path[:end] for end in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)]


# ------------------------------------------------------------------------------------------ grants
@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    include_subunits: bool

    def covers(self, unit_id: int, unit_path: str) -> bool:
        if self.include_subunits:
            return in_subtree(unit_path, self.unit_path)
        return unit_id == self.unit_id


def _wanted(perm: str | Iterable[str]) -> set[str]:
    return {perm} if isinstance(perm, str) else set(perm)


def grants(user) -> list[Grant]:
    """The user's role assignments on active units, read once per user object (one query a request).
    The same query reads the unit of the user's own staff record (see own_record_in_scope)."""
    if user is None or not user.is_authenticated or user.pk is None:
        return []
    cached = getattr(user, "_congvu_grants", None)
    if cached is None:
        rows = list(
            user.role_assignments.filter(unit__active=True).values_list(
                "role", "unit_id", "unit__path", "include_subunits", "user__staff_profile__unit__path"
            )
        )
        cached = [Grant(*row[:4]) for row in rows]
        user._congvu_grants = cached
        user._congvu_own_unit = (rows[0][4],) if rows else None  # None: not known (no grant)
    return cached


def forget_grants(user) -> None:
    """Drop what grants() kept on `user` after their roles changed."""
    for name in ("_congvu_grants", "_congvu_own_unit"):
        if hasattr(user, name):
            delattr(user, name)


def user_perms(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return Perm.all()
    perms: set[str] = set()
    for grant in grants(user):
        perms |= ROLE_PERMISSIONS.get(grant.role, frozenset())
    return frozenset(perms)


def user_roles(user) -> set[str]:
    if user is not None and user.is_authenticated and user.is_superuser:
        return {Role.ADMIN}
    return {g.role for g in grants(user)}


def _grants_with(user, perm: str | Iterable[str]) -> list[Grant]:
    wanted = _wanted(perm)
    return [g for g in grants(user) if ROLE_PERMISSIONS.get(g.role, frozenset()) & wanted]


# ------------------------------------------------------------------------------------------- scope
NOTHING = Q(pk__in=[])


def unit_scope_q(user, perm: str | Iterable[str], prefix: str = "") -> Q:
    """A Q over a Unit (reached through `prefix`, e.g. "unit__") limited to the units on which the user
    holds `perm` (any of them, if several). Superusers: no limit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    q = NOTHING
    for grant in _grants_with(user, perm):
        if grant.include_subunits:
            low, high = subtree_bounds(grant.unit_path)
            q |= Q(**{f"{prefix}path__gte": low, f"{prefix}path__lt": high})
        else:
            q |= Q(**{f"{prefix}pk": grant.unit_id})
    return q


def unit_in_scope(user, perm: str | Iterable[str], unit) -> bool:
    """True when `unit` lies inside `unit_scope_q(user, perm)` (no query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(g.covers(unit.pk, unit.path) for g in _grants_with(user, perm))


def own_record_in_scope(user, perm: str | Iterable[str]) -> bool:
    """True when "or my own record" adds nothing to `unit_scope_q(user, perm)`: the user's own staff
    record is inside it, or the user has none. False when not known."""
    if user is None or not user.is_authenticated:
        return False
    grants(user)
    own = getattr(user, "_congvu_own_unit", None)
    if own is None:
        return False
    path = own[0]
    if path is None:
        return True
    return any(
        in_subtree(path, g.unit_path) if g.include_subunits else g.unit_path == path for g in _grants_with(user, perm)
    )


def scope_ancestor_paths(user, perm: str | Iterable[str]) -> list[str]:
    """The paths of the units above those on which the user holds `perm` (what a unit's own catalogue
    inherits from the bodies above it)."""
    paths: set[str] = set()
    for grant in _grants_with(user, perm):
        paths.update(ancestor_paths(grant.unit_path)[:-1])
    return sorted(paths)


def require(actor, perm: str | Iterable[str], unit=None) -> None:
    """The check every service makes before it writes: `actor` holds `perm`, on `unit` when given.
    Commands and jobs pass `system_actor()`; there is no anonymous way through."""
    if actor is None:
        raise TypeError("A service needs an actor: pass staff.access.system_actor() for commands and jobs.")
    if not has_perm(actor, perm):
        raise ValidationError(_("You do not have permission to do this."))
    if unit is not None and not unit_in_scope(actor, perm, unit):
        raise ValidationError(_("The unit “%(unit)s” is outside your scope.") % {"unit": unit.name})


SYSTEM_USERNAME = "congvu-system"


def system_actor():
    """The account that commands, seeding and background jobs act as: a superuser that cannot log in
    (no usable password), so the audit trail names it instead of nobody."""
    User = get_user_model()
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, is_superuser=True, is_staff=False, is_active=True)
        user.set_unusable_password()
        user.save()
    return user


# ---------------------------------------------------------------------------------- auth backend
class ScopeBackend:
    """`user.has_perm("training.manage")` for CongVu's permissions (core.permissions.Perm): held when one
    of the user's grants gives it. Other permission names (Django's "app.codename") are left to the
    backends after this one. Authenticates nobody."""

    def authenticate(self, request, **credentials):
        return None  # signs nobody in; no get_user(), so no session names this backend

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm not in Perm.all():
            return False
        if perm in user_perms(user_obj):
            return True
        raise PermissionDenied  # ours, and not held: no other backend is asked
