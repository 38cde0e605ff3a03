"""Journey 0 (foundation): an HR officer logs in, finds people without typing diacritics, opens one,
exports what they found to Excel, and switches the interface to English and back."""

import re

import pytest
from playwright.sync_api import expect

from staff.models import StaffCategory
from tests.e2e.conftest import download, main_menu, open_workbook
from tests.factories import make_staff

pytestmark = pytest.mark.e2e


@pytest.fixture
def directory(e2e_cast):
    tree = e2e_cast["tree"]
    make_staff(tree["alpha1"], "Nguyễn Văn Hải", code="A003", position_title="Chuyên viên")
    make_staff(tree["alpha"], "Nguyễn Thị Hoa", code="A004", category=StaffCategory.VIEN_CHUC)
    make_staff(tree["beta"], "Nguyễn Văn Bảo", code="B002")  # another department: out of the HR officer's scope
    return e2e_cast


def result_names(page) -> list[str]:
    page.wait_for_load_state("load")  # the whole table parsed, not only the heading above it
    return [name.strip() for name in page.locator("main table tbody tr td:first-child").all_inner_texts()]


def test_hr_searches_opens_exports_and_switches_language(page, journey, directory, login_as):
    with journey.step("login page"):
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập CongVu")
        journey.check()

    with journey.step("dashboard"):
        login_as(page, "hr")
        expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Phạm Thu Hà")
        journey.check()

    with journey.step("staff directory"):
        main_menu(page, "Trình đơn chính").get_by_role("link", name="Cán bộ").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách CBCCVC")
        assert result_names(page) == ["Nguyễn Thị Hoa", "Nguyễn Văn An", "Nguyễn Văn Hải", "Trần Thị Bình"]
        journey.check()

    with journey.step("search without diacritics"):
        page.get_by_label("Tìm kiếm").fill("nguyen van")
        page.get_by_role("button", name="Lọc").click()
        expect(page.get_by_label("Tìm kiếm")).to_have_value("nguyen van")
        assert result_names(page) == ["Nguyễn Văn An", "Nguyễn Văn Hải"]
        expect(page.get_by_text("2 bản ghi")).to_be_visible()
        journey.check()

    with journey.step("open a person"):
        page.get_by_role("link", name="Nguyễn Văn An").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn An")
        facts = page.locator("main dl.facts")
        expect(facts).to_contain_text("A001")
        expect(facts).to_contain_text("Sở Alpha")
        journey.check()

    with journey.step("export to excel"):
        page.go_back()
        expect(page.get_by_label("Tìm kiếm")).to_have_value("nguyen van")
        filename, data = download(page, lambda: page.get_by_role("link", name="Xuất Excel").click())
        assert re.fullmatch(r"danh-ba-can-bo-\d{8}\.xlsx", filename), filename
        sheet = open_workbook(data).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0][:3] == ["Mã số", "Họ và tên", "Giới tính"]
        assert [r[:2] for r in rows[1:]] == [["A001", "Nguyễn Văn An"], ["A003", "Nguyễn Văn Hải"]]
        assert [r[5] for r in rows[1:]] == ["Sở Alpha", "Phòng Alpha-1"]
        journey.shot()

    with journey.step("english"):
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Staff directory")
        expect(page.get_by_label("Search")).to_have_value("nguyen van")
        expect(page.get_by_role("link", name="Export to Excel")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        journey.check()

    with journey.step("back to vietnamese"):
        page.get_by_role("button", name="Tiếng Việt").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách CBCCVC")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        assert result_names(page) == ["Nguyễn Văn An", "Nguyễn Văn Hải"]
        journey.check()
