"""The unit picker on the staff directory's filters: typing part of a unit's name without diacritics
offers the matching units from the API; picking one and filtering shows that unit's people."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_hr_picks_a_unit_by_typing_its_name(page, journey, e2e_cast, login_as):
    with journey.step("directory"):
        login_as(page, "hr")
        page.goto("/staff/people/")
        journey.check()
    with journey.step("type a name"):
        box = page.get_by_role("combobox", name="Đơn vị (gồm đơn vị trực thuộc)")
        box.fill("phong alpha")
        option = page.get_by_role("option", name="Phòng Alpha-1 ALPHA-1")
        expect(option).to_be_visible()
        journey.check()
    with journey.step("pick and filter"):
        option.click()
        expect(box).to_have_value("ALPHA-1")
        page.get_by_role("button", name="Lọc").click()
        expect(page.get_by_role("link", name="Trần Thị Bình")).to_be_visible()
        expect(page.get_by_role("link", name="Nguyễn Văn An")).to_have_count(0)
        journey.check()
