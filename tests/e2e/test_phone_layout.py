"""Phones (390 px): every list page, logged in with a role that sees it, has no sideways scroll (the page
and every table region), shows its rows as stacked cards, and breaks no single word (a button label, a
date, a number) over two lines. The navigation is one compact menu button."""

import datetime as dt
import re

import pytest
from django.urls import URLResolver, get_resolver
from playwright.sync_api import expect

from core.permissions import ROLE_PERMISSIONS, Role
from inspections import services as inspection_services
from inspections.services import AnswerInput
from staff.access import system_actor
from tests.e2e.conftest import assert_no_js_errors, do_login, do_logout
from tests.inspections.conftest import GOOD_ANSWERS, make_checklist

pytestmark = pytest.mark.e2e

# Every screen without arguments in the URLconf is checked (list_pages() derives them), so a new list is
# covered as soon as it has a route; these are not lists: sign-in, forms, downloads, one-shot actions.
NOT_LISTS = re.compile(r"^(accounts/|jsi18n/)|/new/$|/import/$|\.xlsx$|/two-step/|/read-all/$|^scorecards/publish/$")
# Who opens each screen: the first of these (cast user, role) holding the view's required_perm...
CAST_ROLES = [
    ("hr", Role.HR),
    ("inspector", Role.INSPECTOR),
    ("unit_head", Role.UNIT_HEAD),
    ("member", Role.STAFF),
    ("admin", Role.ADMIN),
]
# ...unless named here (a role that sees more rows, or a screen for one's own record).
WHO_OPENS = {
    "/staff/units/": "admin",
    "/training/me/": "member",
    "/inspections/templates/": "admin",
    "/inspections/plans/": "admin",
    "/inspections/results/": "admin",
    "/scorecards/": "unit_head",
    "/scorecards/table/": "unit_head",
    "/scorecards/models/": "admin",
    "/notifications/": "member",
    "/offline/": "inspector",
    "/documents/": "hr",
    "/documents/templates/": "admin",
}
# The list pages every run must include (a guard against the derivation silently losing some).
REQUIRED = {
    "/staff/people/",
    "/staff/roles/",
    "/training/courses/",
    "/training/classes/",
    "/training/hours/",
    "/training/certificates/",
    "/training/external/",
    "/training/requirements/",
    "/inspections/plans/",
    "/inspections/assignments/",
    "/inspections/list/",
    "/inspections/findings/",
    "/inspections/actions/",
    "/inspections/templates/",
    "/scorecards/table/",
    "/documents/",
    "/audit/log/",
    "/jobs/exports/",
    "/notifications/",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def list_pages() -> list[tuple[str, str]]:
    """(cast user, address) of every HTML screen without arguments, grouped by user (fewer sign-ins)."""
    pages = []
    for route, pattern in _routes(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None)
        if view is None or not route or "<" in route or route.startswith("api/") or NOT_LISTS.search(route):
            continue
        url = "/" + route
        perms = getattr(view, "required_perm", None)
        perms = {perms} if isinstance(perms, str) else set(perms or ())
        who = WHO_OPENS.get(url) or next(
            name for name, role in CAST_ROLES if not perms or perms & ROLE_PERMISSIONS[role]
        )
        pages.append((who, url))
    return sorted(pages, key=lambda page: page[0])


# Elements that hold one word (no space inside) must fit on one line.
BROKEN_WORDS_JS = """() => {
  const out = [];
  const sel = 'main button, main .button, main .badge, main td, main th, main time, main .num, main .tile-value, main a, main dd';
  for (const el of document.querySelectorAll(sel)) {
    if (el.children.length) continue;
    const text = el.textContent.trim();
    if (text.length < 2 || /\\s/.test(text)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.offsetParent === null) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1) out.push(el.tagName.toLowerCase() + ': ' + text);
  }
  return out;
}"""

SIDEWAYS_JS = """() => {
  const out = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > window.innerWidth) out.push('page ' + root.scrollWidth + ' > ' + window.innerWidth);
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
  return out;
}"""


@pytest.fixture
def inspection_rows(e2e_cast):
    """A few inspections and findings so the inspection lists have rows (dates, numbers, badges)."""
    tree, users = e2e_cast["tree"], e2e_cast["users"]
    version = make_checklist()
    plan = inspection_services.plan_create(
        actor=system_actor(), year=2026, name="Kế hoạch kiểm tra 2026", unit=tree["province"]
    )
    failing = [AnswerInput("I1", "no", note="Không đeo thẻ"), AnswerInput("I2", "no"), *GOOD_ANSWERS[2:]]
    for unit in (tree["gamma_office"], tree["gamma"]):
        assignment = inspection_services.assignment_create(
            actor=system_actor(),
            plan=plan,
            unit=unit,
            template_version=version,
            due_date=dt.date(2026, 6, 30),
            lead=users["inspector"],
        )
        inspection = inspection_services.inspection_save(
            actor=system_actor(), assignment=assignment, answers=failing, submit=True, inspected_on=dt.date(2026, 5, 4)
        )
        inspection_services.inspection_approve(actor=system_actor(), inspection=inspection)


def test_every_list_page_fits_a_phone(page_at, e2e_cast, inspection_rows):
    page = page_at("phone")
    failures = []
    who = None
    pages = list_pages()
    assert REQUIRED <= {url for _, url in pages}, REQUIRED - {url for _, url in pages}
    for role, url in pages:
        if role != who:
            if who is not None:
                page.goto("/")
                do_logout(page)
            do_login(page, role)
            who = role
        response = page.goto(url)
        assert response.status == 200, f"{role} opened {url}: HTTP {response.status}"
        page.wait_for_load_state("load")
        sideways = page.evaluate(SIDEWAYS_JS)
        broken = page.evaluate(BROKEN_WORDS_JS)
        if sideways or broken:
            failures.append(f"{url} as {role}: sideways {sideways}; broken words {broken}")
        stacked = page.evaluate(
            "() => Array.from(document.querySelectorAll('main table.table tbody tr')).filter(r => r.offsetParent)"
            ".every(r => getComputedStyle(r).display === 'block')"
        )
        if not stacked:
            failures.append(f"{url} as {role}: table rows are not stacked cards")
    assert_no_js_errors(page)
    assert not failures, "\n".join(failures)


def test_the_phone_menu_is_one_button(page_at, e2e_cast):
    page = page_at("phone")
    do_login(page, "hr")
    nav = page.get_by_role("navigation", name="Trình đơn chính")
    button = page.get_by_role("button", name="Trình đơn")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    height = page.evaluate("() => document.querySelector('.topbar').getBoundingClientRect().height")
    assert height <= 120, f"the top bar takes {height} px"
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Cán bộ")).to_be_visible()
    nav.get_by_role("link", name="Cán bộ").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/staff/people/")
    assert_no_js_errors(page)


def test_a_table_row_shows_label_and_value_on_a_phone(page_at, e2e_cast, inspection_rows):
    page = page_at("phone")
    do_login(page, "inspector")
    page.goto("/inspections/list/")
    first = page.locator("main table.table tbody tr").first
    cell = first.locator("td").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label not in ("none", "normal", '""'), label
    box = first.bounding_box()
    assert box["width"] <= 390
