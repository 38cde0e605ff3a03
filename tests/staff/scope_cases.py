"""Scope cases for the staff app's URLs (see tests/test_scope_walk.py)."""

from core.permissions import Role
from staff.models import RoleAssignment
from tests.factories import UserFactory, grant


def _unit(ctx):
    return {"user": ctx["cast"]["hr"], "ok": {"pk": ctx["tree"]["alpha1"].pk}, "out": {"pk": ctx["tree"]["beta"].pk}}


def _staff(ctx):
    return {"user": ctx["cast"]["hr"], "ok": {"pk": ctx["people"]["an"].pk}, "out": {"pk": ctx["people"]["cuong"].pk}}


def _role(ctx):
    # An administrator of Sở Alpha only: sees Alpha's role assignments, not Beta's.
    local_admin = UserFactory(username="alpha_admin")
    grant(local_admin, Role.ADMIN, ctx["tree"]["alpha"])
    inside = RoleAssignment.objects.get(user=ctx["cast"]["hr"])
    outside = RoleAssignment.objects.get(user=ctx["cast"]["outsider_hr"])
    return {"user": local_admin, "ok": {"pk": inside.pk}, "out": {"pk": outside.pk}}


def _role_revoke(ctx):
    return {**_role(ctx), "method": "post"}


CASES = {
    "staff:unit-detail": _unit,
    "staff:staff-detail": _staff,
    "staff:staff-edit": _staff,
    "staff:role-revoke": _role_revoke,
    "unit-detail": _unit,
    "staff-detail": _staff,
    "role-assignment-detail": _role,
}
