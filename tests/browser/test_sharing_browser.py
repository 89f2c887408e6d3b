"""Sharing in Chromium: the share control's clipboard fallback, the embed page in a cross-origin iframe."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser

SPOTLIGHT = "/spotlights/queer-spotlight-1"


@pytest.fixture
def public_is_live(live_app, live_url, monkeypatch):
    """Absolute links point at the test server, as QWIR_PUBLIC_URL would in production."""
    monkeypatch.setitem(live_app.config, "QWIR_PUBLIC_URL", live_url)
    return live_url


@pytest.fixture
def host_page():
    """A host site on another origin (localhost, not 127.0.0.1) serving whatever HTML a test gives it."""
    served = {"html": ""}

    class Host(BaseHTTPRequestHandler):
        def do_GET(self):
            body = served["html"].encode() if self.path == "/" else b""
            self.send_response(200 if self.path == "/" else 204)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://localhost:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_share_link_copies_the_address_and_says_so_where_web_share_is_missing(page, public_is_live):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=public_is_live)
    page.add_init_script("delete Navigator.prototype.share;")
    page.goto(SPOTLIGHT)
    page.click("#share-link")
    expect(page.locator("#live-status")).to_have_text("Link copied")
    expect(page.locator("#share-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{public_is_live}{SPOTLIGHT}?lang=en"
    assert page.url == f"{public_is_live}{SPOTLIGHT}"


def test_share_link_opens_the_share_sheet_where_there_is_one(page, public_is_live):
    page.add_init_script(
        "navigator.share = (data) => { window.sharedWith = data; return Promise.resolve(); };"
    )
    page.goto("/planets/queer")
    page.click("#share-link")
    shared = page.evaluate("window.sharedWith")
    url = f"{public_is_live}/planets/queer?lang=en"
    assert shared == {"title": "Queer planet", "text": "Queer planet", "url": url}


def test_share_link_is_a_plain_link_without_javascript(browser, live_url, public_is_live):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/titles/movie/11000")
    link = tab.locator("#share-link")
    expect(link).to_have_attribute("href", f"{public_is_live}/titles/movie/11000?lang=en")
    link.click()
    assert tab.url == f"{public_is_live}/titles/movie/11000?lang=en"
    context.close()


def test_oembed_html_shows_the_spotlight_in_a_cross_origin_iframe(page, live_app, public_is_live, host_page,
                                                                   monkeypatch):
    served, host = host_page
    monkeypatch.setitem(live_app.config, "EMBED_ORIGINS", (host,))
    oembed = page.request.get(f"{public_is_live}/oembed",
                              params={"url": f"{public_is_live}{SPOTLIGHT}", "format": "json"}).json()
    served["html"] = f"<!doctype html><title>Host</title><h1>A host page</h1>{oembed['html']}"
    page.goto(host + "/")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Queer spotlight")
    expect(frame.locator(".embed__card").first).to_be_visible()
    assert frame.locator(".embed__card").count() >= 10
    expect(frame.locator(".embed__card a").first).to_have_attribute("target", "_blank")
    assert page.frames[1].evaluate("typeof htmx") == "undefined"


def test_a_host_that_is_not_listed_cannot_frame_the_embed(browser, live_app, public_is_live, host_page,
                                                          monkeypatch):
    served, host = host_page
    monkeypatch.setitem(live_app.config, "EMBED_ORIGINS", ("https://blingz.example",))
    embed = f"{public_is_live}/embed{SPOTLIGHT}"
    served["html"] = f'<!doctype html><title>Host</title><iframe src="{embed}"></iframe>'
    context = browser.new_context()
    tab = context.new_page()
    refused = []
    tab.on("console", lambda message: refused.append(message.text))
    tab.goto(host + "/")
    tab.wait_for_timeout(500)
    assert tab.frames[1].url.startswith("chrome-error:")  # Chromium's "refused to connect" page
    assert tab.frames[1].evaluate("document.querySelector('.embed__card') === null")
    assert any("frame-ancestors" in text for text in refused)
    context.close()


@pytest.mark.parametrize("path", [SPOTLIGHT, f"/embed{SPOTLIGHT}"])
def test_axe_finds_no_serious_violation_on_spotlight_and_embed_pages(axe_page, path):
    axe_page.goto(path)
    axe_page.wait_for_load_state("networkidle")
    if path == SPOTLIGHT:
        axe_page.click("summary")  # the "Embed this" panel open
    assert serious_violations(axe_page) == []
