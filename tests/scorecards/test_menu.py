"""The menu leads to the self-assessment rounds and the CCHC indicators, for the roles that can use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.permissions import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

ROUNDS, INDICATORS = "/scorecards/rounds/", "/scorecards/indicators/"


def _menu(page: str) -> str:
    start = page.index('<nav class="menu"')
    return page[start : page.index("</nav>", start)]


def test_unit_heads_and_appraisers_find_the_rounds_and_indicators_in_the_menu(login, cast, tree):
    appraiser = UserFactory(username="appraiser")
    grant(appraiser, Role.APPRAISER, tree["province"])
    for user in (cast["unit_head"], appraiser):
        menu = _menu(login(user).get(reverse("dashboard")).content.decode())
        assert f'<a href="{ROUNDS}">Tự đánh giá, thẩm định</a>' in menu
        assert f'<a href="{INDICATORS}">Chỉ số CCHC</a>' in menu
    client = login(appraiser)
    menu = _menu(client.get(ROUNDS).content.decode())
    # The page's own entry is the current one, not the scorecards' entry above it.
    assert f'<a href="{ROUNDS}" aria-current="page">Tự đánh giá, thẩm định</a>' in menu
    assert f'<a href="{reverse("scorecards:home")}">' in menu
    assert menu.count('aria-current="page"') == 1
    assert client.get(INDICATORS).status_code == 200


def test_people_without_scorecard_rights_do_not_see_them(login, cast):
    for user in (cast["member"], cast["inspector"]):
        menu = _menu(login(user).get(reverse("dashboard")).content.decode())
        assert ROUNDS not in menu and INDICATORS not in menu
