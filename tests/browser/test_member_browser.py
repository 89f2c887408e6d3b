"""What a person sees in Chromium: lazy carousels, surprise picks, planet browsing, keyboard, safety, a11y."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qwir import widgets
from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.preferences import Preferences
from tests.browser.conftest import SCREENSHOTS, noted_title, serious_violations

pytestmark = pytest.mark.browser


def first_shelf_id(page) -> str:
    return page.locator("section.shelf").first.get_attribute("id")


def loaded(page, shelf_id: str):
    return page.locator(f"#{shelf_id}-rail")


def test_carousels_load_lazily_as_you_scroll(page):
    page.goto("/")
    first = first_shelf_id(page)
    expect(loaded(page, first)).to_be_visible()
    last = page.locator("section.shelf").last
    last_id = last.get_attribute("id")
    expect(page.locator(f"#{last_id}")).to_have_class(re.compile("shelf--loading"))
    page.locator(f"#{last_id}").scroll_into_view_if_needed()
    expect(page.locator(f"#{last_id}")).not_to_have_class(re.compile("shelf--loading"))
    expect(page.locator("#live-status")).not_to_be_empty()


def test_surprise_me_swaps_in_another_title(page):
    page.goto("/")
    shelf = first_shelf_id(page)
    slug = shelf.removeprefix("shelf-")
    page.locator(f"#surprise-{slug}").click()
    title = page.locator(f"#pick-{slug} .pick__title")
    expect(title).to_be_visible()
    first_pick = title.inner_text()
    page.locator(f"#surprise-{slug}").click()
    expect(title).not_to_have_text(first_pick)
    assert page.evaluate("document.activeElement.id") == f"surprise-{slug}"  # focus survives the swap


def test_a_carousel_works_with_the_keyboard_alone(page):
    page.goto("/")
    slug = first_shelf_id(page).removeprefix("shelf-")
    expect(loaded(page, f"shelf-{slug}")).to_be_visible()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == f"shelf-{slug}-next":
            break
    else:
        pytest.fail("the carousel's next button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.getElementById('shelf-{slug}-rail').scrollLeft > 0")
    page.keyboard.press("Tab")  # the rail itself, scrollable with the arrow keys
    assert page.evaluate("document.activeElement.id") == f"shelf-{slug}-rail"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/titles/(movie|tv)/\d+$"))


def test_discreet_mode_and_an_avoided_topic_change_what_is_shown(page, live_app):
    topic, slug, tmdb_id = noted_title(live_app)
    link = f'href="/titles/movie/{tmdb_id}"'
    assert link in page.request.get(f"/fragments/carousel/{slug}").text()
    page.goto("/preferences")
    page.locator("input[name=discreet]").check()
    page.locator(f"input[name=avoid][value={topic}]").check()
    page.locator("#preferences-save").click()
    expect(page.locator(".notice--ok")).to_be_visible()
    # Turning discreet mode on reloads the page in place: wait for it, or the next visit races it.
    expect(page).to_have_title(re.compile(r"^Film notes"))
    page.wait_for_load_state()
    page.goto("/planets/queer")
    assert page.title().startswith("Film notes")
    poster = page.locator("#planet-grid img").first
    assert "blur" in poster.evaluate("img => getComputedStyle(img).filter")
    page.locator("#reveal-posters").click()
    expect(page.locator("#reveal-posters")).to_have_attribute("aria-pressed", "true")
    unblurred = "() => getComputedStyle(document.querySelector('#planet-grid img')).filter == 'none'"
    page.wait_for_function(unblurred)
    assert link not in page.request.get(f"/fragments/carousel/{slug}").text()  # same session cookie


def test_pages_keep_the_console_clean(page, live_app):
    for path in ("/", "/signin", "/planets/trans", "/preferences", _title_path(live_app)):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/signin")
    expect(page.locator("#qwir-teaser .teaser__wall")).to_be_visible()


def _title_path(app) -> str:
    with app.test_request_context():
        shown = widgets.carousel(db.session.scalars(db.select(IdentityTag)).first().list_slug("movie"),
                                 Preferences())
        return f"/titles/movie/{shown.items[0].tmdb_id}"


@pytest.mark.parametrize("path", ["/", "/signin", "/planets/lesbian", "title", "/planets", "/search?q=love",
                                  "/titles/movie/142", "/planets/nowhere"])
def test_axe_finds_no_serious_violation(axe_page, live_app, path):
    path = _title_path(live_app) if path == "title" else path
    axe_page.goto(path)
    axe_page.wait_for_load_state("networkidle")
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_at_phone_and_desktop_widths(browser, live_url, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(base_url=live_url, viewport={"width": width, "height": 900})
    tab = context.new_page()
    for name, path in (("feed", "/"), ("planet", "/planets/queer"), ("signin", "/signin"),
                       ("planets", "/planets"), ("search", "/search?q=love"), ("title", "/titles/movie/142")):
        tab.goto(path)
        tab.wait_for_load_state("networkidle")
        tab.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert tab.viewport_size["width"] == width
    assert tab.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    context.close()
