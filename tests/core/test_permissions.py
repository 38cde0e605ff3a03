from core.permissions import Perm, Role, has_perm
from staff.access import unit_scope_q
from staff.models import Staff, Unit
from tests.factories import UserFactory, grant


def names(qs):
    return sorted(u.code for u in qs)


def test_hr_sees_exactly_their_subtree(cast, tree):
    visible = Unit.objects.filter(unit_scope_q(cast["hr"], Perm.UNIT_VIEW))
    assert names(visible) == ["ALPHA", "ALPHA-1"]


def test_role_without_subunits_covers_one_unit_only(tree, db):
    user = UserFactory(username="one_unit")
    grant(user, Role.UNIT_HEAD, tree["province"], include_subunits=False)
    assert names(Unit.objects.visible_to(user)) == ["TINH"]


def test_several_roles_add_up(tree, db):
    user = UserFactory(username="two_roles")
    grant(user, Role.HR, tree["alpha"])
    grant(user, Role.INSPECTOR, tree["gamma"])
    assert names(Unit.objects.visible_to(user)) == ["ALPHA", "ALPHA-1", "GAMMA", "GAMMA-VP"]
    # Staff management only where the HR role was granted.
    assert names(Unit.objects.visible_to(user, Perm.STAFF_MANAGE)) == ["ALPHA", "ALPHA-1"]


def test_administrator_on_province_sees_everything(cast, tree):
    assert Unit.objects.visible_to(cast["admin"]).count() == 6


def test_subtree_of_a_sibling_with_a_longer_code_is_not_included(tree, db):
    # Paths are fixed-width, so unit 1's subtree never picks up unit 10, 11, ...
    from tests.factories import make_unit

    siblings = [make_unit(f"Phòng {i}", parent=tree["beta"]) for i in range(12)]
    user = UserFactory(username="first_sibling")
    grant(user, Role.HR, siblings[0])
    assert list(Unit.objects.visible_to(user)) == [siblings[0]]


def test_staff_member_sees_only_themselves(cast, people):
    assert list(Staff.objects.visible_to(cast["member"])) == [people["binh"]]


def test_user_without_role_has_no_permission(cast):
    assert not has_perm(cast["nobody"], Perm.STAFF_VIEW)
    assert Staff.objects.visible_to(cast["nobody"]).count() == 0


def test_inactive_user_loses_everything(cast):
    cast["hr"].is_active = False
    assert not has_perm(cast["hr"], Perm.STAFF_VIEW)
    assert Staff.objects.visible_to(cast["hr"]).count() == 0
