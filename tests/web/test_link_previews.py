"""Link previews: every public page's first answer carries description, canonical, Open Graph, Twitter
card and language alternates, all absolute under QWIR_PUBLIC_URL; JSON-LD that parses."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

PUBLIC = "https://qwir.example"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "QWIR_PUBLIC_URL": PUBLIC}


class HeadTags(HTMLParser):
    """The <meta>, <link> and JSON-LD blocks of a page."""

    def __init__(self, page: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self._in_json_ld = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta" and ("property" in attributes or "name" in attributes):
            key = attributes.get("property") or attributes["name"]
            self.meta.setdefault(key, []).append(attributes.get("content", ""))
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    def link(self, rel: str, **match) -> list[dict[str, str]]:
        return [link for link in self.links if link.get("rel") == rel
                and all(link.get(name) == value for name, value in match.items())]


def head_of(client, path: str, **headers) -> HeadTags:
    # A Host Qwir answers to (loopback) but is not the public URL: links must still name the public URL.
    # (An unknown Host gets a 400 before any page is built: see test_public_url.py.)
    response = client.get(path, headers={"Host": "localhost:8000", **headers})
    assert response.status_code == 200, path
    return HeadTags(response.get_data(as_text=True))


PAGES = {
    "feed": "/",
    "planet": "/planets/queer",
    "spotlight": "/spotlights/queer-spotlight-1",
    "title": "/titles/movie/1001",
    "search-like page": "/preferences?q=carol",
}


@pytest.mark.parametrize("language, og_locale, other", [("en", "en_US", "fr_FR"), ("fr", "fr_FR", "en_US")])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_every_public_page_has_absolute_previews_in_both_languages(client, catalog, path, language, og_locale,
                                                                  other):
    head = head_of(client, path, **{"Accept-Language": language})
    bare = path.split("?")[0]
    assert head.one("description")
    canonical = head.link("canonical")
    assert len(canonical) == 1 and canonical[0]["href"].startswith(f"{PUBLIC}{bare}")
    assert canonical[0]["href"].endswith(f"lang={language}")
    assert head.one("og:url") == canonical[0]["href"]
    for key in ("og:title", "og:description", "og:site_name", "og:type", "og:image:alt", "twitter:title"):
        assert head.one(key), key
    assert head.one("og:locale") == og_locale and head.meta["og:locale:alternate"] == [other]
    assert head.one("og:image").startswith(PUBLIC + "/") or head.one("og:image").startswith("https://image.tmdb")
    assert int(head.one("og:image:width")) > 0 and int(head.one("og:image:height")) > 0
    assert head.one("twitter:card") == "summary_large_image"
    hreflangs = {link["hreflang"]: link["href"] for link in head.link("alternate") if "hreflang" in link}
    assert set(hreflangs) == {"en", "fr", "x-default"}
    assert hreflangs["fr"].startswith(f"{PUBLIC}{bare}") and hreflangs["fr"].endswith("lang=fr")
    assert all("localhost" not in value for values in head.meta.values() for value in values)
    assert all("localhost" not in link.get("href", "") for link in head.links)


PAGES_WITH_IDENTITY = ["/", "/planets/queer", "/spotlights/queer-spotlight-1", "/titles/movie/1001"]


def test_the_search_query_stays_in_the_canonical_url(client, catalog):
    head = head_of(client, "/preferences?q=carol")
    assert head.link("canonical")[0]["href"] == f"{PUBLIC}/preferences?q=carol&lang=en"


def test_planet_and_spotlight_previews_use_their_share_cards_and_discovery_links(client, catalog):
    planet = head_of(client, "/planets/queer")
    assert planet.one("og:title") == "Queer planet"
    assert planet.one("og:description") == "Stories across the spectrum."
    assert planet.one("og:image").startswith(f"{PUBLIC}/share/planets/queer.png?lang=en&v=")
    assert planet.one("og:image:width") == "1200" and planet.one("og:image:height") == "630"
    oembed = planet.link("alternate", type="application/json+oembed")
    assert oembed[0]["href"] == f"{PUBLIC}/oembed?url={PUBLIC}/planets/queer&format=json"
    feeds = {link["href"] for link in planet.link("alternate", type="application/atom+xml")}
    slugs = (catalog.movie_slug, catalog.series_slug)
    assert feeds == {f"{PUBLIC}/spotlights/{slug}/feed.atom" for slug in slugs}
    spotlight = head_of(client, f"/spotlights/{catalog.movie_slug}")
    card = f"{PUBLIC}/share/spotlights/{catalog.movie_slug}.png?lang=en&v="
    assert spotlight.one("og:image").startswith(card)
    feed = spotlight.link("alternate", type="application/atom+xml")
    assert feed[0]["href"] == f"{PUBLIC}/spotlights/{catalog.movie_slug}/feed.atom"
    assert spotlight.link("alternate", type="application/json+oembed")


def test_title_preview_is_a_movie_with_its_poster_and_json_ld(client, catalog, app):
    from qwir.extensions import db

    with app.app_context():
        item = catalog.item(1001)
        item.directors = ["Céline Sciamma"]
        item.cast = [{"name": "Adèle Haenel", "character": "Héloïse"}, {"name": "Noémie Merlant"}]
        item.vote_count = 1234
        item.overview = "A painter and her model."
        db.session.commit()
    head = head_of(client, "/titles/movie/1001")
    assert head.one("og:type") == "video.movie" and head.one("og:title") == "Film 01 (1992)"
    assert head.one("og:description") == "A painter and her model."
    (movie,) = head.json_ld
    assert movie["@context"] == "https://schema.org" and movie["@type"] == "Movie"
    assert movie["name"] == "Film 01" and movie["datePublished"] == "1992-06-01"
    assert movie["director"] == [{"@type": "Person", "name": "Céline Sciamma"}]
    assert [actor["name"] for actor in movie["actor"]] == ["Adèle Haenel", "Noémie Merlant"]
    assert movie["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": 7.0, "bestRating": 10,
                                        "worstRating": 0, "ratingCount": 1234}
    assert movie["url"] == f"{PUBLIC}/titles/movie/1001?lang=en"


def test_series_json_ld_is_a_tv_series(client, catalog):
    (series,) = head_of(client, "/titles/tv/3000").json_ld
    assert series["@type"] == "TVSeries" and series["startDate"] == "2015-06-01"


def test_live_title_previews_use_tmdb_backdrops(client, catalog, app):
    from qwir.extensions import db

    app.config["TMDB_API_KEY"] = "a" * 32
    with app.app_context():
        catalog.item(1001).backdrop_path = "/backdrop.jpg"
        db.session.commit()
    head = head_of(client, "/titles/movie/1001")
    assert head.one("og:image") == "https://image.tmdb.org/t/p/w1280/backdrop.jpg"
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1280", "720")
    assert head.one("og:image:type") == "image/jpeg"


def test_spotlight_json_ld_is_an_item_list_in_curated_order(client, catalog):
    (item_list,) = head_of(client, f"/spotlights/{catalog.movie_slug}").json_ld
    assert item_list["@type"] == "ItemList"
    positions = [entry["position"] for entry in item_list["itemListElement"]]
    assert positions == list(range(1, len(positions) + 1)) and item_list["numberOfItems"] == len(positions)
    urls = [entry["url"] for entry in item_list["itemListElement"]]
    assert urls[:3] == [f"{PUBLIC}/titles/movie/{tmdb_id}" for tmdb_id in (2004, 2002, 1000)]
    assert f"{PUBLIC}/titles/movie/2001" not in urls  # the adult title


@pytest.mark.parametrize("path", PAGES_WITH_IDENTITY)
def test_discreet_mode_previews_and_shared_text_say_nothing_about_identity(client, catalog, path):
    """Addresses are the safety side's (opaque ids); every text a preview or share sheet shows is neutral."""
    client.post("/preferences", data={"discreet": "on"})
    page = client.get(path, follow_redirects=True).get_data(as_text=True)  # to the opaque address
    tags = HeadTags(page)
    texts = [value for values in tags.meta.values() for value in values if not value.startswith(PUBLIC)]
    texts += [link.get("title", "") for link in tags.links] + [json.dumps(tags.json_ld)]
    for word in ("Queer", "Stories across", "LGBTQ", "nebula"):
        assert all(word not in text for text in texts), (path, word)
    assert tags.one("og:title") == "Film notes"
    assert tags.one("og:image").startswith(f"{PUBLIC}/share/neutral.png")
    if 'id="share-link"' in page:
        assert 'data-share-title="Film notes" data-share-text="Film notes"' in page


def test_public_url_and_embed_framing_come_from_the_environment(monkeypatch, tmp_path):
    from qwir.config import settings_from_environment

    monkeypatch.setenv("QWIR_PUBLIC_URL", "https://qwir.example/")
    monkeypatch.setenv("QWIR_EMBED_ANY_ORIGIN", "1")
    settings = settings_from_environment(str(tmp_path))
    assert settings["QWIR_PUBLIC_URL"] == "https://qwir.example" and settings["EMBED_ANY_ORIGIN"] is True


def test_error_pages_carry_no_preview(client, catalog):
    page = client.get("/planets/nowhere").get_data(as_text=True)
    assert "og:title" not in page and 'rel="canonical"' not in page
