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


def _discipline(ctx):
    # h18b: HR of Sở Alpha sees An's decision (Alpha), not Cường's (Sở Beta).
    import datetime as dt

    from staff.models import DisciplineDecision

    def make(person, number):
        day = dt.date(2026, 5, 4)
        return DisciplineDecision.objects.create(
            staff=person,
            form="reprimand",
            decision_number=number,
            decision_date=day,
            issuing_body="Thủ trưởng",
            effective_from=day,
        )

    inside, outside = make(ctx["people"]["an"], "1/QĐ"), make(ctx["people"]["cuong"], "2/QĐ")
    return {"user": ctx["cast"]["hr"], "ok": {"pk": inside.pk}, "out": {"pk": outside.pk}}


CASES["discipline-decision-detail"] = _discipline
CASES["staff:discipline-edit"] = _discipline
