import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from staff import services
from staff.access import system_actor
from staff.models import StaffUnitHistory, Unit
from tests.factories import make_unit


def test_moving_a_unit_moves_its_whole_subtree(tree):
    services.unit_update(actor=system_actor(), unit=tree["alpha"], parent=tree["gamma"])
    alpha1 = Unit.objects.get(code="ALPHA-1")
    gamma = Unit.objects.get(code="GAMMA")
    assert alpha1.path.startswith(gamma.path)
    assert alpha1.depth == 3
    assert sorted(u.code for u in Unit.objects.subtree(gamma)) == ["ALPHA", "ALPHA-1", "GAMMA", "GAMMA-VP"]


def test_a_unit_cannot_move_under_its_own_child(tree):
    with pytest.raises(ValidationError, match="chính nó"):
        services.unit_update(actor=system_actor(), unit=tree["alpha"], parent=tree["alpha1"])


def test_transfer_closes_old_unit_history_and_opens_new(people, tree):
    an = people["an"]
    StaffUnitHistory.objects.filter(staff=an).update(start_date=dt.date(2020, 1, 1))
    services.staff_update(actor=system_actor(), staff=an, unit=tree["beta"], effective_date=dt.date(2026, 7, 1))
    rows = list(
        StaffUnitHistory.objects.filter(staff=an)
        .order_by("start_date")
        .values_list("unit__code", "start_date", "end_date")
    )
    assert rows == [
        ("ALPHA", dt.date(2020, 1, 1), dt.date(2026, 6, 30)),
        ("BETA", dt.date(2026, 7, 1), None),
    ]


def test_hr_cannot_create_staff_outside_their_scope(cast, tree):
    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        services.staff_create(
            actor=cast["hr"], staff_code="X1", full_name="Ngoài Phạm Vi", unit=tree["beta"], category="cong_chuc"
        )


def test_duplicate_staff_code_is_refused(people, tree):
    with pytest.raises(ValidationError) as info:
        services.staff_create(
            actor=system_actor(), staff_code="A001", full_name="Trùng Mã", unit=tree["alpha"], category="cong_chuc"
        )
    assert "staff_code" in info.value.message_dict


def test_granting_a_role_widens_scope_at_once(cast, tree):
    from staff.models import Staff

    assert Staff.objects.visible_to(cast["hr"]).filter(unit=tree["beta"]).count() == 0
    services.role_assign(actor=cast["admin"], user=cast["hr"], role="hr", unit=tree["beta"])
    assert Staff.objects.visible_to(cast["hr"]).filter(unit=tree["beta"]).count() == 1


def test_an_administrator_cannot_grant_outside_their_subtree(tree, db):
    from core.permissions import Role
    from tests.factories import UserFactory, grant

    local = UserFactory(username="local_admin")
    grant(local, Role.ADMIN, tree["alpha"])
    target = UserFactory(username="target")
    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        services.role_assign(actor=local, user=target, role="hr", unit=tree["beta"])


def test_new_unit_gets_a_path_below_its_parent(tree):
    unit = make_unit("Phòng mới", parent=tree["beta"])
    assert unit.path.startswith(tree["beta"].path) and len(unit.path) == len(tree["beta"].path) + 8
