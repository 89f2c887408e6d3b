"""The in-process sandbox looks like TMDb v3 to a plain httpx client: shapes, filters, errors."""

from __future__ import annotations

import httpx
import pytest

from qwir.tmdb.sandbox import SandboxTransport, load_catalog

BASE_URL = "https://api.themoviedb.org/3"
LESBIAN, LGBT, GAY, HOMOSEXUALITY = 10768, 158718, 237, 10180
EXPLICIT_SEX = 12420  # "unsimulated sex"
INVALID_PAGE_MESSAGE = "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."


@pytest.fixture(scope="module")
def transport() -> SandboxTransport:
    return SandboxTransport()


@pytest.fixture
def tmdb(transport):
    with httpx.Client(transport=transport, base_url=BASE_URL, params={"api_key": "sandbox"}) as client:
        yield client


def get(tmdb: httpx.Client, path: str, **params) -> dict:
    response = tmdb.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def all_results(tmdb: httpx.Client, path: str, **params) -> list[dict]:
    first = get(tmdb, path, **params)
    results = list(first["results"])
    for page in range(2, first["total_pages"] + 1):
        results += get(tmdb, path, page=page, **params)["results"]
    return results


def movie_keywords(movie_id: int) -> set[int]:
    return set(load_catalog().movies[movie_id]["keyword_ids"])


# Shapes match the recorded payloads -------------------------------------------------------------


def test_discover_movie_results_have_exactly_tmdbs_list_fields(tmdb, recorded_json):
    recorded = recorded_json("discover_movie_language_en_p1_2022-11-26.json")
    body = get(tmdb, "/discover/movie")
    assert body.keys() == recorded.keys()
    assert {tuple(sorted(item)) for item in body["results"]} == {tuple(sorted(recorded["results"][0]))}


def test_discover_tv_results_have_exactly_tmdbs_list_fields(tmdb, recorded_json):
    recorded = recorded_json("discover_tv_language_en_p1_2022-11-26.json")
    body = get(tmdb, "/discover/tv")
    assert body["results"], "the demo catalog has series"
    assert {tuple(sorted(item)) for item in body["results"]} == {tuple(sorted(recorded["results"][0]))}


@pytest.mark.parametrize(
    ("path", "recorded_file"),
    [
        ("/movie/376867", "movie_376867_moonlight_details_2018.json"),
        ("/movie/205596", "movie_550_details_2024-03.json"),
        ("/tv/61664", "tv_1399_details_2024-03.json"),
        ("/configuration", "configuration_2024-09.json"),
        ("/genre/movie/list", "genre_movie_list_en_2022-11-26.json"),
        ("/genre/tv/list", "genre_tv_list_en_2022-11-26.json"),
        ("/keyword/237", "keyword_1721_2022-11-26.json"),
    ],
)
def test_top_level_fields_match_the_recorded_payload(tmdb, recorded_json, path, recorded_file):
    assert get(tmdb, path).keys() == recorded_json(recorded_file).keys()


def test_genre_lists_are_tmdbs(tmdb, recorded_json):
    assert get(tmdb, "/genre/tv/list") == recorded_json("genre_tv_list_en_2022-11-26.json")
    assert get(tmdb, "/genre/movie/list") == recorded_json("genre_movie_list_en_2022-11-26.json")


def test_configuration_points_images_at_the_configured_base_url():
    transport = SandboxTransport(image_base_url="http://127.0.0.1:9/t/p/")
    with httpx.Client(transport=transport, base_url=BASE_URL) as client:
        images = client.get("/configuration", params={"api_key": "sandbox"}).json()["images"]
    assert images["secure_base_url"] == "http://127.0.0.1:9/t/p/"
    assert "w342" in images["poster_sizes"] and "w1280" in images["backdrop_sizes"]


# Keyword search and keyword details --------------------------------------------------------------


def test_keyword_search_matches_substrings_case_insensitively_in_id_order(tmdb):
    body = get(tmdb, "/search/keyword", query="LESBIAN")
    names = [hit["name"] for hit in body["results"]]
    assert "lesbian" in names and "lesbian relationship" in names
    assert all("lesbian" in name for name in names)
    assert [hit["id"] for hit in body["results"]] == sorted(hit["id"] for hit in body["results"])
    assert set(body) == {"page", "results", "total_pages", "total_results"}
    assert all(set(hit) == {"id", "name"} for hit in body["results"])


