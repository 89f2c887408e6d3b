"""Atom feeds, oEmbed, the embed page's framing rules, the sitemap and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest

from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.seed import seed_tags

PUBLIC = "https://qwir.example"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "QWIR_PUBLIC_URL": PUBLIC}


def sync_lesbian_films(app, limit: int) -> str:
    with app.app_context():
        seed_tags()
        tag = db.session.scalar(db.select(IdentityTag).where(IdentityTag.slug == "lesbian"))
        return generate_media_list_for_identity(tag, limit=limit).slug


def test_spotlight_feed_is_valid_atom_with_absolute_links(client, catalog):
    response = client.get(f"/spotlights/{catalog.movie_slug}/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title == "Queer spotlight"
    assert feed.feed.link == f"{PUBLIC}/spotlights/{catalog.movie_slug}"
    titles = {entry.title for entry in feed.entries}
    assert {"<script>alert(1)</script> (2010)", "Hard Goodbyes (2010)", "Film 00 (1990)"} <= titles
    assert "Adult Feature (2010)" not in titles and len(titles) == 15
    assert all(entry.link.startswith(f"{PUBLIC}/titles/movie/") for entry in feed.entries)
    assert all(entry.id and entry.updated_parsed for entry in feed.entries)


def test_titles_a_sync_adds_come_first_in_the_feed(client, app):
    slug = sync_lesbian_films(app, limit=4)
    before = feedparser.parse(client.get(f"/spotlights/{slug}/feed.atom").data)
    first = [entry.link for entry in before.entries]
    sync_lesbian_films(app, limit=7)
    feed = feedparser.parse(client.get(f"/spotlights/{slug}/feed.atom").data)
    assert not feed.bozo
    links = [entry.link for entry in feed.entries]
    assert len(links) == 7 and links[3:] == first  # titles of one sync keep their curated order
    newcomers, kept = feed.entries[:3], feed.entries[3:]
    assert min(entry.published_parsed for entry in newcomers) >= max(entry.published_parsed for entry in kept)


def test_machines_asking_for_an_unsynced_list_get_404_and_start_no_sync(client, catalog, monkeypatch):
    queued = []
    monkeypatch.setattr("qwir.widgets.queue_sync", lambda *args, **kwargs: queued.append(args))
    slug = catalog.trans_slug
    for path in (f"/spotlights/{slug}/feed.atom", f"/embed/spotlights/{slug}",
                 f"/share/spotlights/{slug}.png", f"/oembed?url={PUBLIC}/spotlights/{slug}",
                 "/spotlights/nothing-spotlight-9/feed.atom"):
        assert client.get(path).status_code == 404, path
    assert queued == []


@pytest.mark.parametrize("page", ["/spotlights/queer-spotlight-1", "/planets/queer",
                                  "/embed/spotlights/queer-spotlight-1"])
def test_oembed_answers_rich_json_with_an_iframe_of_the_embed_page(client, catalog, page):
    response = client.get("/oembed", query_string={"url": PUBLIC + page, "format": "json", "maxwidth": "500"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["version"] == "1.0" and data["type"] == "rich" and data["provider_name"] == "Qwir"
    assert data["width"] == 500 and data["height"] == 480 and data["title"] == "Queer spotlight"
    assert data["html"].startswith(f'<iframe src="{PUBLIC}/embed/spotlights/{catalog.movie_slug}"')
    assert 'width="500"' in data["html"]
    assert data["thumbnail_url"].startswith(f"{PUBLIC}/share/spotlights/{catalog.movie_slug}.png")
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (1200, 630)


@pytest.mark.parametrize("query, status", [
    ({"url": "https://elsewhere.example/spotlights/queer-spotlight-1"}, 404),
    ({"url": f"{PUBLIC}/titles/movie/1001"}, 404),
    ({"url": f"{PUBLIC}/spotlights/nothing-spotlight-9"}, 404),
    ({"url": f"{PUBLIC}/spotlights/queer-spotlight-1", "format": "xml"}, 501),
    ({"url": f"{PUBLIC}/spotlights/queer-spotlight-1", "maxwidth": "wide"}, 400),
    ({}, 404),
])
def test_oembed_refuses_what_it_cannot_embed(client, catalog, query, status):
    assert client.get("/oembed", query_string=query).status_code == status


def test_embed_page_stands_alone_and_only_listed_origins_may_frame_it(client, catalog, app):
    app.config["EMBED_ORIGINS"] = ("https://blingz.example", "https://friends.example")
    response = client.get(f"/embed/spotlights/{catalog.movie_slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "frame-ancestors https://blingz.example https://friends.example" in response.headers[
        "Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert "<script" not in page and "hx-" not in page
    assert f'href="{PUBLIC}/titles/movie/1000" target="_blank" rel="noopener"' in page
    assert "Adult Feature" not in page


def test_embed_page_framing_follows_the_settings(client, catalog, app):
    app.config["EMBED_ORIGINS"] = ()
    closed = client.get(f"/embed/spotlights/{catalog.movie_slug}").headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in closed
    app.config["EMBED_ANY_ORIGIN"] = True
    opened = client.get(f"/embed/spotlights/{catalog.movie_slug}").headers["Content-Security-Policy"]
    assert "frame-ancestors *" in opened
    assert client.get(f"/spotlights/{catalog.movie_slug}").headers["X-Frame-Options"] == "DENY"


SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def test_sitemap_lists_planets_spotlights_and_titles_in_both_languages(client, catalog):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314  (our own answer)
    locations = [url.findtext("s:loc", namespaces=SITEMAP) for url in root.findall("s:url", SITEMAP)]
    spotlights = [f"/spotlights/{catalog.movie_slug}", f"/spotlights/{catalog.series_slug}"]
    for path in ("/", "/planets/queer", *spotlights, "/titles/movie/1000", "/titles/tv/3002"):
        for language in ("en", "fr"):
            assert f"{PUBLIC}{path}?lang={language}" in locations, (path, language)
    assert f"{PUBLIC}/titles/movie/2001?lang=en" not in locations  # adult
    assert "/planets/trans" not in " ".join(locations)  # no list yet
    first = root.find("s:url", SITEMAP)
    hreflangs = {link.get("hreflang") for link in first.findall("xhtml:link", SITEMAP)}
    assert hreflangs == {"en", "fr", "x-default"}


def test_robots_txt_points_to_the_sitemap_and_keeps_admin_and_api_out(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin" in lines and "Disallow: /api" in lines
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in lines
