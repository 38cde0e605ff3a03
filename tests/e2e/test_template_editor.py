"""Journey: an administrator builds a checklist template on screen (Vietnamese interface). A new template,
a section, a text item written first, then the yes/no item it depends on; a duplicate item code is refused
next to the field; the yes/no item is moved above the text item, which then gets its XLSForm condition
(`relevant`); moving it back below is refused; the version is published and is frozen."""

import re

import pytest
from playwright.sync_api import expect

from inspections.models import TemplateVersion
from tests.e2e.conftest import main_menu, tap

pytestmark = pytest.mark.e2e


def subnav(page):
    return page.get_by_role("navigation", name="Kiểm tra công vụ")


def item_codes(page):
    """The item codes in the order the version page lists them."""
    return page.locator("main table tbody tr[id^=item-] td:first-child")


def fill_item(page, *, code, text, answer_type, weight=None, critical=False, relevant=None):
    page.get_by_label("Mã tiêu chí").fill(code)
    page.get_by_label("Nội dung (tiếng Việt)").fill(text)
    page.get_by_label("Loại câu trả lời").select_option(label=answer_type)
    if weight is not None:
        page.get_by_label("Trọng số").fill(weight)
    if critical:
        page.get_by_label("Trọng yếu").check()
    if relevant is not None:
        page.get_by_label("Điều kiện hiển thị (chỉ hiện khi)").fill(relevant)


def test_admin_builds_a_checklist_with_a_condition_and_publishes_it(page, journey, e2e_cast, login_as):
    with journey.step("templates"):
        login_as(page, "admin")
        main_menu(page, "Trình đơn chính").get_by_role("link", name="Kiểm tra công vụ").click()
        subnav(page).get_by_role("link", name="Mẫu phiếu kiểm tra").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mẫu phiếu kiểm tra")
        expect(page.get_by_role("heading", name="Mẫu phiếu mới")).to_be_visible()
        journey.check()

    with journey.step("new template"):
        form = page.locator("main form", has=page.get_by_role("heading", name="Mẫu phiếu mới"))
        form.get_by_label(re.compile("^Mã")).fill("VH-TIEPDAN")
        form.get_by_label(re.compile(r"^Tên \(tiếng Việt\)")).fill("Phiếu kiểm tra tiếp công dân")
        tap(form.get_by_role("button", name="Tạo"))
        expect(page.get_by_role("status")).to_contain_text("Đã tạo mẫu phiếu với một phiên bản nháp trống.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu kiểm tra tiếp công dân · v1")
        expect(page.locator("main dl.facts")).to_contain_text("Nháp")
        expect(page.get_by_text("Phiên bản này chưa có tiêu chí.")).to_be_visible()
        journey.check()

    with journey.step("add a section"):
        tap(page.get_by_role("link", name="Thêm phần"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Thêm phần")
        page.get_by_label("Mã phần").fill("A")
        page.get_by_label("Tiêu đề (tiếng Việt)").fill("Tiếp công dân")
        journey.check()
        tap(page.get_by_role("button", name="Lưu"))
        expect(page.get_by_role("status")).to_contain_text("Đã lưu phần.")
        expect(page.get_by_role("heading", level=2, name="A · Tiếp công dân")).to_be_visible()
        journey.check()

    with journey.step("add the text item"):
        tap(page.get_by_role("link", name="Thêm tiêu chí vào A"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Thêm tiêu chí")
        fill_item(page, code="Q2", text="Lý do không niêm yết lịch tiếp dân", answer_type="Văn bản")
        tap(page.get_by_role("button", name="Lưu"))
        expect(page.get_by_role("status")).to_contain_text("Đã lưu tiêu chí Q2.")
        expect(item_codes(page)).to_have_text(["Q2"])
        journey.check()

    with journey.step("duplicate item code is refused"):
        tap(page.get_by_role("link", name="Thêm tiêu chí vào A"))
        fill_item(
            page,
            code="Q2",
            text="Có niêm yết lịch tiếp công dân",
            answer_type="Có / không / không áp dụng",
            weight="2",
            critical=True,
        )
        tap(page.get_by_role("button", name="Lưu"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Thêm tiêu chí")
        expect(page.locator("main")).to_contain_text("Một tiêu chí khác của phiên bản này đã có mã Q2.")
        # What was typed is kept, so only the code needs correcting.
        expect(page.get_by_label("Nội dung (tiếng Việt)")).to_have_value("Có niêm yết lịch tiếp công dân")
        expect(page.get_by_label("Trọng yếu")).to_be_checked()
        journey.check()

    with journey.step("corrected code is saved"):
        page.get_by_label("Mã tiêu chí").fill("Q1")
        tap(page.get_by_role("button", name="Lưu"))
        expect(page.get_by_role("status")).to_contain_text("Đã lưu tiêu chí Q1.")
        expect(item_codes(page)).to_have_text(["Q2", "Q1"])
        q1 = page.locator("main tr#item-Q1")
        expect(q1).to_contain_text("Trọng yếu")
        expect(q1).to_contain_text("Có / không / không áp dụng")
        journey.check()

    with journey.step("move Q1 above Q2"):
        tap(page.get_by_role("button", name="Chuyển tiêu chí Q1 lên"))
        expect(item_codes(page)).to_have_text(["Q1", "Q2"])
        journey.check()

    with journey.step("condition on Q2"):
        tap(page.get_by_role("link", name="Sửa tiêu chí Q2"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Tiêu chí Q2")
        page.get_by_label("Điều kiện hiển thị (chỉ hiện khi)").fill("${Q1} = 'no'")
        journey.check()
        tap(page.get_by_role("button", name="Lưu"))
        expect(page.get_by_role("status")).to_contain_text("Đã lưu tiêu chí Q2.")
        expect(page.locator("main tr#item-Q2")).to_contain_text("Chỉ hiện khi ${Q1} = 'no'")
        journey.check()

    with journey.step("moving Q1 below its dependant is refused"):
        tap(page.get_by_role("button", name="Chuyển tiêu chí Q1 xuống"))
        expect(page.locator("ul.messages")).to_contain_text(
            "Tiêu chí Q2, điều kiện hiển thị: Không có tiêu chí ${Q1}: biểu thức chỉ được tham chiếu các tiêu chí phía trên."
        )
        expect(item_codes(page)).to_have_text(["Q1", "Q2"])
        journey.check()

    with journey.step("publish"):
        tap(page.get_by_role("button", name="Ban hành (khóa nội dung)"))
        expect(page.get_by_role("status")).to_contain_text("Đã ban hành phiên bản; nội dung không thể thay đổi nữa.")
        expect(page.locator("main dl.facts")).to_contain_text("Đã ban hành")
        expect(page.get_by_role("button", name="Ban hành (khóa nội dung)")).to_have_count(0)
        expect(page.get_by_role("link", name="Thêm phần")).to_have_count(0)
        expect(page.get_by_role("button", name="Chuyển tiêu chí Q1 lên")).to_have_count(0)
        expect(item_codes(page)).to_have_text(["Q1", "Q2"])
        journey.check()

    version = TemplateVersion.objects.get(template__code="VH-TIEPDAN")
    items = {i.code: i for i in version.items.all()}
    assert version.status == "published"
    assert (items["Q1"].answer_type, items["Q1"].critical, items["Q1"].weight) == ("yes_no_na", True, 2)
    assert (items["Q2"].answer_type, items["Q2"].relevant) == ("text", "${Q1} = 'no'")
