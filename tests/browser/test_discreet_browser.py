"""Discreet mode in Chromium: no identity word on screen, in alt texts, the tab title or the address."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qwir.discretion import identity_words_in
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser

# Every rendered text node of the page (the visually hidden ones that screen readers announce
# included; not what is never rendered: <template>, <script>, a closed disclosure), plus alt
# texts, ARIA labels, the tab title and the address.
WHAT_A_PAGE_SAYS = """() => {
  const said = [document.title, location.href];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && parent.checkVisibility()) said.push(walker.currentNode.textContent);
  }
  document.querySelectorAll("img").forEach((img) => said.push(img.alt));
  document.querySelectorAll("[aria-label]").forEach((el) => said.push(el.getAttribute("aria-label")));
  return said.join("\\n");
}"""


def turn_discreet_mode_on(page) -> None:
    page.goto("/preferences")
    page.locator("input[name=discreet]").check()
    entries = page.evaluate("history.length")
    page.locator("#preferences-save").click()
    expect(page.locator(".notice--ok")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^(Film notes|Notes de films)"))  # the whole page turned discreet
    assert page.evaluate("history.length") == entries


def words_on(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return identity_words_in(page.evaluate(WHAT_A_PAGE_SAYS))


def load_every_shelf(page) -> None:
    """Scroll each lazy shelf into view in turn (each swaps itself out once loaded)."""
    selector = "section.shelf--loading, section.shelf--pending"
    waiting = page.locator(selector)
    for _ in range(60):
        if waiting.count() == 0:
            return
        page.evaluate(f"document.querySelector('{selector}')?.scrollIntoView()")
        page.wait_for_timeout(150)
    expect(waiting).to_have_count(0)


def _named_title_path(app) -> str:
    with app.app_context():
        item = db.session.scalar(db.select(MediaItem).where(MediaItem.title == "Another Gay Movie"))
        if item is None:
            pytest.skip("the demo catalog has no title that names an identity")
        return f"/titles/{item.media_type}/{item.tmdb_id}"


def _tag_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(IdentityTag.id).where(IdentityTag.slug == slug))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_identity_word_on_the_feed_planets_titles_and_teaser(page, live_app, console_errors, language):
    page.set_extra_http_headers({"Accept-Language": language})
    turn_discreet_mode_on(page)
    assert page.evaluate("document.documentElement.lang") == language
    page.goto("/")
    load_every_shelf(page)
    page.locator("button[id^=surprise-]").first.click()
    expect(page.locator(".pick__card").first).to_be_visible()
    assert words_on(page) == []
    page.locator(".identity__link").first.click()
    expect(page).to_have_url(re.compile(r"/planets/c\d+$"))
    load_every_shelf(page)
    assert words_on(page) == []
    for path in (f"/planets/c{_tag_id(live_app, 'trans')}", _named_title_path(live_app), "/signin",
                 f"/spotlights/c{_tag_id(live_app, 'lesbian')}", "/planets/no-such-lesbian-planet",
                 "/preferences"):
        page.goto(path)
        assert words_on(page) == [], path
    page.goto("/planets/gay")  # an old bookmark gives way to the opaque address
    expect(page).to_have_url(re.compile(r"/planets/c\d+$"))
    assert words_on(page) == []
    page.goto("/spotlights/gay-spotlight-" + str(_tag_id(live_app, "gay")))
    expect(page).to_have_url(re.compile(r"/spotlights/c\d+$"))
    assert words_on(page) == []
    # The unknown planet's 404 is expected; Chromium logs it as a failed load.
    console_errors[:] = [error for error in console_errors if "404" not in error]


def test_browsing_a_planet_pushes_no_history_entry(page, live_app):
    turn_discreet_mode_on(page)
    page.goto(f"/planets/c{_tag_id(live_app, 'queer')}")
    entries = page.evaluate("history.length")
    with page.expect_response(re.compile(r"format=tv")):
        page.locator("#format-tv").check()
    # The filter form swaps itself: change the sort once the series' browse has replaced it.
    with page.expect_response(re.compile(r"sort=oldest")):
        page.locator("#filter-sort").select_option("oldest")
    expect(page.locator("#filter-sort")).to_have_value("oldest")
    assert "/planets/c" in page.url and "queer" not in page.url
    assert page.evaluate("history.length") == entries
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None


def test_a_masked_title_and_its_poster_stay_revealed_for_the_session(page, live_app):
    turn_discreet_mode_on(page)
    path = _named_title_path(live_app)
    page.goto(path)
    heading = page.locator("#title-heading")
    expect(heading).to_have_text("Title hidden")
    poster = page.locator(".title-page__poster img")
    assert "blur" in poster.evaluate("img => getComputedStyle(img).filter")
    page.locator("#reveal-posters").click()  # "Show posters" leaves a masked title's poster blurred
    assert "blur" in poster.evaluate("img => getComputedStyle(img).filter")
    page.locator(".title-page__poster [data-reveal]").click()
    expect(heading).to_have_text("Another Gay Movie")
    expect(poster).to_have_attribute("alt", "Poster of Another Gay Movie")
    unblurred = "() => getComputedStyle(document.querySelector('.title-page__poster img')).filter == 'none'"
    page.wait_for_function(unblurred)
    page.goto("/")
    page.goto(path)  # remembered for the session
    expect(heading).to_have_text("Another Gay Movie")
    expect(page.locator("#reveal-posters")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("path", ["/", "planet", "title", "/preferences"])
def test_axe_finds_no_serious_violation_in_discreet_mode(axe_page, live_app, path):
    if path == "planet":
        path = f"/planets/c{_tag_id(live_app, 'lesbian')}"
    elif path == "title":
        path = _named_title_path(live_app)
    turn_discreet_mode_on(axe_page)
    axe_page.goto(path)
    axe_page.wait_for_load_state("networkidle")
    assert serious_violations(axe_page) == []
