"""A French member in Chromium: the feed, a planet and a title page in French, accessible to axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser

CAROL = "/titles/movie/258480"  # French blurb of ours, no French title: English title marked lang="en"


@pytest.fixture
def french_page(browser, live_url):
    """A visitor whose browser asks for French from France (axe's script let in past the CSP)."""
    context = browser.new_context(base_url=live_url, locale="fr-FR", bypass_csp=True,
                                  viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.mark.parametrize("path", ["/", "/planets/lesbian", CAROL])
def test_french_pages_have_no_serious_axe_violation(french_page, path):
    french_page.goto(path)
    french_page.wait_for_load_state("networkidle")
    expect(french_page.locator("html")).to_have_attribute("lang", "fr")
    assert serious_violations(french_page) == []


def test_a_title_page_reads_french_with_the_english_title_marked(french_page):
    french_page.goto(CAROL)
    expect(french_page.locator("main")).to_contain_text("New York, 1952")
    expect(french_page.locator('h1 [lang="en"]')).to_have_text("Carol")


def test_the_switch_turns_the_feed_english_without_javascript(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="fr-FR", java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/")
    expect(tab.locator("html")).to_have_attribute("lang", "fr")
    tab.get_by_role("link", name="English").click()
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    context.close()
