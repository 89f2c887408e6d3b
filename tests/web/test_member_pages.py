"""Member pages: the feed, the sign-in page, planets and titles, as a browser without htmx gets them."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import hx

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


def test_feed_has_a_lazy_shelf_per_featured_tag_and_series_only_where_a_list_exists(client, catalog):
    page = client.get("/").get_data(as_text=True)
    assert f'hx-get="/fragments/carousel/{catalog.movie_slug}"' in page
    assert f'hx-get="/fragments/carousel/{catalog.series_slug}"' in page
    assert f'hx-get="/fragments/carousel/{catalog.trans_slug}"' in page
    assert "trans-series-spotlight" not in page
    assert "Drag" not in page  # not featured
    assert page.index("Queer") < page.index("Trans")
    assert 'hx-trigger="intersect once"' in page and 'aria-busy="true"' in page


def test_feed_without_tags_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No spotlights yet" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/signin", "/planets/queer", "/titles/movie/1001", "/preferences"])
def test_every_page_has_landmarks_skip_link_and_attribution(client, catalog, path):
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert 'aria-live="polite"' in page and '<nav class="site-nav" aria-label="Main">' in page
    assert f'<a href="https://www.themoviedb.org/" rel="noopener">{TMDB_NOTICE}</a>' in page
    assert "Demo catalog" in page
    assert "/static/vendor/htmx.min.js" in page and '"historyRestoreAsHxRequest":false' in page
    assert "<script>" not in page and " style=" not in page and " onclick=" not in page


def test_live_mode_drops_the_demo_notice_and_uses_tmdb_images(app, client, catalog):
    app.config["TMDB_API_KEY"] = "a" * 32
    page = client.get("/planets/queer").get_data(as_text=True)
    assert "Demo catalog" not in page
    assert 'src="https://image.tmdb.org/t/p/w342/poster-1000.svg"' in page


def test_signin_page_embeds_the_teaser_fragment(client, catalog):
    page = client.get("/signin").get_data(as_text=True)
    assert 'hx-get="/fragments/teaser"' in page and 'hx-trigger="load"' in page
    assert "Go straight to the spotlights" in page  # what a browser without JavaScript can follow


def test_planet_has_theme_hero_spotlights_rails_without_repeats_and_browse(client, catalog):
    page = client.get("/planets/queer").get_data(as_text=True)
    assert '<body class="theme-nebula' in page
    assert "<h1 id=\"planet-title\">Queer</h1>" in page
    assert page.count(f'hx-get="/fragments/carousel/{catalog.movie_slug}"') == 1
    assert f'hx-get="/fragments/carousel/{catalog.series_slug}"' in page
    rails = page.split('class="genre-shelves"')[1].split('id="planet-browse"')[0]
    ids = re.findall(r'id="genre-\d+-(movie|tv)-(\d+)"', rails)
    assert len(ids) == len(set(id for _, id in ids))  # no title twice across the rails
    grid = page.split('id="planet-grid"')[1]
    assert grid.count('class="card"') == 15  # keywords not resolved: the stored films, adult one out
    assert 'id="browse-fallback"' in page


def test_planet_browse_formats_sorts_and_decades_are_urls(client, catalog):
    page = client.get("/planets/queer?format=tv").get_data(as_text=True)
    grid = page.split('id="planet-grid"')[1]
    assert "Series 0" in grid and "Film 01" not in grid
    oldest = client.get("/planets/queer?sort=oldest").get_data(as_text=True)
    titles = re.findall(r'class="card__title">([^<]+)<', oldest.split('id="planet-grid"')[1])
    assert titles[:2] == ["Film 00", "Film 01"]
    decade = client.get("/planets/queer?decade=1990").get_data(as_text=True).split('id="planet-grid"')[1]
    assert {"Film 00", "Film 04"} <= set(re.findall(r'card__title">([^<]+)<', decade))
    assert "Film 05" not in decade  # 2000


def test_planet_filters_are_a_form_that_htmx_submits_on_change(client, catalog):
    page = client.get("/planets/queer").get_data(as_text=True)
    assert 'id="browse-filters" method="get" action="/planets/queer#planet-browse"' in page
    assert 'hx-trigger="change" hx-target="#planet-browse" hx-swap="outerHTML" hx-push-url="true"' in page
    for name in ("format", "genre", "decade", "language", "min_votes", "sort"):
        assert f'name="{name}"' in page, name


def test_planet_answers_htmx_with_only_its_browse_section(client, catalog):
    response = client.get("/planets/queer?genre=35", headers=hx())
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="browse" id="planet-browse"')
    assert "<html" not in body and "Rated Restricted" in body and "Film 01" not in body
    assert {"HX-Request", "Cookie"} <= set(response.vary)
    boosted = client.get("/planets/queer", headers=hx(**{"HX-Boosted": "true"}))
    assert "<html" in boosted.get_data(as_text=True)


def test_empty_planet_and_filter_states(client, catalog):
    empty = client.get("/planets/drag").get_data(as_text=True)
    assert "No titles here" in empty
    none = client.get("/planets/queer?decade=1900").get_data(as_text=True)
    assert "No title matches these filters" in none and 'id="filter-clear"' in none


@pytest.mark.parametrize(
    "path",
    ["/planets/nowhere", "/titles/movie/999999", "/titles/tv/1001", "/titles/book/1", "/titles/movie/abc",
     "/titles/movie/2001", "/fragments/carousel/nowhere-spotlight-1",
     "/fragments/carousel/queer-spotlight-99",
     "/fragments/random/bogus", "/fragments/planets/nowhere/more"],
)
def test_unknown_things_get_a_real_404_page(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "We could not find that" in page and '<main id="main"' in page


def test_404_for_htmx_is_a_bare_fragment(client, catalog):
    body = client.get("/fragments/carousel/nowhere", headers=hx()).get_data(as_text=True)
    assert "<html" not in body and 'id="error"' in body


@pytest.mark.parametrize(
    "query",
    ["sort=loudest", "format=book", "page=0", "page=abc", "page=501", "genre=drama", "decade=1995",
     "decade=-10", "language=xx", "services=abc", "min_votes=-1"],
)
def test_bad_planet_query_parameters_are_400_not_500(client, catalog, query):
    for base in ("/planets/queer", "/fragments/planets/queer/more"):
        response = client.get(f"{base}?{query}")
        assert response.status_code == 400, base
        assert "That request did not make sense to us" in response.get_data(as_text=True)


def test_title_page_shows_facts_credits_providers_and_tags(client, catalog, app):
    from qwir.extensions import db

    with app.app_context():
        item = catalog.item(1001)
        item.runtime, item.directors, item.imdb_id = 101, ["Ana Director"], "tt0000001"
        item.cast = [{"name": "Bea Actor", "character": "Jo"}]
        item.overview = "A blurb of our own."
        item.providers = {"US": {"link": "https://www.themoviedb.org/movie/1001/watch?locale=US",
                                 "flatrate": [{"provider_id": 8, "provider_name": "Netflix"}],
                                 "rent": [{"provider_id": 2, "provider_name": "Apple TV"}]}}
        db.session.commit()
    page = client.get("/titles/movie/1001").get_data(as_text=True)
    for expected in ("Film 01", "1992", "101 min", "Rated PG-13", "Drama", "A blurb of our own.",
                     "Directed by", "Ana Director", "Bea Actor", "as Jo", "Netflix", "Apple TV",
                     "Streaming data by <a href=\"https://www.justwatch.com/\"", "https://www.themoviedb.org/movie/1001",
                     "https://www.imdb.com/title/tt0000001/", 'href="/planets/queer"',
                     "Where to watch in United States"):
        assert expected in page, expected
    assert 'srcset="/sandbox/t/p/w185/poster-1001.svg 185w, /sandbox/t/p/w342/poster-1001.svg 342w, ' \
           '/sandbox/t/p/w500/poster-1001.svg 500w"' in page
    assert 'width="342" height="513"' in page


def test_title_without_providers_has_no_justwatch_line(client, catalog):
    page = client.get("/titles/tv/3000").get_data(as_text=True)
    assert "No streaming, rental or purchase offers" in page and "JustWatch" not in page
    assert "Series" in page and "per episode" not in page


def test_script_titles_render_as_text_everywhere(client, catalog):
    for path in ("/planets/queer?genre=35", f"/fragments/carousel/{catalog.movie_slug}", "/fragments/teaser",
                 "/titles/movie/2004"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
