"""What a person sees in Chromium of the whole catalog: browse, load more, search, planets, trailers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qwir.tmdb.sandbox import details, load_catalog

pytestmark = pytest.mark.browser


def test_browse_filters_are_urls_and_the_back_button_restores_them(page):
    page.goto("/planets/queer")
    cards = page.locator("#planet-grid > li.card")
    expect(cards).to_have_count(20)
    page.locator("#format-tv").check()
    expect(page).to_have_url(re.compile(r"/planets/queer\?.*format=tv"))
    expect(page.locator("#planet-grid .card__meta").first).to_contain_text("Series")
    page.locator("#format-movie").check()
    # The form swaps itself: change the sort once the films' browse has replaced the series' one.
    expect(page).to_have_url(re.compile(r"format=movie"))
    page.locator("#filter-sort").select_option("oldest")
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    years = [int(text[:4]) for text in page.locator("#planet-grid .card__meta").all_inner_texts()]
    assert years == sorted(years)
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort=oldest"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"format=tv"))


def test_load_more_appends_the_next_page_counts_true_and_moves_focus(page):
    page.goto("/planets/queer")
    count = page.locator("#planet-count")
    expect(count).to_contain_text("Showing 20 of")
    total = count.inner_text().split(" of ")[1]
    page.locator("#planet-more").click()
    cards = page.locator("#planet-grid > li.card")
    expect(cards).to_have_count(40)
    expect(count).to_have_text(f"Showing 40 of {total}")
    first_new = cards.nth(20).locator("a.card__link").get_attribute("id")
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{first_new}'")


def test_numbered_pages_work_without_javascript(browser, live_url):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/planets/queer")
    tab.locator("#page-2").click()
    expect(tab).to_have_url(re.compile(r"page=2"))
    expect(tab.locator("#page-2")).to_have_attribute("aria-current", "page")
    context.close()


def test_search_shows_results_as_you_type(page):
    page.goto("/")
    page.locator("#site-search-q").fill("love")
    page.locator("#site-search-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=love"))
    field = page.locator("#search-q")
    field.fill("")
    field.press_sequentially("heart", delay=40)
    expect(page.locator("#search-count")).to_contain_text("found for “heart”")
    expect(page.locator("#search-grid .card").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search\?q=love"))  # typing is not navigating


def test_planet_index_from_the_header(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Planets").click()
    expect(page).to_have_url(re.compile(r"/planets$"))
    cards = page.locator("#planet-list > li")
    assert cards.count() >= 8
    colour_bar = page.locator("#planet-queer .planet-card__colour")
    colour = colour_bar.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("", "rgba(0, 0, 0, 0)")
    page.locator("#planet-queer a").click()
    expect(page).to_have_url(re.compile(r"/planets/queer$"))


def test_trailer_facade_reaches_the_video_host_only_after_the_click(page, monkeypatch):
    film = next(movie for movie in load_catalog().movies.values() if not movie["curated"])
    trailer = {"iso_639_1": "en", "iso_3166_1": "US", "name": "Official Trailer", "key": "abcDEF12345",
               "site": "YouTube", "size": 1080, "type": "Trailer", "official": True,
               "published_at": "2020-01-01T00:00:00.000Z", "id": "5e0000000000000000000000"}
    parts = {**details.PARTS["movie"], "videos": lambda catalog, kind, title: {"results": [trailer]}}
    monkeypatch.setitem(details.PARTS, "movie", parts)
    video_requests = []
    page.route(re.compile(r"https://www\.youtube-nocookie\.com/.*"),
               lambda route: (video_requests.append(route.request.url),
                              route.fulfill(status=200, content_type="text/html", body="<p>player</p>")))
    page.goto(f"/titles/movie/{film['id']}")
    play = page.locator("#trailer-play")
    expect(play).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert video_requests == [] and page.locator("iframe").count() == 0
    play.click()
    expect(page.locator("#trailer-frame iframe")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/abcDEF12345?autoplay=1&rel=0")
    page.wait_for_function("document.querySelector('#trailer-frame iframe') !== null")
    page.wait_for_timeout(300)
    assert video_requests and video_requests[0].startswith("https://www.youtube-nocookie.com/embed/abcDEF12345")


def test_rails_that_fit_hide_their_arrows(page):
    page.goto("/planets/asexual")
    one_title = page.locator("section[id^='shelf-asexual-series-spotlight']")
    expect(one_title.locator(".rail")).to_be_visible()
    expect(one_title.locator(".shelf__controls")).to_be_hidden()
    expect(one_title.locator("button[id^='surprise-']")).to_be_disabled()
    page.goto("/planets/queer")
    full = page.locator("section[id^='shelf-queer-spotlight']")
    expect(full.locator(".rail")).to_be_visible()
    expect(full.locator(".shelf__controls")).to_be_visible()
