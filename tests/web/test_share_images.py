"""Share cards: 1200x630 PNGs drawn once per list revision and language, with ETags and long lifetimes."""

from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import Image

from qwir import share_cards
from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem
from qwir.seed import seed_tags
from qwir.share_images import ShareCard


@pytest.fixture
def synced(app):
    """The seeded Lesbian tag with a six-title film spotlight synced from the sandbox."""
    with app.app_context():
        seed_tags()
        tag = db.session.scalar(db.select(IdentityTag).where(IdentityTag.slug == "lesbian"))
        generate_media_list_for_identity(tag, limit=6)
        return tag.list_slug("movie")


def sync_again(app, limit: int) -> None:
    with app.app_context():
        tag = db.session.scalar(db.select(IdentityTag).where(IdentityTag.slug == "lesbian"))
        generate_media_list_for_identity(tag, limit=limit)


def og_image(client, path: str, **headers) -> str:
    page = client.get(path, headers=headers).get_data(as_text=True)
    return page.split('<meta property="og:image" content="')[1].split('"')[0].replace("&amp;", "&")


def local(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:5000")


def test_spotlight_card_is_a_1200_by_630_png_with_a_long_life_at_its_versioned_url(client, synced):
    url = local(og_image(client, f"/spotlights/{synced}"))
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"]
    unversioned = client.get(url.split("?")[0])
    assert unversioned.headers["Cache-Control"] == "public, max-age=3600"
    assert unversioned.data == response.data


def test_cards_are_drawn_once_and_revalidate_with_304(client, synced, monkeypatch):
    drawn = []
    real = share_cards.draw_share_card
    monkeypatch.setattr(share_cards, "draw_share_card", lambda *args: drawn.append(1) or real(*args))
    first = client.get(f"/share/spotlights/{synced}.png")
    second = client.get(f"/share/spotlights/{synced}.png")
    assert first.data == second.data and len(drawn) == 1
    etag = {"If-None-Match": first.headers["ETag"]}
    revalidated = client.get(f"/share/spotlights/{synced}.png", headers=etag)
    assert revalidated.status_code == 304 and revalidated.data == b"" and len(drawn) == 1


def test_a_sync_makes_a_new_card_at_a_new_address(client, app, synced):
    before_url = og_image(client, f"/spotlights/{synced}")
    before = client.get(local(before_url))
    sync_again(app, limit=8)
    after_url = og_image(client, f"/spotlights/{synced}")
    assert after_url != before_url
    after = client.get(f"/share/spotlights/{synced}.png", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]


def test_each_language_has_its_own_card_named_by_its_url(client, synced):
    english = client.get(f"/share/spotlights/{synced}.png", headers={"Accept-Language": "en"})
    french = client.get(f"/share/spotlights/{synced}.png", headers={"Accept-Language": "fr"})
    assert english.headers["ETag"] != french.headers["ETag"]
    assert "Accept-Language" in english.vary
    named = client.get(f"/share/spotlights/{synced}.png?lang=fr", headers={"Accept-Language": "en"})
    assert named.headers["ETag"] == french.headers["ETag"]
    french_page_image = og_image(client, f"/spotlights/{synced}", **{"Accept-Language": "fr"})
    version = french.get_etag()[0]
    assert french_page_image.endswith(f"lang=fr&v={version}")


def test_planet_site_and_neutral_cards(client, synced):
    for path in ("/share/planets/lesbian.png", "/share/site.png", "/share/neutral.png"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert Image.open(io.BytesIO(response.data)).size == (1200, 630)


def test_unknown_lists_and_planets_have_no_card(client, synced):
    assert client.get("/share/spotlights/nothing-spotlight-99.png").status_code == 404
    assert client.get("/share/planets/nowhere.png").status_code == 404


def test_demo_titles_preview_their_poster_drawn_to_a_500_by_750_png(client, synced, app):
    with app.app_context():
        item = db.session.scalars(db.select(MediaItem)).first()
        page, path = f"/titles/movie/{item.tmdb_id}", f"/share/titles/movie/{item.tmdb_id}.png"
    assert og_image(client, page) == f"http://127.0.0.1:5000{path}"
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (500, 750)
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_live_cards_fetch_posters_from_the_image_cdn_once(client, synced, app, monkeypatch):
    fetched = []

    def fake_fetch(path, size):
        fetched.append(path)
        output = io.BytesIO()
        Image.new("RGB", (185, 278), "teal").save(output, format="JPEG")
        return output.getvalue()

    monkeypatch.setattr(share_cards, "fetch_image", fake_fetch)
    app.config["TMDB_API_KEY"] = "a" * 32
    with app.app_context():  # as a live sync stores them
        db.session.execute(db.update(MediaItem).values(source="live", poster_path="/live-poster.jpg"))
        db.session.commit()
    client.get(f"/share/spotlights/{synced}.png")
    client.get("/share/planets/lesbian.png")
    assert fetched == ["/live-poster.jpg"]  # fetched once, then from the cache


def test_concurrent_first_asks_draw_a_card_once(app, monkeypatch):
    """Threads only (no SQL in them): each asks for the same never-drawn card at the same moment."""

    drawn, pngs, barrier = [], [], threading.Barrier(4)
    def slow_draw(*args):
        drawn.append(1)
        time.sleep(0.2)  # long enough that every thread arrives while the first one draws
        return b"png"

    monkeypatch.setattr(share_cards, "draw_share_card", slow_draw)
    source = share_cards.CardSource("concurrent-test", lambda: ShareCard("Kicker", "Heading", "", "default"))

    def ask():
        with app.app_context():
            barrier.wait()
            pngs.append(share_cards.card_png(source))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert pngs == [b"png"] * 4 and len(drawn) == 1


def test_a_title_synced_from_the_sandbox_keeps_its_png_preview_after_a_key_is_set(client, synced, app):
    app.config["TMDB_API_KEY"] = "a" * 32
    with app.app_context():
        item = db.session.scalars(db.select(MediaItem)).first()
        tmdb_id = item.tmdb_id
    assert og_image(client, f"/titles/movie/{tmdb_id}") == f"http://127.0.0.1:5000/share/titles/movie/{tmdb_id}.png"
    assert client.get(f"/share/titles/movie/{tmdb_id}.png").status_code == 200
