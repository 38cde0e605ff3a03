"""Roles and what they may do; the view and API mixins that ask for a permission.

A role is granted on a unit subtree; which units a user reaches is decided in staff.access, which
also answers `user.has_perm()` for the permissions named here (its ScopeBackend). This module holds:
- the role → permissions matrix;
- `has_perm(user, perm)`;
- `ScopedPermission`, the DRF permission class (GET needs a read permission too);
- `ScopedViewMixin`, the HTML twin.

Nothing else checks group names, `is_staff` or roles.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HR = "hr", _("HR officer")
    INSPECTOR = "inspector", _("Inspector")
    UNIT_HEAD = "unit_head", _("Unit head")
    STAFF = "staff", _("Staff member")
    APPRAISER = "appraiser", _("Appraiser (Department of Home Affairs / assessing council)")


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
    SCORECARD_ASSESS = "scorecard.assess"  # fill and submit the unit's self-assessment
    SCORECARD_APPRAISE = "scorecard.appraise"  # open rounds, appraise, publish a round
    INDICATOR_MANAGE = "indicator.manage"  # enter and import indicator values (late dossiers, ...)
    DISCIPLINE_VIEW = "discipline.view"
    DISCIPLINE_MANAGE = "discipline.manage"

    DOCUMENT_TEMPLATE_MANAGE = "document.template_manage"  # upload Word templates for a subtree
    SECOND_FACTOR = "security.second_factor"  # may add an authenticator app

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
            Perm.DISCIPLINE_VIEW,
            Perm.DISCIPLINE_MANAGE,
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
            Perm.SECOND_FACTOR,
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
            Perm.SCORECARD_ASSESS,
            Perm.DISCIPLINE_VIEW,
        }
    ),
    Role.STAFF: frozenset({Perm.OWN_RECORD}),
    Role.APPRAISER: frozenset(
        {
            Perm.UNIT_VIEW,
            Perm.OWN_RECORD,
            Perm.SCORECARD_VIEW,
            Perm.SCORECARD_APPRAISE,
            Perm.INDICATOR_MANAGE,
        }
    ),
}


def has_perm(user, perm: str | Iterable[str]) -> bool:
    """True when `user` holds `perm` (any of them, if several) on some unit. Answered by the
    authentication backends (`user.has_perm`): staff.access.ScopeBackend reads the user's grants."""
    if user is None:
        return False
    perms = (perm,) if isinstance(perm, str) else tuple(perm)
    return any(user.has_perm(p) for p in perms)


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
