"""Quick exit in Chromium: the control, Escape twice, and a history that cannot lead back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EXIT_URL = "https://www.bbc.com/weather"


@pytest.fixture
def exit_page(page):
    """The neutral site answered locally, so the test needs no network."""
    page.context.route(EXIT_URL, lambda route: route.fulfill(body="<title>Weather</title>Sunny",
                                                             content_type="text/html"))
    return page


def test_quick_exit_is_the_first_control_after_the_skip_link(exit_page):
    exit_page.goto("/planets/queer")
    exit_page.keyboard.press("Tab")
    assert exit_page.evaluate("document.activeElement.className") == "skip-link"
    exit_page.keyboard.press("Tab")
    assert exit_page.evaluate("document.activeElement.id") == "quick-exit"
    expect(exit_page.locator("#quick-exit")).to_be_visible()
    exit_page.mouse.wheel(0, 3000)
    expect(exit_page.locator("#quick-exit")).to_be_in_viewport()


def test_quick_exit_replaces_the_page_so_back_cannot_return(exit_page):
    exit_page.goto("/")
    exit_page.goto("/planets/trans")
    exit_page.locator("#quick-exit").click()
    exit_page.wait_for_url(EXIT_URL)
    exit_page.go_back()
    assert "/planets/trans" not in exit_page.url
    exit_page.go_forward()
    assert exit_page.url == EXIT_URL


def test_escape_twice_leaves_too(exit_page):
    exit_page.goto("/preferences")
    exit_page.goto("/planets/lesbian")
    exit_page.keyboard.press("Escape")
    exit_page.keyboard.press("Escape")
    exit_page.wait_for_url(EXIT_URL)
    exit_page.go_back()
    assert "/planets/lesbian" not in exit_page.url


def test_without_javascript_it_is_a_plain_link(browser, live_url):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/")
    assert tab.locator("#quick-exit").get_attribute("href") == EXIT_URL
    context.close()
