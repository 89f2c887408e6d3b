"""Planet browse, search and title pages against TMDb, request by request (respx), safety on every surface."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import respx

from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.tmdb.sandbox.certification_lists import LISTS as CERTIFICATION_LISTS
from tests.web.conftest import hx

API = "https://api.themoviedb.org/3"
LESBIAN, SUICIDE, HOMOPHOBIA = 264386, 236, 1013
# Content notes read keyword names, as TMDb gives them.
KEYWORD_NAMES = {LESBIAN: "lesbian", SUICIDE: "suicide", HOMOPHOBIA: "homophobia"}
EXPLICIT = "445|5593|11214|12420|18314|155477|156433|190370|211279"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TMDB_API_KEY": "0123456789abcdef" * 2, "TMDB_MAX_RETRIES": 0, "FEED_MIN_TITLES": 3}


@pytest.fixture
def planet(app, catalog):
    """The Queer planet with its keyword resolved, as a sync leaves it."""
    with app.app_context():
        tag = db.session.get(IdentityTag, catalog.queer_id)
        tag.keyword_ids = [LESBIAN, 9999]
        db.session.commit()
    return catalog


def result(tmdb_id: int, title: str, **fields) -> dict:
    return {"id": tmdb_id, "title": title, "original_title": title, "release_date": "2019-05-01",
            "poster_path": f"/p{tmdb_id}.jpg", "adult": False, "genre_ids": [18], "vote_average": 7.1,
            "vote_count": 300, "popularity": 10.0, **fields}


def page(results: list[dict], total: int = 1234, page_number: int = 1) -> dict:
    return {"page": page_number, "results": results, "total_results": total, "total_pages": -(-total // 20)}


def details(tmdb_id: int, keyword_ids: list[int], certification: str = "PG-13", **fields) -> dict:
    return {
        "id": tmdb_id, "title": f"Title {tmdb_id}", "adult": False, "genres": [{"id": 18, "name": "Drama"}],
        "keywords": {"keywords": [{"id": k, "name": KEYWORD_NAMES.get(k, str(k))} for k in keyword_ids]},
        "release_dates": {"results": [{"iso_3166_1": "US", "release_dates": [
            {"certification": certification, "type": 3, "release_date": "2019-05-01T00:00:00.000Z"}]}]},
        **fields,
    }


@pytest.fixture
def tmdb():
    with respx.mock(base_url=API, assert_all_called=False) as mock:
        mock.get("/genre/movie/list").respond(json={"genres": [{"id": 18, "name": "Drama"}]})
        mock.get("/genre/tv/list").respond(json={"genres": [{"id": 18, "name": "Drama"}]})
        mock.get("/watch/providers/movie").respond(json={"results": [
            {"provider_id": 8, "provider_name": "Netflix", "logo_path": "/n.jpg", "display_priority": 1}]})
        mock.get("/watch/providers/tv").respond(json={"results": []})
        for media_type in ("movie", "tv"):
            mock.get(f"/certification/{media_type}/list").respond(
                json={"certifications": CERTIFICATION_LISTS[media_type]})
        yield mock


def discover_params(mock) -> list[dict]:
    return [dict(call.request.url.params) for call in mock.calls if "/discover/" in call.request.url.path]


# ---------------------------------------------------------------- planet browse


def test_browse_asks_discover_for_every_identity_keyword_with_safety_first(client, planet, tmdb):
    tmdb.get("/discover/movie").respond(json=page([result(1, "Carol")]))
    body = client.get("/planets/queer").get_data(as_text=True)
    [params] = discover_params(tmdb)
    assert params["with_keywords"] == f"{LESBIAN}|9999"
    assert params["include_adult"] == "false" and params["without_keywords"] == EXPLICIT
    assert params["sort_by"] == "popularity.desc" and params["page"] == "1"
    assert "certification" not in params  # no cap chosen
    assert "Carol" in body and "Showing 20 of 1,234" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("format=tv", {"sort_by": "popularity.desc"}),
        ("format=documentary", {"with_genres": "99"}),
        ("format=short", {"with_runtime.lte": "40"}),
        ("format=documentary&genre=10402", {"with_genres": "99,10402"}),
        ("genre=35", {"with_genres": "35"}),
        ("decade=1990", {"primary_release_date.gte": "1990-01-01", "primary_release_date.lte": "1999-12-31"}),
        ("format=tv&decade=2010", {"first_air_date.gte": "2010-01-01", "first_air_date.lte": "2019-12-31"}),
        ("language=fr", {"with_original_language": "fr"}),
        ("services=8&services=337", {"with_watch_providers": "8|337", "watch_region": "US"}),
        ("min_votes=500", {"vote_count.gte": "500"}),
        ("sort=top", {"sort_by": "vote_average.desc", "vote_count.gte": "50"}),
        ("sort=top&min_votes=10", {"sort_by": "vote_average.desc", "vote_count.gte": "50"}),
        ("sort=newest", {"sort_by": "primary_release_date.desc"}),
        ("sort=oldest", {"sort_by": "primary_release_date.asc"}),
        ("format=tv&sort=newest", {"sort_by": "first_air_date.desc"}),
        ("page=7", {"page": "7"}),
    ],
)
def test_each_filter_becomes_its_discover_parameters(client, planet, tmdb, query, expected):
    tmdb.get("/discover/movie").respond(json=page([]))
    tmdb.get("/discover/tv").respond(json=page([]))
    assert client.get(f"/planets/queer?{query}").status_code == 200
    [params] = discover_params(tmdb)
    assert expected.items() <= params.items()
    path = next(call.request.url.path for call in tmdb.calls if "/discover/" in call.request.url.path)
    assert path.endswith("/discover/tv" if "format=tv" in query else "/discover/movie")


def test_paging_is_capped_at_tmdbs_500_pages_with_true_counts(client, planet, tmdb):
    tmdb.get("/discover/movie").respond(json=page([result(3, "Pariah")], total=250_000, page_number=3))
    body = client.get("/planets/queer?page=3").get_data(as_text=True)
    assert "Showing 60 of 10,000" in body
    assert 'id="page-500"' in body and 'id="page-501"' not in body and 'aria-current="page"' in body
    assert 'href="/planets/queer?page=4#planet-browse"' in body  # load more without JavaScript
    assert client.get("/planets/queer?page=501").status_code == 400


def test_load_more_fragment_brings_the_next_page_the_count_and_focus(client, planet, tmdb):
    found = [result(21, "Tomboy"), result(22, "Tangerine")]
    tmdb.get("/discover/movie").respond(json=page(found, page_number=2))
    body = client.get("/fragments/planets/queer/more?page=2", headers=hx()).get_data(as_text=True)
    assert "<html" not in body and body.count('class="card"') == 2
    assert body.count("data-focus-on-load") == 1
    assert 'id="browse-movie-21" href="/titles/movie/21" data-focus-on-load' in body
    assert 'id="planet-count" aria-live="polite" hx-swap-oob="true">Showing 40 of 1,234' in body
    assert 'hx-get="/fragments/planets/queer/more?page=3"' in body


def test_browse_answers_come_from_the_cache_the_second_time(client, planet, tmdb):
    route = tmdb.get("/discover/movie").respond(json=page([result(1, "Carol")]))
    for _ in range(3):
        assert client.get("/planets/queer").status_code == 200
    assert route.call_count == 1


def test_concurrent_cold_visits_share_one_discover_request(app, planet, tmdb):
    def slow_page(request):
        time.sleep(0.2)
        return httpx.Response(200, json=page([result(1, "Carol")]))

    route = tmdb.get("/discover/movie").mock(side_effect=slow_page)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: app.test_client().get("/planets/queer").status_code, range(8)))
    assert statuses == [200] * 8 and route.call_count == 1


def test_tmdb_down_falls_back_to_the_stored_titles_with_a_plain_notice(client, planet, tmdb):
    tmdb.get("/discover/movie").respond(503, json={"status_code": 46, "status_message": "Maintenance"})
    response = client.get("/planets/queer")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="browse-fallback"' in body
    assert "The full catalog is unavailable for now" in body
    assert "Film 03" in body.split('id="planet-grid"')[1]


def test_a_title_with_an_avoided_keyword_never_shows_in_browse(client, planet, tmdb):
    client.post("/preferences", data={"avoid": ["suicide-self-harm"], "max_maturity": "16"})
    tmdb.get("/discover/movie").respond(json=page([result(501, "Dark Turn"), result(502, "Bright Day")]))
    tmdb.get("/movie/501").respond(json=details(501, [LESBIAN, SUICIDE]))
    tmdb.get("/movie/502").respond(json=details(502, [LESBIAN]))
    body = client.get("/planets/queer").get_data(as_text=True)
    [params] = discover_params(tmdb)
    # Explicit content always; an avoided note's keywords once a sync has met them (none here),
    # so the re-check by keyword name keeps "Dark Turn" out.
    assert set(params["without_keywords"].split("|")) >= set(EXPLICIT.split("|"))
    # The US ratings a 16-and-over cap admits (R admits from 17), from TMDb's certification list.
    assert params["certification_country"] == "US" and params["certification"] == "G|PG|PG-13"
    grid = body.split('id="planet-grid"')[1]
    assert "Bright Day" in grid and "Dark Turn" not in grid
    assert "1 left out by your preferences" in body


def test_a_title_tmdb_cannot_describe_is_not_shown_to_a_member_who_avoids_topics(client, planet, tmdb):
    client.post("/preferences", data={"avoid": ["suicide-self-harm"]})
    tmdb.get("/discover/movie").respond(json=page([result(503, "Unknown Quantity")]))
    tmdb.get("/movie/503").respond(404, json={"success": False, "status_code": 34, "status_message": "x"})
    body = client.get("/planets/queer").get_data(as_text=True)
    assert "Unknown Quantity" not in body


def test_stored_keywords_spare_a_hydration(client, planet, tmdb):
    client.post("/preferences", data={"avoid": ["anti-lgbtq-violence"]})
    tmdb.get("/discover/movie").respond(json=page([result(1001, "Film 01")]))
    body = client.get("/planets/queer").get_data(as_text=True)
    assert "Film 01" in body
    assert not [call for call in tmdb.calls if call.request.url.path.endswith("/movie/1001")]


def test_adult_results_never_show(client, planet, tmdb):
    tmdb.get("/discover/movie").respond(json=page([result(601, "Flagged", adult=True), result(602, "Fine")]))
    grid = client.get("/planets/queer").get_data(as_text=True).split('id="planet-grid"')[1]
    assert "Fine" in grid and "Flagged" not in grid


# ---------------------------------------------------------------- search


def test_search_screens_results_and_badges_identities(client, planet, tmdb):
    client.post("/preferences", data={"avoid": ["anti-lgbtq-violence"]})
    route = tmdb.get("/search/multi").respond(json=page([
        result(701, "Show Me Love", media_type="movie"),
        {"id": 702, "name": "Hate Story", "media_type": "tv", "first_air_date": "2020-01-01"},
        {"id": 9, "name": "A Person", "media_type": "person"},
    ], total=3))
    tmdb.get("/movie/701").respond(json=details(701, [LESBIAN]))
    tmdb.get("/tv/702").respond(json={"id": 702, "name": "Hate Story", "keywords": {"results": [
        {"id": HOMOPHOBIA, "name": "homophobia"}]}, "content_ratings": {"results": []}})
    body = client.get("/search?q=love").get_data(as_text=True)
    assert route.calls.last.request.url.params["include_adult"] == "false"
    assert "Show Me Love" in body and "Hate Story" not in body and "A Person" not in body
    assert "1 title found for “love”." in body
    assert re.search(r'class="badge theme-nebula" href="/planets/queer">Queer<', body)


# C0 controls other than whitespace are refused at the door (400); format characters are dropped here.
@pytest.mark.parametrize(("raw", "sent"), [("lo\u200bve\u2066", "lo ve"), ("  carol\t\n", "carol")])
def test_control_characters_are_dropped_before_asking_tmdb(client, planet, tmdb, raw, sent):
    route = tmdb.get("/search/multi").respond(json=page([], total=0))
    response = client.get("/fragments/search", query_string={"q": raw})
    assert response.status_code == 200
    assert route.calls.last.request.url.params["query"] == sent


def test_empty_and_too_long_queries_get_calm_answers_without_tmdb(client, planet, tmdb):
    route = tmdb.get("/search/multi").respond(json=page([], total=0))
    empty = client.get("/search?q=")
    assert empty.status_code == 200 and "Type a title" in empty.get_data(as_text=True)
    long = client.get("/search", query_string={"q": "a" * 600})
    assert long.status_code == 422 and "too long" in long.get_data(as_text=True)
    fragment = client.get("/fragments/search", query_string={"q": "a" * 600}, headers=hx())
    assert fragment.status_code == 422 and 'id="search-results"' in fragment.get_data(as_text=True)
    assert route.call_count == 0


def test_search_page_is_an_active_search_with_a_plain_form(client, planet, tmdb):
    body = client.get("/search").get_data(as_text=True)
    assert '<form class="search-form" role="search" method="get" action="/search">' in body
    assert 'hx-get="/fragments/search" hx-trigger="input changed delay:300ms, search"' in body
    assert 'id="search-count" class="browse__count" aria-live="polite"' in body
    assert 'id="site-search-q"' in body  # the header search on every page


def test_search_when_tmdb_is_down_says_so(client, planet, tmdb):
    tmdb.get("/search/multi").respond(503, json={"status_code": 46, "status_message": "Maintenance"})
    response = client.get("/search?q=carol")
    assert response.status_code == 200 and "Search is unavailable for now" in response.get_data(as_text=True)


# ---------------------------------------------------------------- title pages


def trailer(key: str = "dQw4w9WgXcQ", **fields) -> dict:
    return {"key": key, "site": "YouTube", "type": "Trailer", "official": True, "name": "Official Trailer",
            "published_at": "2015-01-01T00:00:00.000Z", **fields}


def test_title_page_for_any_id_with_trailer_facade_and_its_own_frame_host(client, planet, tmdb):
    body = details(142, [LESBIAN], runtime=134, credits={"cast": [
        {"name": "Heath Ledger", "character": "Ennis Del Mar", "order": 0}]},
        videos={"results": [trailer("teaser123", type="Teaser"), trailer()]},
        recommendations=page([result(801, "Kin"), result(802, "Rough")], total=2))
    route = tmdb.get("/movie/142").respond(json=body)
    tmdb.get("/movie/801").respond(json=details(801, [LESBIAN]))
    tmdb.get("/movie/802").respond(json=details(802, [1234]))  # no identity keyword: not "more like this"
    response = client.get("/titles/movie/142")
    page_body = response.get_data(as_text=True)
    append = route.calls.last.request.url.params["append_to_response"].split(",")
    wanted = {"credits", "keywords", "watch/providers", "release_dates", "videos", "recommendations"}
    assert wanted <= set(append)
    assert "Heath Ledger" in page_body and "as Ennis Del Mar" in page_body and "134 min" in page_body
    embed = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;rel=0"
    assert f'data-trailer-src="{embed}"' in page_body
    assert "<iframe" not in page_body
    assert "frame-src https://www.youtube-nocookie.com;" in response.headers["Content-Security-Policy"] + ";"
    more = page_body.split('id="more-like-this"')[1]
    assert "Kin" in more and "Rough" not in more
    assert 'href="/planets/queer?format=movie&amp;genre=18#planet-browse"' in page_body


def test_title_without_trailer_keeps_frames_forbidden(client, planet, tmdb):
    tmdb.get("/movie/143").respond(json=details(143, [LESBIAN], videos={"results": []}))
    response = client.get("/titles/movie/143")
    assert "frame-src" not in response.headers["Content-Security-Policy"]
    assert 'id="trailer"' not in response.get_data(as_text=True)


def test_title_with_an_avoided_keyword_is_withheld_without_its_trailer(client, planet, tmdb):
    client.post("/preferences", data={"avoid": ["suicide-self-harm"]})
    tmdb.get("/movie/144").respond(json=details(144, [LESBIAN, SUICIDE], videos={"results": [trailer()]}))
    response = client.get("/titles/movie/144")
    body = response.get_data(as_text=True)
    assert "keep this title" in body and 'id="trailer"' not in body
    assert "frame-src" not in response.headers["Content-Security-Policy"]


def test_adult_and_unknown_titles_are_404_and_tmdb_down_is_503(client, planet, tmdb):
    tmdb.get("/movie/145").respond(json=details(145, [], adult=True))
    tmdb.get("/movie/146").respond(404, json={"success": False, "status_code": 34, "status_message": "x"})
    tmdb.get("/movie/147").respond(503, json={"status_code": 46, "status_message": "Maintenance"})
    assert client.get("/titles/movie/145").status_code == 404
    assert client.get("/titles/movie/146").status_code == 404
    assert client.get("/titles/movie/147").status_code == 503


def test_tmdb_down_shows_a_stored_title_from_the_database(client, planet, tmdb):
    tmdb.get("/movie/1003").mock(side_effect=httpx.ConnectError("down"))
    response = client.get("/titles/movie/1003")
    assert response.status_code == 200 and "Film 03" in response.get_data(as_text=True)
    assert "TMDb is not answering right now" in response.get_data(as_text=True)