def test_keyword_search_pages_by_twenty(tmdb):
    first = get(tmdb, "/search/keyword", query="gay")
    assert first["total_results"] > 20 and len(first["results"]) == 20
    second = get(tmdb, "/search/keyword", query="gay", page=2)
    assert second["page"] == 2
    assert not {hit["id"] for hit in first["results"]} & {hit["id"] for hit in second["results"]}
    assert first["total_pages"] == -(-first["total_results"] // 20)


def test_keyword_search_without_query_is_a_validation_error(tmdb):
    response = tmdb.get("/search/keyword")
    assert response.status_code == 422
    assert response.json() == {"errors": ["query must be provided"]}


def test_keyword_search_with_no_match_is_an_empty_page(tmdb):
    body = get(tmdb, "/search/keyword", query="zzzz-no-such-keyword")
    assert body == {"page": 1, "results": [], "total_pages": 1, "total_results": 0}


def test_keyword_details(tmdb):
    assert get(tmdb, "/keyword/10768") == {"id": 10768, "name": "lesbian"}


# Discover filters ---------------------------------------------------------------------------------


def test_pipe_in_with_keywords_means_or_and_comma_means_and(tmdb):
    either = {m["id"] for m in all_results(tmdb, "/discover/movie", with_keywords=f"{LESBIAN}|{GAY}")}
    both = {m["id"] for m in all_results(tmdb, "/discover/movie", with_keywords=f"{LESBIAN},{GAY}")}
    lesbian = {m["id"] for m in all_results(tmdb, "/discover/movie", with_keywords=str(LESBIAN))}
    assert both < lesbian < either
    assert all({LESBIAN, GAY} <= movie_keywords(movie_id) for movie_id in both)
    assert all({LESBIAN, GAY} & movie_keywords(movie_id) for movie_id in either)


def test_without_keywords_excludes_titles_carrying_any_of_them(tmdb):
    kept = all_results(
        tmdb, "/discover/movie", with_keywords=str(GAY), without_keywords=f"{EXPLICIT_SEX},{LGBT}"
    )
    assert kept
    assert all(not {EXPLICIT_SEX, LGBT} & movie_keywords(movie["id"]) for movie in kept)


def test_adult_titles_only_with_include_adult(tmdb):
    catalog = load_catalog()
    adult_ids = {movie_id for movie_id, movie in catalog.movies.items() if movie["adult"]}
    default = {m["id"] for m in all_results(tmdb, "/discover/movie")}
    with_adult = {m["id"] for m in all_results(tmdb, "/discover/movie", include_adult="true")}
    assert not default & adult_ids
    assert with_adult == default | adult_ids


def test_release_date_range_is_inclusive(tmdb):
    movies = all_results(
        tmdb,
        "/discover/movie",
        **{"primary_release_date.gte": "2015-01-01", "primary_release_date.lte": "2015-12-31"},
    )
    assert movies and all("2015-01-01" <= m["release_date"] <= "2015-12-31" for m in movies)
    assert "The Danish Girl" in {m["title"] for m in movies}  # released 2015-01-01


def test_first_air_date_filters_series(tmdb):
    series = all_results(tmdb, "/discover/tv", **{"first_air_date.gte": "2018-01-01"})
    assert series and all(show["first_air_date"] >= "2018-01-01" for show in series)
    assert "Heartstopper" in {show["name"] for show in series}


def test_malformed_date_is_tmdbs_invalid_date_error(tmdb):
    response = tmdb.get("/discover/movie", params={"release_date.gte": "2015-13-45"})
    assert response.status_code == 400 and response.json()["status_code"] == 23


def test_certification_lte_keeps_milder_us_ratings(tmdb):
    movies = all_results(
        tmdb, "/discover/movie", certification_country="US", **{"certification.lte": "PG-13"}
    )
    catalog = load_catalog()
    assert movies
    assert {catalog.movies[m["id"]]["certification"] for m in movies} <= {"G", "PG", "PG-13"}


def test_exact_certification_and_its_country(tmdb):
    rated_r = all_results(tmdb, "/discover/movie", certification_country="US", certification="R")
    rated_15 = all_results(tmdb, "/discover/movie", certification_country="GB", certification="15")
    assert rated_r and {m["id"] for m in rated_r} == {m["id"] for m in rated_15}


def test_certification_is_ignored_on_tv_like_tmdb(tmdb):
    plain = get(tmdb, "/discover/tv")
    filtered = get(tmdb, "/discover/tv", certification_country="US", **{"certification.lte": "G"})
    assert filtered["total_results"] == plain["total_results"]


def test_votes_language_and_genre_filters(tmdb):
    movies = all_results(
        tmdb,
        "/discover/movie",
        with_original_language="fr",
        with_genres="18",
        **{"vote_count.gte": "100", "vote_average.gte": "7"},
    )
    assert movies
    for movie in movies:
        assert movie["original_language"] == "fr" and 18 in movie["genre_ids"]
        assert movie["vote_count"] >= 100 and movie["vote_average"] >= 7


@pytest.mark.parametrize(
    ("sort_by", "field", "descending"),
    [
        ("popularity.desc", "popularity", True),
        ("vote_average.desc", "vote_average", True),
        ("vote_count.desc", "vote_count", True),
        ("primary_release_date.desc", "release_date", True),
        ("primary_release_date.asc", "release_date", False),
        ("title.asc", "title", False),
    ],
)
def test_movie_sorts(tmdb, sort_by, field, descending):
    values = [m[field] for m in all_results(tmdb, "/discover/movie", sort_by=sort_by)]
    if field == "title":
        values = [value.casefold() for value in values]
    assert values == sorted(values, reverse=descending)


def test_tv_sorts_by_name_and_air_date(tmdb):
    names = [s["name"].casefold() for s in all_results(tmdb, "/discover/tv", sort_by="name.asc")]
    dates = [s["first_air_date"] for s in all_results(tmdb, "/discover/tv", sort_by="first_air_date.desc")]
    assert names == sorted(names) and dates == sorted(dates, reverse=True)


def test_default_order_is_popularity_desc_and_pages_are_disjoint(tmdb):
    first, second = get(tmdb, "/discover/movie"), get(tmdb, "/discover/movie", page=2)
    assert len(first["results"]) == 20 and first["total_results"] > 200
    assert first["total_pages"] == -(-first["total_results"] // 20)
    popularity = [m["popularity"] for m in first["results"] + second["results"]]
    assert popularity == sorted(popularity, reverse=True)
    assert not {m["id"] for m in first["results"]} & {m["id"] for m in second["results"]}


def test_a_page_past_the_end_is_empty_but_page_501_is_an_error(tmdb):
    past_end = get(tmdb, "/discover/movie", page=400)
    assert past_end["page"] == 400 and past_end["results"] == []
    for page in ("501", "0", "two"):
        response = tmdb.get("/discover/movie", params={"page": page})
        assert response.status_code == 400
        assert response.json() == {
            "success": False,
            "status_code": 22,
            "status_message": INVALID_PAGE_MESSAGE,
        }


# Auth and unknown resources ------------------------------------------------------------------------

INVALID_KEY = {
    "success": False,
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
}
NOT_FOUND = {
    "success": False,
    "status_code": 34,
    "status_message": "The resource you requested could not be found.",
}


def test_the_key_is_accepted_as_a_query_parameter_or_a_bearer_token(transport):
    with httpx.Client(transport=transport, base_url=BASE_URL) as client:
        assert client.get("/configuration", params={"api_key": "sandbox"}).status_code == 200
        assert client.get("/configuration", headers={"Authorization": "Bearer sandbox"}).status_code == 200


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({}, {}),
        ({"api_key": "wrong"}, {}),
        ({}, {"Authorization": "Bearer wrong"}),
        ({}, {"Authorization": "sandbox"}),
        ({"api_key": "wrong"}, {"Authorization": "Bearer sandbox"}),
    ],
)
def test_anything_but_the_one_secret_is_tmdbs_401(transport, params, headers):
    with httpx.Client(transport=transport, base_url=BASE_URL) as client:
        response = client.get("/discover/movie", params=params, headers=headers)
    assert response.status_code == 401 and response.json() == INVALID_KEY


