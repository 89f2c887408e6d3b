"""What a curator sees in Chromium: one status per list after "Regenerate all", pages that fit a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qwir import curators

pytestmark = pytest.mark.browser

EMAIL = "browser-curator@example.org"
PASSWORD = "a long browser password"
PHONE = {"width": 375, "height": 740}
DUPLICATE_IDS = """() => {
  const seen = {};
  for (const element of document.querySelectorAll('[id]')) seen[element.id] = (seen[element.id] || 0) + 1;
  return Object.keys(seen).filter((id) => seen[id] > 1);
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def curator_account(live_app):
    with live_app.app_context():
        if curators.find_curator(EMAIL) is None:
            curators.create_curator(EMAIL, PASSWORD)
    return EMAIL


def signed_in(browser, live_url, viewport, console_errors):
    context = browser.new_context(base_url=live_url, viewport=viewport)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    tab.on("pageerror", lambda error: console_errors.append(str(error)))
    tab.goto("/admin/login")
    tab.fill("input[name=email]", EMAIL)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("form button[type=submit]").click()
    expect(tab.locator("h1")).to_have_text("Identity tags")
    return context, tab


@pytest.fixture
def admin(browser, live_url, curator_account, console_errors):
    context, tab = signed_in(browser, live_url, {"width": 1280, "height": 800}, console_errors)
    yield tab
    context.close()
    assert console_errors == []


@pytest.fixture
def phone(browser, live_url, curator_account, console_errors):
    context, tab = signed_in(browser, live_url, PHONE, console_errors)
    yield tab
    context.close()
    assert console_errors == []


def test_regenerate_all_leaves_one_status_per_list_and_no_duplicate_ids(admin):
    assert admin.evaluate(DUPLICATE_IDS) == []
    statuses_before = admin.locator(".sync-status").count()
    admin.get_by_role("button", name="Regenerate all").click()
    # Without a broker the 18 syncs run inside the request: allow for a busy machine.
    expect(admin.locator("#sync-all-results")).to_contain_text("Queued", timeout=180_000)
    assert admin.evaluate(DUPLICATE_IDS) == []
    assert admin.locator(".sync-status").count() == statuses_before
    # Each list's status shows its own sync: films and series of one tag are told apart.
    queer_films = admin.locator("#tag-queer .sync-status").first
    expect(queer_films).to_contain_text("films")
    expect(admin.locator("#tag-queer .sync-status").last).to_contain_text("series")


ADMIN_PAGES = ["/admin", "/admin/tokens", "/admin/tags/queer", "/admin/tags/lesbian/health", "/admin/audits"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_fit_a_phone_screen(phone, path):
    phone.goto(path)
    assert phone.evaluate(OVERFLOW) <= 0, path


def test_the_tag_tables_regenerate_buttons_are_on_screen_on_a_phone(phone):
    button = phone.locator("#tag-queer .regen button").first
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_a_new_token_fits_a_phone_screen(phone):
    phone.goto("/admin/tokens")
    phone.fill("#token-label", "a phone script with a rather long label")
    phone.get_by_role("button", name="Issue a token").click()
    expect(phone.locator("code.secret")).to_be_visible()
    assert phone.evaluate(OVERFLOW) <= 0


def test_the_api_reference_renders_under_its_content_security_policy(browser, live_url):
    errors: list[str] = []
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto("/api/v1/docs")
    expect(tab.get_by_role("heading", name="Qwir API")).to_be_visible()
    expect(tab.get_by_text("Keyword resolution, size, overlap").first).to_be_attached()
    context.close()
    # Redoc always asks for its maker's logo from their CDN; the policy keeps that request (and the
    # visitor's address) from leaving, and Redoc hides the broken image. Nothing else may fail.
    blocked_logo = [e for e in errors if "https://cdn.redoc.ly/" in e and "Content Security Policy" in e]
    assert [e for e in errors if e not in blocked_logo] == []
