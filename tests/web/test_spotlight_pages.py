"""Spotlight pages: one list in its curated order, with facts and offers, under the member's preferences."""

from __future__ import annotations

import pytest

from qwir.extensions import db

PUBLIC = "https://qwir.example"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "QWIR_PUBLIC_URL": PUBLIC, "TMDB_REGION": "US"}


def test_spotlight_page_shows_the_list_in_curated_order_with_facts(client, catalog):
    response = client.get(f"/spotlights/{catalog.movie_slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cookie" in response.vary
    assert '<body class="theme-nebula' in page
    assert '<h1 id="spotlight-title">Queer spotlight</h1>' in page
    assert "Stories across the spectrum." in page
    assert '<time datetime="2025-03-01">01 Mar 2025</time>' in page
    curated = (2004, 2002, 1000, 1001, 1011, 2003)
    order = [page.index(f'href="/titles/movie/{tmdb_id}">') for tmdb_id in curated]
    assert order == sorted(order)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Adult Feature" not in page
    assert "7.0/10 on TMDb" in page and "Rated PG-13" in page and "1990" in page


def test_where_to_watch_is_for_the_region(client, catalog, app):
    with app.app_context():
        catalog.item(1000).providers = {
            "US": {"link": "https://www.themoviedb.org/movie/1000/watch",
                   "flatrate": [{"provider_id": 8, "provider_name": "Netflix"}]},
            "FR": {"flatrate": [{"provider_id": 381, "provider_name": "Canal+"}]},
        }
        catalog.item(1001).providers = {"US": {"rent": [{"provider_id": 2, "provider_name": "Apple TV"}]}}
        db.session.commit()
    page = client.get(f"/spotlights/{catalog.movie_slug}").get_data(as_text=True)
    assert "Stream in United States: Netflix" in page and "Canal+" not in page
    assert "Rent or buy in United States: Apple TV" in page
    assert "No known offers in United States." in page


def test_spotlight_page_honours_cap_and_avoided_topics(client, catalog):
    client.post("/preferences", data={"max_maturity": "16", "avoid": ["suicide-self-harm"]})
    page = client.get(f"/spotlights/{catalog.movie_slug}").get_data(as_text=True)
    assert "Rated Restricted" not in page and "Hard Goodbyes" not in page
    assert "3 titles left out by your preferences." in page  # the adult title counts too


def test_spotlight_page_revalidates_with_its_etag(client, catalog, app):
    path = f"/spotlights/{catalog.movie_slug}"
    first = client.get(path)
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with app.app_context():
        catalog.touch(catalog.movie_slug)
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_spotlight_pages_are_linked_from_carousels_and_planets(client, catalog):
    carousel = client.get(f"/fragments/carousel/{catalog.movie_slug}").get_data(as_text=True)
    assert f'href="/spotlights/{catalog.movie_slug}"' in carousel
    planet = client.get("/planets/queer").get_data(as_text=True)
    assert f'href="/spotlights/{catalog.movie_slug}"' in planet
    assert f'href="/spotlights/{catalog.series_slug}"' in planet


def test_spotlight_page_offers_feed_share_and_both_embed_snippets(client, catalog):
    page = client.get(f"/spotlights/{catalog.movie_slug}").get_data(as_text=True)
    assert f'href="/spotlights/{catalog.movie_slug}/feed.atom"' in page
    canonical = f"{PUBLIC}/spotlights/{catalog.movie_slug}?lang=en"
    assert f'<a class="share__link" id="share-link" href="{canonical}"' in page
    assert 'data-share-copied="Link copied"' in page
    assert "<summary>Embed this</summary>" in page
    assert f'&lt;div hx-get="{PUBLIC}/fragments/carousel/{catalog.movie_slug}"' in page
    assert f"&lt;iframe src=&#34;{PUBLIC}/embed/spotlights/{catalog.movie_slug}&#34;" in page


def test_signin_shows_the_generated_teaser_snippet(client, catalog):
    page = client.get("/signin").get_data(as_text=True)
    assert f'&lt;div hx-get="{PUBLIC}/fragments/teaser"' in page


def test_unknown_spotlight_is_404_and_a_known_tag_without_list_is_pending(client, catalog, monkeypatch):
    assert client.get("/spotlights/nothing-spotlight-99").status_code == 404
    monkeypatch.setattr("qwir.widgets.queue_sync", None)
    pending = client.get(f"/spotlights/{catalog.trans_slug}")
    assert pending.status_code == 200
    assert "This spotlight is being prepared." in pending.get_data(as_text=True)
    assert "no-store" in pending.headers["Cache-Control"]
