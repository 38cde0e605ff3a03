"""staff.access: the grants a user holds, the scope built from them, and the one check services make."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.permissions import Perm, has_perm
from staff.access import (
    Grant,
    ancestor_paths,
    forget_grants,
    grants,
    own_record_in_scope,
    path_for,
    require,
    subtree_bounds,
    system_actor,
)
from tests.factories import grant


def test_grants_are_read_in_one_query_and_kept_on_the_user(cast, tree):
    user = cast["member"]  # no sub-units, and a staff record of their own
    grant(user, "hr", tree["beta"])
    with CaptureQueriesContext(connection) as ctx:
        found = grants(user)
        grants(user)
    assert len(ctx.captured_queries) == 1
    assert found == [  # ordered by role
        Grant("hr", tree["beta"].pk, tree["beta"].path, True),
        Grant("staff", tree["alpha1"].pk, tree["alpha1"].path, False),
    ]
    assert own_record_in_scope(user, "self.view") is True


def test_a_user_without_roles_holds_nothing(cast):
    forget_grants(cast["nobody"])
    assert grants(cast["nobody"]) == []
    assert not has_perm(cast["nobody"], Perm.STAFF_VIEW)
    assert own_record_in_scope(cast["nobody"], "self.view") is False


def test_a_grant_on_a_deactivated_unit_gives_nothing(cast, tree):
    assert has_perm(cast["outsider_hr"], Perm.TRAINING_MANAGE)
    tree["beta"].active = False
    tree["beta"].save(update_fields=["active"])
    user = type(cast["outsider_hr"]).objects.get(pk=cast["outsider_hr"].pk)
    assert grants(user) == []
    assert not has_perm(user, Perm.TRAINING_MANAGE)


def test_has_perm_answers_through_the_users_own_has_perm(cast):
    hr = cast["outsider_hr"]
    assert hr.has_perm(Perm.STAFF_MANAGE)
    assert not hr.has_perm(Perm.ROLE_MANAGE)
    assert has_perm(hr, (Perm.ROLE_MANAGE, Perm.STAFF_MANAGE))  # any of several


def test_require_refuses_a_missing_permission_and_a_unit_outside_the_scope(cast, tree):
    hr = cast["outsider_hr"]  # HR on beta and below
    require(hr, Perm.STAFF_MANAGE, tree["beta"])
    with pytest.raises(ValidationError, match="quyền|permission"):
        require(hr, Perm.ROLE_MANAGE)
    with pytest.raises(ValidationError, match=tree["alpha"].name):
        require(hr, Perm.STAFF_MANAGE, tree["alpha"])


def test_require_has_no_anonymous_way_through(tree):
    with pytest.raises(TypeError):
        require(None, Perm.STAFF_MANAGE, tree["alpha"])


def test_the_system_actor_holds_everything_and_cannot_log_in(db, tree):
    system = system_actor()
    assert system_actor().pk == system.pk  # one account
    require(system, Perm.UNIT_MANAGE, tree["alpha"])
    assert not system.has_usable_password()


def test_unit_paths_are_fixed_width_segments():
    top = path_for(7)
    child = path_for(12, top)
    assert (top, child) == ("00000007", "0000000700000012")
    low, high = subtree_bounds(top)
    assert low <= child < high and not (low <= path_for(8) < high)
    assert ancestor_paths(child) == [top, child]
