"""Journey 4: a user without the role sees no menu entry for a screen, and gets 404 on its address
(existence does not leak); a user with the role sees the entry and the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import main_menu

pytestmark = pytest.mark.e2e

# (who, menu label they must NOT see, the address they must get 404 on, who DOES see it)
DENIED = [
    ("nobody", "Cán bộ", "/staff/people/", "hr"),
    ("member", "Tổ chức", "/staff/units/", "unit_head"),
    ("hr", "Phân quyền", "/staff/roles/", "admin"),
    ("inspector", "Đào tạo, bồi dưỡng", "/training/", "hr"),
    ("hr", "Kiểm tra công vụ", "/inspections/", "inspector"),
    ("inspector", "Bảng điểm đánh giá", "/scorecards/", "unit_head"),
]


def menu(page):
    return main_menu(page, "Trình đơn chính")


def test_user_without_role_gets_no_menu_entry_and_404(page, journey, e2e_cast, login_as, logout):
    for username, label, url, allowed in DENIED:
        with journey.step(f"{username} menu"):
            login_as(page, username)
            expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
            expect(menu(page).get_by_role("link", name="Trang chủ")).to_be_visible()
            expect(menu(page).get_by_role("link", name=label, exact=True)).to_have_count(0)
            journey.check()
        with journey.step(f"{username} direct url"):
            response = page.goto(url)
            assert response.status == 404, f"{username} opened {url}: HTTP {response.status}, expected 404"
            expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Not Found|Không tìm thấy"))
            journey.shot()
            page.goto("/")
            logout(page)
        with journey.step(f"{allowed} sees {label}"):
            login_as(page, allowed)
            menu(page).get_by_role("link", name=label, exact=True).click()
            expect(page).to_have_url(re.compile(re.escape(url)))
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            journey.check()
            logout(page)
