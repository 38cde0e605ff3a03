"""Offline journeys on a tablet: the network is cut (Playwright's offline mode), the inspector fills
a checklist with a photo and the trainer takes attendance; both wait in the outbox across a reload,
then sync by themselves when the network returns, and the server holds each record exactly once."""

import datetime as dt
import io
import re
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from inspections import services as inspection_services
from inspections.models import Answer, Evidence, Inspection
from staff.access import system_actor
from tests.e2e.conftest import assert_accessible, assert_touch_targets
from tests.inspections.conftest import make_checklist

pytestmark = pytest.mark.e2e


def _photo_png() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _poll(page, script, timeout=15):
    """Wait until `script` (a function source) is true in the page. Playwright's wait_for_function
    evaluates strings with eval, which the app's strict CSP forbids; evaluate() does not."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"Still false after {timeout}s: {script}")
        page.wait_for_timeout(200)


def _wait_until_kept(page, count):
    """The service worker is activated for the whole site and it kept the user's offline pages.

    It waits for an activated registration, not for `navigator.serviceWorker.controller`: a page
    whose navigation was under way while the worker activated can stay uncontrolled (clients.claim()
    skips it in Chromium), yet the next navigation, the offline reload that follows, goes through the
    worker all the same. That reload is what the tests check next. On a loaded CI machine the install
    (which fetches the app shell) can take a while, hence the longer wait."""
    _poll(
        page,
        "() => navigator.serviceWorker.getRegistration('/')"
        ".then(r => !!r && !!r.active && r.active.state === 'activated')",
        timeout=30,
    )
    _poll(page, f"() => caches.open('congvu-pages').then(c => c.keys()).then(k => k.length >= {count})", timeout=30)


def _tablet(page_at):
    page = page_at("tablet")
    page.console_log = []
    page.on("console", lambda message: page.console_log.append(f"{message.type}: {message.text}"))
    return page


def _expect_flash(page, text):
    """The confirmation line; on failure say what the page showed instead (errors, console)."""
    try:
        expect(page.locator("[data-flash]")).to_contain_text(text)
    except AssertionError as exc:
        errors = page.locator("[data-errors]")
        shown = errors.inner_text() if errors.count() else ""
        exc.add_note(f"errors shown: {shown!r}; script errors: {page.congvu_errors}; console: {page.console_log[-10:]}")
        raise


def _item(page, code):
    return page.locator(f'.checklist-item[data-item="{code}"]')


@pytest.fixture
def inspector_assignment(e2e_cast):
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    version = make_checklist()
    plan = inspection_services.plan_create(
        actor=system_actor(), year=2026, name="Kế hoạch kiểm tra 2026", unit=tree["province"]
    )
    return inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 12, 31),
        lead=users["inspector"],
        members=[],
        announced=False,
    )


def test_inspection_filled_offline_syncs_exactly_once(page_at, login_as, inspector_assignment, shot):
    page = _tablet(page_at)
    context = page.context
    assignment = inspector_assignment

    # Online once: the assignment and its pinned checklist are kept on the tablet.
    login_as(page, "inspector")
    page.get_by_role("link", name="Làm việc ngoại tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Làm việc ngoại tuyến")
    assert_touch_targets(page)
    assert_accessible(page)
    page.locator("main .cards").get_by_role("link", name=re.compile("^Việc được giao")).click()
    card = page.locator(f'[data-assignment="{assignment.pk}"]')
    expect(card).to_contain_text("Văn phòng xã Gamma")
    _wait_until_kept(page, 3)  # home, assignments, outbox

    # Network cut: the page still opens (from the service worker) and shows the kept assignment.
    context.set_offline(True)
    page.reload()
    expect(page.locator("[data-net]")).to_contain_text("Mất mạng")
    card.get_by_role("link", name="Điền phiếu kiểm tra").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu thử nghiệm")
    _item(page, "I1").get_by_text("Có", exact=True).click()
    _item(page, "I1").locator("textarea").fill("Đeo thẻ đầy đủ")
    _item(page, "I2").get_by_text("Có", exact=True).click()
    _item(page, "I3").get_by_text("3", exact=True).click()
    _item(page, "I4").locator('input[name="value:I4"]').fill("95")
    saves = int(page.locator("form[data-form]").get_attribute("data-draft-saves") or 0)
    _item(page, "I5").locator('input[name="value:I5"]').fill("12")
    # Once the last answer is written on the tablet (IndexedDB is asynchronous), the browser closes
    # mid-way: what was typed is kept.
    expect(page.locator("form[data-form]")).not_to_have_attribute("data-draft-saves", str(saves))
    page.reload()
    expect(_item(page, "I4").locator('input[name="value:I4"]')).to_have_value("95")
    expect(_item(page, "I1").locator("textarea")).to_have_value("Đeo thẻ đầy đủ")
    expect(_item(page, "I3").locator('input[value="3"]')).to_be_checked()
    expect(_item(page, "I5").locator('input[name="value:I5"]')).to_have_value("12")
    _item(page, "I7").locator('input[type="file"]').set_input_files(
        files=[{"name": "bang-ten.png", "mimeType": "image/png", "buffer": _photo_png()}]
    )
    expect(_item(page, "I7").locator("figure img")).to_have_count(1)
    page.locator('textarea[name="summary"]').fill("Đơn vị thực hiện tốt")
    assert_touch_targets(page)
    assert_accessible(page)
    shot(page, "offline-inspection", "tablet-form")
    page.get_by_role("button", name="Nộp vào hàng chờ đồng bộ").click()
    _expect_flash(page, "Đã nộp vào hàng chờ đồng bộ")

    # Still offline: the outbox page opens from the cache and survives a reload.
    page.goto("/offline/outbox/")
    item = page.locator('.outbox-item[data-kind="inspection"]')
    expect(item).to_have_attribute("data-status", "waiting")
    page.reload()
    expect(item).to_have_attribute("data-status", "waiting")
    expect(item).to_contain_text("Đang chờ gửi")
    shot(page, "offline-inspection", "tablet-waiting")
    client_uuid = item.get_attribute("data-uuid")
    assert Inspection.objects.count() == 0
    assert_touch_targets(page)
    assert_accessible(page)

    # A second tab is open on the outbox too: when the network returns both try to send.
    second = context.new_page()
    second.goto("/offline/outbox/")
    expect(second.locator(f'.outbox-item[data-uuid="{client_uuid}"]')).to_have_attribute("data-status", "waiting")

    # Network back: the outbox sends by itself (photo first, then the inspection), from one tab.
    context.set_offline(False)
    expect(item).to_have_attribute("data-status", "sent", timeout=30_000)
    expect(second.locator(f'.outbox-item[data-uuid="{client_uuid}"]')).to_have_attribute("data-status", "sent")
    expect(item).to_contain_text("Đã gửi")
    shot(page, "offline-inspection", "tablet-sent")

    inspection = Inspection.objects.get()
    assert str(inspection.client_uuid) == client_uuid
    # The sent item links to the record on the server.
    on_server = item.get_by_role("link", name="Mở bản ghi trên máy chủ")
    expect(on_server).to_have_attribute("href", f"/inspections/{inspection.pk}/")
    assert inspection.assignment_id == assignment.pk
    assert inspection.status == "submitted"
    assert inspection.summary == "Đơn vị thực hiện tốt"
    answers = {
        a.item.code: (a.value, a.note) for a in Answer.objects.filter(inspection=inspection).select_related("item")
    }
    assert answers == {
        "I1": ("yes", "Đeo thẻ đầy đủ"),
        "I2": ("yes", ""),
        "I3": ("3", ""),
        "I4": ("95", ""),
        "I5": ("12", ""),
        "I7": ("", ""),
    }
    assert list(
        Evidence.objects.filter(answer__inspection=inspection).values_list("answer__item__code", flat=True)
    ) == ["I7"]

    # "Send now" again in both tabs: nothing is created twice.
    second.get_by_role("button", name="Gửi ngay").click()
    page.get_by_role("button", name="Gửi ngay").click()
    expect(second.locator(f'.outbox-item[data-uuid="{client_uuid}"]')).to_have_attribute("data-status", "sent")
    assert Inspection.objects.count() == 1
    assert page.congvu_errors == []
    assert re.search(r"/offline/outbox/$", page.url)


@pytest.fixture
def hr_class(e2e_cast):
    from tests.training.conftest import make_class
    from training import services as training_services
    from training.models import CourseCategory

    tree, people = e2e_cast["tree"], e2e_cast["people"]
    course = training_services.course_create(
        actor=system_actor(),
        code="VHCV-01",
        title="Văn hóa công vụ",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=720,
        owner_unit=tree["alpha"],
    )
    klass = make_class(course, tree["alpha"], start=dt.date(2026, 6, 1), days=2)
    for person in (people["an"], people["binh"]):
        training_services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=person, confirm=True)
    return klass


def test_any_page_opened_without_network_offers_what_works_offline(page_at, login_as, inspector_assignment):
    page = _tablet(page_at)
    login_as(page, "inspector")
    page.goto("/offline/")
    _wait_until_kept(page, 1)
    page.context.set_offline(True)
    for url in ("/inspections/", "/staff/people/", "/"):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Không có mạng")
        links = page.get_by_role("list", name="Dùng được khi không có mạng").get_by_role("link")
        expect(links).to_have_text(["Làm việc ngoại tuyến", "Phiếu kiểm tra cần điền", "Lớp của tôi", "Chờ đồng bộ"])
    page.get_by_role("link", name="Phiếu kiểm tra cần điền").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Không có mạng")
    assert page.url.endswith("/offline/assignments/")


def test_attendance_taken_offline_syncs_exactly_once(page_at, login_as, hr_class, e2e_cast, shot):
    from training.models import Attendance, AttendanceSubmission

    page = _tablet(page_at)
    context = page.context
    session = hr_class.sessions.order_by("date").first()
    people = e2e_cast["people"]

    login_as(page, "hr")
    page.goto("/offline/classes/")
    row = page.locator(f'tr[data-session="{session.pk}"]')
    expect(row).to_contain_text("01/06/2026")
    _wait_until_kept(page, 3)  # home, classes, outbox

    context.set_offline(True)
    page.reload()
    expect(page.locator("[data-net]")).to_contain_text("Mất mạng")
    row.get_by_role("link", name="Điểm danh").click()
    page.get_by_role("button", name="Tất cả có mặt").click()
    binh = page.locator(f'tr[data-enrollment="{hr_class.enrollments.get(staff=people["binh"]).pk}"]')
    binh.locator("select").select_option("late")
    binh.locator('input[type="number"]').fill("200")
    assert_touch_targets(page)
    assert_accessible(page)
    page.get_by_role("button", name="Lưu điểm danh vào hàng chờ đồng bộ").click()
    _expect_flash(page, "Đã lưu điểm danh")

    page.goto("/offline/outbox/")
    item = page.locator('.outbox-item[data-kind="attendance"]')
    page.reload()
    expect(item).to_have_attribute("data-status", "waiting")
    assert Attendance.objects.count() == 0

    context.set_offline(False)
    expect(item).to_have_attribute("data-status", "sent", timeout=30_000)
    shot(page, "offline-attendance", "tablet-sent")
    page.get_by_role("button", name="Gửi ngay").click()
    page.reload()
    expect(item).to_have_attribute("data-status", "sent")

    marks = {
        (a.enrollment.staff.staff_code, a.status, a.minutes)
        for a in Attendance.objects.filter(session=session).select_related("enrollment__staff")
    }
    assert marks == {("A001", "present", 240), ("A002", "late", 200)}
    assert AttendanceSubmission.objects.filter(client_uuid=item.get_attribute("data-uuid")).count() == 1
    session.refresh_from_db()
    assert session.attendance_version == 1
    assert page.congvu_errors == []


def test_stale_roll_call_is_refused_shown_and_resent_on_purpose(page_at, login_as, hr_class, e2e_cast):
    from training import services as training_services
    from training.models import Attendance

    page = _tablet(page_at)
    context = page.context
    session = hr_class.sessions.order_by("date").first()
    an = hr_class.enrollments.get(staff=e2e_cast["people"]["an"])
    binh = hr_class.enrollments.get(staff=e2e_cast["people"]["binh"])

    login_as(page, "hr")
    page.goto(f"/offline/classes/#s={session.pk}")
    expect(page.get_by_role("button", name="Tất cả có mặt")).to_be_visible()
    _wait_until_kept(page, 3)
    context.set_offline(True)
    page.get_by_role("button", name="Tất cả có mặt").click()
    page.get_by_role("button", name="Lưu điểm danh vào hàng chờ đồng bộ").click()
    _expect_flash(page, "Đã lưu điểm danh")

    # Meanwhile someone else saves this session's roll call on the server.
    training_services.attendance_save(
        actor=system_actor(),
        session_id=session.pk,
        expected_version=0,
        marks=[{"enrollment": an.pk, "status": "excused"}, {"enrollment": binh.pk, "status": "present"}],
    )

    page.goto("/offline/outbox/")
    context.set_offline(False)
    item = page.locator('.outbox-item[data-kind="attendance"]')
    expect(item).to_have_attribute("data-status", "refused", timeout=30_000)
    expect(item.get_by_role("alert")).to_contain_text("người khác lưu điểm danh")
    expect(item.locator("details")).to_contain_text("Bản đang có trên máy chủ")
    expect(item.locator("details")).to_contain_text("Nguyễn Văn An: Vắng có phép (0′)")
    assert {(a.enrollment_id, a.status) for a in Attendance.objects.filter(session=session)} == {
        (an.pk, "excused"),
        (binh.pk, "present"),
    }

    # The trainer decides to send over it: the edit names the server's current version this time.
    item.get_by_role("button", name="Gửi đè lên bản trên máy chủ").click()
    expect(item).to_have_attribute("data-status", "sent", timeout=30_000)
    assert {(a.enrollment_id, a.status) for a in Attendance.objects.filter(session=session)} == {
        (an.pk, "present"),
        (binh.pk, "present"),
    }
    session.refresh_from_db()
    assert session.attendance_version == 2
    assert page.congvu_errors == []


def test_inspection_for_an_assignment_taken_away_is_refused_with_the_reason(
    page_at, login_as, inspector_assignment, e2e_cast
):
    from core.permissions import Role
    from tests.factories import UserFactory, grant

    page = _tablet(page_at)
    context = page.context
    assignment = inspector_assignment

    login_as(page, "inspector")
    page.goto(f"/offline/assignments/#a={assignment.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu thử nghiệm")
    _wait_until_kept(page, 3)
    context.set_offline(True)
    for code in ("I1", "I2"):
        _item(page, code).get_by_text("Có", exact=True).click()
    _item(page, "I3").get_by_text("4", exact=True).click()
    _item(page, "I4").locator('input[name="value:I4"]').fill("100")
    _item(page, "I5").locator('input[name="value:I5"]').fill("3")
    page.get_by_role("button", name="Nộp vào hàng chờ đồng bộ").click()
    _expect_flash(page, "Đã nộp vào hàng chờ đồng bộ")

    # While the tablet is offline the plan changes: another inspector now leads this assignment.
    other = UserFactory(username="inspector_b")
    grant(other, Role.INSPECTOR, e2e_cast["tree"]["gamma"])
    assignment.lead = other
    assignment.save(update_fields=["lead"])

    page.goto("/offline/outbox/")
    context.set_offline(False)
    item = page.locator('.outbox-item[data-kind="inspection"]')
    expect(item).to_have_attribute("data-status", "refused", timeout=30_000)
    expect(item.get_by_role("alert")).to_contain_text("Phiếu này không được giao cho bạn.")
    assert Inspection.objects.count() == 0
    expect(item.get_by_role("link", name="Sửa và gửi lại")).to_be_visible()
    expect(item.get_by_role("button", name="Xóa khỏi máy tính bảng")).to_be_visible()


def test_refused_inspection_is_fixed_and_resent_under_the_same_uuid(page_at, login_as, inspector_assignment):
    page = _tablet(page_at)
    assignment = inspector_assignment

    login_as(page, "inspector")
    page.goto(f"/offline/assignments/#a={assignment.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu thử nghiệm")
    for code in ("I1", "I2"):
        _item(page, code).get_by_text("Có", exact=True).click()
    _item(page, "I3").get_by_text("2", exact=True).click()
    _item(page, "I4").locator('input[name="value:I4"]').fill("150")  # not a percentage: the server says so
    _item(page, "I5").locator('input[name="value:I5"]').fill("7")
    page.get_by_role("button", name="Nộp vào hàng chờ đồng bộ").click()
    _expect_flash(page, "Đã nộp vào hàng chờ đồng bộ")

    page.goto("/offline/outbox/")
    item = page.locator('.outbox-item[data-kind="inspection"]')
    expect(item).to_have_attribute("data-status", "refused", timeout=30_000)
    expect(item.get_by_role("alert")).to_contain_text("I4")
    client_uuid = item.get_attribute("data-uuid")
    assert Inspection.objects.count() == 0

    item.get_by_role("link", name="Sửa và gửi lại").click()
    field = _item(page, "I4").locator('input[name="value:I4"]')
    expect(field).to_have_value("150")
    field.fill("95")
    page.get_by_role("button", name="Nộp vào hàng chờ đồng bộ").click()
    _expect_flash(page, "Đã nộp vào hàng chờ đồng bộ")
    page.goto("/offline/outbox/")
    expect(page.locator(f'.outbox-item[data-uuid="{client_uuid}"]')).to_have_attribute("data-status", "sent")
    inspection = Inspection.objects.get()
    assert str(inspection.client_uuid) == client_uuid
    assert Answer.objects.get(inspection=inspection, item__code="I4").value == "95"
    assert page.congvu_errors == []


def test_an_imported_xlsform_with_its_own_list_and_an_integer_is_filled_offline(page_at, login_as, e2e_cast):
    """A Kobo-style form (own scored list, integer with a constraint, several choices, a date, a
    guidance note) is filled with no network: the tablet shows each type as the server defines it,
    refuses a non-whole number before queueing, and the record syncs once with the answers typed."""
    from inspections.importers import xlsform_import
    from tests.inspections.test_item_types import FORM

    tree, users = e2e_cast["tree"], e2e_cast["users"]
    version = inspection_services.version_publish(
        actor=system_actor(), version=xlsform_import(data=FORM, actor=system_actor())
    )
    plan = inspection_services.plan_create(actor=system_actor(), year=2026, name="Kế hoạch 2026", unit=tree["province"])
    assignment = inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 12, 31),
        lead=users["inspector"],
        members=[],
        announced=False,
    )
    page = _tablet(page_at)
    login_as(page, "inspector")
    page.goto("/offline/assignments/")
    card = page.locator(f'[data-assignment="{assignment.pk}"]')
    expect(card).to_contain_text("Văn phòng xã Gamma")
    _wait_until_kept(page, 1)
    page.context.set_offline(True)
    page.reload()
    card.get_by_role("link", name="Điền phiếu kiểm tra").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra một cửa")
    # The note is guidance to read (no answer field); the hint and the constraint message are shown.
    expect(_item(page, "huong_dan")).to_contain_text("Hỏi trưởng bộ phận trước")
    expect(_item(page, "huong_dan").locator('[name="value:huong_dan"]')).to_have_count(0)
    expect(_item(page, "thai_do")).to_contain_text("Quan sát 15 phút")
    expect(_item(page, "so_cb")).to_contain_text("Từ 0 đến 50 người")
    _item(page, "thai_do").get_by_text("Khá", exact=True).click()
    _item(page, "so_cb").locator('input[name="value:so_cb"]').fill("2,5")
    _item(page, "cac_loi").get_by_text("Đi muộn", exact=True).click()
    _item(page, "cac_loi").get_by_text("Về sớm", exact=True).click()
    _item(page, "ngay_ht").locator('input[name="value:ngay_ht"]').fill("05/04/2026")
    expect(_item(page, "ngay_ht").locator('input[name="value:ngay_ht"]')).to_have_value("05/04/2026")
    page.get_by_role("button", name="Nộp vào hàng chờ đồng bộ").click()
    expect(page.locator("[data-errors]")).to_contain_text("Hãy sửa các câu trả lời này trước:")
    expect(page.locator("[data-errors]")).to_contain_text("so_cb. Số cán bộ có mặt: hãy nhập số nguyên")
    _item(page, "so_cb").locator('input[name="value:so_cb"]').fill("12")
    assert_accessible(page)
    page.get_by_role("button", name="Nộp vào hàng chờ đồng bộ").click()
    _expect_flash(page, "Đã nộp vào hàng chờ đồng bộ")
    assert Inspection.objects.count() == 0

    # Network back: the outbox sends it once.
    page.context.set_offline(False)
    page.goto("/offline/outbox/")
    item = page.locator('.outbox-item[data-kind="inspection"]')
    expect(item).to_have_attribute("data-status", "sent", timeout=30_000)
    inspection = Inspection.objects.get()
    answers = dict(Answer.objects.filter(inspection=inspection).values_list("item__code", "value"))
    assert answers == {"thai_do": "kha", "so_cb": "12", "cac_loi": "muon som", "ngay_ht": "2026-04-05"}
    assert (inspection.status, str(inspection.total_percent)) == ("submitted", "50.00")
    assert page.congvu_errors == []
