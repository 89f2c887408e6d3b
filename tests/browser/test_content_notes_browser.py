"""Content notes in Chromium: an avoided note withholds a title; "show it once" is one view only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import noted_title

pytestmark = pytest.mark.browser


def test_an_avoided_note_withholds_a_title_and_show_once_is_not_remembered(page, live_app):
    note, slug, tmdb_id = noted_title(live_app)
    page.goto(f"/titles/movie/{tmdb_id}")
    disclosure = page.locator("#content-notes")
    expect(disclosure).to_be_visible()
    expect(disclosure.locator("li").first).not_to_be_visible()  # closed until the member opens it
    disclosure.locator("summary").click()
    expect(disclosure.locator("li").first).to_be_visible()

    page.goto("/preferences")
    page.locator(f"input[name=avoid][value={note}]").check()
    page.locator("#preferences-save").click()
    expect(page.locator(".notice--ok")).to_be_visible()
    assert f'href="/titles/movie/{tmdb_id}"' not in page.request.get(f"/fragments/carousel/{slug}").text()

    page.goto(f"/titles/movie/{tmdb_id}")
    expect(page.locator(".title-page__withheld")).to_be_visible()
    page.locator("#show-once").click()
    expect(page).to_have_url(re.compile(r"\?show=once$"))
    expect(page.locator("#shown-once")).to_be_visible()
    expect(page.locator(".title-page__poster img")).to_be_visible()
    page.goto(f"/titles/movie/{tmdb_id}")
    expect(page.locator(".title-page__withheld")).to_be_visible()