def test_a_configured_key_replaces_the_default():
    with httpx.Client(transport=SandboxTransport(api_key="my-real-looking-key"), base_url=BASE_URL) as client:
        assert client.get("/configuration", params={"api_key": "sandbox"}).status_code == 401
        assert client.get("/configuration", params={"api_key": "my-real-looking-key"}).status_code == 200


@pytest.mark.parametrize(
    "path", ["/movie/1", "/tv/1", "/keyword/1", "/movie/abc", "/no/such/path", "/movie/142/nope"]
)
def test_unknown_ids_and_paths_are_tmdbs_404(tmdb, path):
    response = tmdb.get(path)
    assert response.status_code == 404 and response.json() == NOT_FOUND


# Details and append_to_response --------------------------------------------------------------------

MOVIE_PARTS = "credits,external_ids,watch/providers,release_dates,keywords"
TV_PARTS = "credits,external_ids,watch/providers,content_ratings,keywords"


def test_movie_details_append_each_part_under_its_own_key(tmdb, recorded_json):
    movie = get(tmdb, "/movie/142", append_to_response=MOVIE_PARTS)
    recorded = recorded_json(
        "movie_607_append_external_ids_videos_release_dates_credits_reviews_watch_providers_2021-08.json"
    )
    for part in MOVIE_PARTS.split(","):
        assert part in movie and "id" not in movie[part]
    assert movie["credits"].keys() == recorded["credits"].keys()
    assert movie["credits"]["cast"][0].keys() == recorded["credits"]["cast"][0].keys()
    assert movie["credits"]["crew"][0]["job"] == "Director"
    assert movie["keywords"]["keywords"][0].keys() == {"id", "name"}
    us_release = next(r for r in movie["release_dates"]["results"] if r["iso_3166_1"] == "US")
    assert us_release["release_dates"][0]["type"] == 3
    assert (
        us_release["release_dates"][0].keys()
        >= recorded["release_dates"]["results"][0]["release_dates"][0].keys()
    )


