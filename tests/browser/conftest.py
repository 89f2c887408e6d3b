"""A live Qwir on loopback, seeded and synced from the sandbox, and Debian's Chromium driving it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from qwir import create_app, widgets
from qwir.content_notes import title_notes
from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.preferences import Preferences

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PROJECT = Path(__file__).resolve().parents[2]
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list:
    """axe-core's serious and critical findings on the page as it stands: id, help, first targets."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


def noted_title(app) -> tuple[str, str, int]:
    """A content note, a spotlight and a film in its first rail that carries the note."""
    with app.test_request_context():
        for tag in db.session.scalars(db.select(IdentityTag).order_by(IdentityTag.feature_position)):
            shown = widgets.carousel(tag.list_slug("movie"), Preferences())
            for item in shown.items:
                for note in sorted(title_notes(item)):
                    return note, shown.slug, item.tmdb_id
    pytest.skip("no title in the demo rails carries a content note")
SCREENSHOTS = PROJECT / "screenshots"


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    if os.environ.get("QWIR_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"QWIR_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _sync_every_list() -> None:
    from qwir.catalog import generate_media_list_for_identity
    from qwir.seed import seed_tags

    seed_tags()
    from qwir.models import IdentityTag

    for tag in db.session.scalars(db.select(IdentityTag)).all():
        for media_type in tag.media_types or ["movie"]:
            generate_media_list_for_identity(tag, media_type=media_type, trigger="manual")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = create_app({
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "browser-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
        "CACHE_TYPE": "SimpleCache",
        "TMDB_API_KEY": None,
        "CELERY_BROKER_URL": None,
        "CACHE_REDIS_URL": None,
    })
    with app.app_context():
        db.create_all()
        _sync_every_list()
    return app


@pytest.fixture(scope="session")
def live_url(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser, live_url, console_errors):
    """A fresh visitor (own cookies); console errors and failed requests are collected, then must be none."""
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    tab.on("pageerror", lambda error: console_errors.append(str(error)))
    yield tab
    context.close()
    assert console_errors == []


@pytest.fixture
def axe_page(browser, live_url):
    """A page that lets axe-core's script in (its CSP bypassed) for the accessibility audit."""
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 800}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
