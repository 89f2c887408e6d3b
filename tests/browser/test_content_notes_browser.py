"""Content notes in Chromium: an avoided note withholds a title; "show it once" is one view only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qwir import widgets
from qwir.content_notes import title_notes
from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.preferences import Preferences

pytestmark = pytest.mark.browser


def _noted_title(app) -> tuple[str, str, int]:
    """A note from TMDb keywords, a spotlight and a film in its first rail that carries it."""
    with app.test_request_context():
        for tag in db.session.scalars(db.select(IdentityTag).order_by(IdentityTag.feature_position)):
            shown = widgets.carousel(tag.list_slug("movie"), Preferences())
            for item in shown.items:
                for note in sorted(title_notes(item)):
                    return note, shown.slug, item.tmdb_id
    pytest.skip("no title in the demo rails carries a content note")


def test_an_avoided_note_withholds_a_title_and_show_once_is_not_remembered(page, live_app):
    note, slug, tmdb_id = _noted_title(live_app)
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
