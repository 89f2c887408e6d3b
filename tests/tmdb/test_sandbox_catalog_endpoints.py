"""The sandbox's search, recommendations, videos and provider list, in TMDb's shapes."""

from __future__ import annotations

import httpx
import pytest

from qwir.tmdb.sandbox import SandboxTransport, load_catalog

BASE_URL = "https://api.themoviedb.org/3"


@pytest.fixture
def tmdb():
    transport = SandboxTransport()
    with httpx.Client(transport=transport, base_url=BASE_URL, params={"api_key": "sandbox"}) as client:
        yield client


def test_search_multi_finds_films_and_series_each_with_its_media_type(tmdb, recorded_json):
    body = tmdb.get("/search/multi", params={"query": "love"}).json()
    kinds = {result["media_type"] for result in body["results"]}
    assert kinds <= {"movie", "tv"} and body["total_results"] == len(body["results"])
    example = recorded_json("openapi_v3.json")["paths"]["/3/search/multi"]["get"]["responses"]["200"]
    recorded = example["content"]["application/json"]["examples"]["Result"]["value"]["results"][0]
    ours = next(result for result in body["results"] if result["media_type"] == "movie")
    assert set(ours) == set(recorded)
    assert any(result["media_type"] == "tv" for result in tmdb.get("/search/multi", params={"query": "heart"})
               .json()["results"])


def test_search_movie_and_tv_keep_to_their_kind_and_page_by_twenty(tmdb):
    movies = tmdb.get("/search/movie", params={"query": "e"}).json()
    assert len(movies["results"]) == 20 and movies["total_pages"] > 1
    assert all("media_type" not in result and "title" in result for result in movies["results"])
    series = tmdb.get("/search/tv", params={"query": "e"}).json()
    assert all("name" in result for result in series["results"])


def test_search_without_a_query_is_tmdbs_validation_error(tmdb):
    response = tmdb.get("/search/multi")
    assert response.status_code == 422 and response.json() == {"errors": ["query must be provided"]}


def test_recommendations_share_keywords_and_name_their_media_type(tmdb):
    catalog = load_catalog()
    body = tmdb.get("/movie/142", params={"append_to_response": "recommendations,videos"}).json()
    recommended = body["recommendations"]["results"]
    assert 0 < len(recommended) <= 20 and body["videos"] == {"results": []}
    carried = set(catalog.movies[142]["keyword_ids"])
    for result in recommended:
        assert result["media_type"] == "movie" and result["id"] != 142 and not result["adult"]
        assert carried & set(catalog.movies[result["id"]]["keyword_ids"])
    alone = tmdb.get("/movie/142/recommendations").json()
    assert alone["id"] == 142 and alone["results"] == recommended


def test_discover_pages_through_all_three_hundred_films(tmdb):
    first = tmdb.get("/discover/movie").json()
    assert first["total_results"] == 300 and first["total_pages"] == 15
    assert len(tmdb.get("/discover/movie", params={"page": 15}).json()["results"]) == 20


def test_watch_provider_list_has_tmdbs_fields(tmdb):
    body = tmdb.get("/watch/providers/movie", params={"watch_region": "US"}).json()
    assert {"provider_id", "provider_name", "logo_path", "display_priority", "display_priorities"} == set(
        body["results"][0]
    )
