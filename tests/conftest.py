"""The fixed cast: a small province and one user per role, some in scope and some not.

Tỉnh (province)
├── Sở Alpha (department)       ← hr, unit_head (Sở Alpha subtree)
│   └── Phòng Alpha-1 (division)
├── Sở Beta (department)        ← outsider_hr (Sở Beta subtree)
└── Xã Gamma (commune)          ← inspector
    └── Văn phòng Gamma (division)
"""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from core.permissions import Role
from staff.models import UnitKind
from tests.factories import UserFactory, grant, make_staff, make_unit


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Vietnamese). The locale middleware activates the request's
    language for the thread and nothing deactivates it, so a test that asked for an English page left
    English active for the next test in the same process (seen: a message test failed only after it)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def forget_live_scorecards(settings):
    """Live scorecards kept in the cache belong to one test's data, and a test sees its own writes on the
    next screen (SCORECARD_LIVE_MAX_AGE 0; tests/scorecards/test_cache.py checks the age limit). The
    data-version token is kept per test process here: the site shares it between its processes through
    files, which would let the parallel test processes renew each other's token."""
    from django.core.cache import cache

    settings.SCORECARD_LIVE_MAX_AGE = 0
    settings.SCORECARD_REFRESH_IN_BACKGROUND = False  # test_cache.py turns it on
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "congvu-tests"},
        "versions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "congvu-versions"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    province = make_unit("UBND tỉnh Thử nghiệm", kind=UnitKind.PROVINCE, code="TINH")
    alpha = make_unit("Sở Alpha", parent=province, kind=UnitKind.DEPARTMENT, code="ALPHA")
    alpha1 = make_unit("Phòng Alpha-1", parent=alpha, code="ALPHA-1")
    beta = make_unit("Sở Beta", parent=province, kind=UnitKind.DEPARTMENT, code="BETA")
    gamma = make_unit("UBND xã Gamma", parent=province, kind=UnitKind.COMMUNE, code="GAMMA")
    gamma_office = make_unit("Văn phòng xã Gamma", parent=gamma, code="GAMMA-VP")
    return {
        "province": province,
        "alpha": alpha,
        "alpha1": alpha1,
        "beta": beta,
        "gamma": gamma,
        "gamma_office": gamma_office,
    }


@pytest.fixture
def people(tree):
    return {
        "an": make_staff(tree["alpha"], "Nguyễn Văn An", code="A001"),
        "binh": make_staff(tree["alpha1"], "Trần Thị Bình", code="A002"),
        "cuong": make_staff(tree["beta"], "Lê Văn Cường", code="B001"),
        "dung": make_staff(tree["gamma_office"], "Hoàng Đức Dũng", code="G001"),
    }


@pytest.fixture
def cast(tree, people):
    """One user per role. `admin` holds the Administrator role on the province (not superuser),
    so scoping is exercised for administrators too."""
    users = {
        "admin": UserFactory(username="admin"),
        "hr": UserFactory(username="hr"),
        "outsider_hr": UserFactory(username="outsider_hr"),
        "inspector": UserFactory(username="inspector"),
        "unit_head": UserFactory(username="unit_head"),
        "member": UserFactory(username="member"),
        "nobody": UserFactory(username="nobody"),
    }
    grant(users["admin"], Role.ADMIN, tree["province"])
    grant(users["hr"], Role.HR, tree["alpha"])
    grant(users["outsider_hr"], Role.HR, tree["beta"])
    grant(users["inspector"], Role.INSPECTOR, tree["gamma"])
    grant(users["unit_head"], Role.UNIT_HEAD, tree["alpha"])
    grant(users["member"], Role.STAFF, tree["alpha1"], include_subunits=False)
    people["binh"].user = users["member"]
    people["binh"].save(update_fields=["user"])
    return users


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api():
    def _api(user=None):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return _api