def test_tv_details_carry_content_ratings_and_keywords_as_results(tmdb):
    show = get(tmdb, "/tv/85552", append_to_response=TV_PARTS)
    assert show["name"] == "Euphoria" and show["created_by"][0]["name"] == "Sam Levinson"
    assert {"iso_3166_1": "US", "rating": "TV-MA", "descriptors": []} in show["content_ratings"]["results"]
    assert "results" in show["keywords"] and "keywords" not in show["keywords"]
    assert "release_dates" not in get(tmdb, "/tv/85552", append_to_response="release_dates")


def test_watch_providers_are_fictional_demo_services_per_region(tmdb):
    providers = get(tmdb, "/movie/376867", append_to_response="watch/providers")["watch/providers"]["results"]
    assert {"US", "GB", "DE"} <= providers.keys()
    for region in providers.values():
        assert region["link"].startswith("https://www.themoviedb.org/movie/376867")
        offers = [p for kind in ("flatrate", "rent", "buy", "ads", "free") for p in region.get(kind, [])]
        assert all(p["provider_name"].startswith("Demo ") for p in offers)
        assert all(
            p.keys() == {"logo_path", "provider_id", "provider_name", "display_priority"} for p in offers
        )


def test_more_than_twenty_appended_parts_is_error_27(tmdb):
    response = tmdb.get("/movie/142", params={"append_to_response": ",".join(["credits"] * 21)})
    assert response.status_code == 400 and response.json()["status_code"] == 27


def test_sub_resources_answer_on_their_own_with_the_title_id(tmdb, recorded_json):
    keywords = get(tmdb, "/movie/142/keywords")
    assert keywords.keys() == recorded_json("movie_550_keywords_2022-11-26.json").keys()
    ratings = get(tmdb, "/tv/1424/content_ratings")
    assert ratings.keys() == recorded_json("tv_1396_content_ratings_2022-11-26.json").keys()
    assert get(tmdb, "/movie/142/watch/providers")["id"] == 142


def test_images_and_null_prone_fields_follow_tmdbs_types(tmdb):
    movie = get(tmdb, "/movie/376867")
    assert movie["poster_path"] == "/qwir-demo-movie-376867.svg"
    assert movie["backdrop_path"] == "/qwir-demo-movie-376867-backdrop.svg"
    assert movie["imdb_id"] is None and isinstance(movie["overview"], str)
