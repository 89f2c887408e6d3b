"""Normalising TMDb details: every recorded payload, hand-made edge cases, image URLs and srcsets."""

from __future__ import annotations

import datetime as dt

import pytest

from qwir.tmdb.normalize import (
    CastMember,
    ImageConfig,
    RegionProviders,
    all_providers,
    image_url,
    movie_certification,
    movie_certifications,
    normalize_details,
    normalize_movie,
    normalize_tv,
    top_cast,
    tv_certification,
    tv_certifications,
)

# Sub-resource recordings and the append_to_response key each one appears under in a details answer.
SUB_RESOURCES = {
    "movie_550_credits_2024-03.json": "credits",
    "movie_550_external_ids_2024-03.json": "external_ids",
    "movie_550_keywords_2022-11-26.json": "keywords",
    "movie_550_release_dates_2024-03.json": "release_dates",
    "movie_550_watch_providers_2024-03.json": "watch/providers",
    "movie_550_releases_legacy_endpoint_2022-11-26.json": "releases",
    "tv_1396_content_ratings_2022-11-26.json": "content_ratings",
    "tv_1396_external_ids_2022-11-26.json": "external_ids",
    "tv_1399_watch_providers_2023-10.json": "watch/providers",
}
BASE_DETAILS = {"movie_550": "movie_550_details_2024-03.json", "tv_1396": "tv_1396_details_2022-11-26.json"}
BASE_DETAILS["tv_1399"] = "tv_1399_details_2024-03.json"


def details_files(recorded) -> list[str]:
    names = sorted(p.name for p in recorded.glob("movie_*.json")) + sorted(
        p.name for p in recorded.glob("tv_*.json")
    )
    names += ["spec_example_movie_11_details.json", "spec_example_tv_1399_details.json"]
    return names


def as_details(recorded_json, name: str) -> tuple[str, dict]:
    """(media type, details payload); a sub-resource recording is appended to its title's details."""
    media_type = "movie" if name.startswith(("movie_", "spec_example_movie")) else "tv"
    if name not in SUB_RESOURCES:
        return media_type, recorded_json(name)
    part = recorded_json(name)
    part.pop("id", None)
    details = recorded_json(BASE_DETAILS["_".join(name.split("_")[:2])])
    details[SUB_RESOURCES[name]] = part
    return media_type, details


def test_every_recorded_movie_and_series_payload_normalises(recorded, recorded_json):
    names = details_files(recorded)
    assert len(names) >= 20
    for name in names:
        media_type, payload = as_details(recorded_json, name)
        item = normalize_details(media_type, payload)
        assert item.media_type == media_type, name
        assert item.tmdb_id == payload["id"], name
        assert item.title == (payload.get("title") or payload.get("name")), name
        date_text = payload.get("release_date") or payload.get("first_air_date")
        assert item.year == (int(date_text[:4]) if date_text else None), name
        assert [g["name"] for g in item.genres] == [g["name"] for g in payload.get("genres") or []], name
        if payload.get("poster_path"):
            assert item.poster_url == f"https://image.tmdb.org/t/p/w342{payload['poster_path']}", name
        assert len(item.cast) <= 10, name
        providers = payload.get("watch/providers", {}).get("results", {})
        assert set(item.providers) == set(providers), name


def test_a_film_with_its_appended_parts(recorded_json):
    name = "movie_607_append_external_ids_videos_release_dates_credits_reviews_watch_providers_2021-08.json"
    item = normalize_movie(recorded_json(name), region="US")
    assert (item.title, item.year, item.runtime) == ("Men in Black", 1997, 98)
    assert item.release_date == dt.date(1997, 7, 2)
    assert item.certification == "PG-13"
    assert item.certification_region == "US"
    assert item.directors == ["Barry Sonnenfeld"]
    assert [member.name for member in item.cast[:2]] == ["Tommy Lee Jones", "Will Smith"]
    assert item.cast[0] == CastMember("Tommy Lee Jones", "Agent K", "/zixpaPmOonRh1I3TWgxDkeGxkrv.jpg")
    assert item.imdb_id == "tt0119654"
    assert "US" in item.providers and len(item.providers) > 1  # every country, not only the region
    assert item.providers["US"].link.startswith("https://www.themoviedb.org/movie/607")
    assert item.certifications["US"] == "PG-13" and len(item.certifications) > 1


def test_a_film_assembled_from_the_separate_recordings(recorded_json):
    details = recorded_json("movie_550_details_2024-03.json")
    for name, key in SUB_RESOURCES.items():
        if name.startswith("movie_550") and key != "releases":
            details[key] = recorded_json(name)
    item = normalize_movie(details, region="US")
    assert item.certification == "R"
    assert item.directors == ["David Fincher"]
    assert item.imdb_id == "tt0137523"
    assert {"id": 825, "name": "support group"} in item.keywords
    assert item.cast[0].name == "Edward Norton"


def test_a_series_with_appended_parts_takes_creators_and_the_last_episode_runtime(recorded_json):
    item = normalize_tv(
        recorded_json(
            "tv_1399_append_alternative_titles_content_ratings_credits_recommendations_similar_2024-09.json"
        )
    )
    assert item.media_type == "tv"
    assert (item.title, item.year) == ("Game of Thrones", 2011)
    assert item.runtime == 80  # episode_run_time is empty; the last aired episode ran 80 minutes
    assert item.directors == ["David Benioff", "D. B. Weiss"]
    assert item.certification == "TV-MA"
    assert item.cast[0].name == "Peter Dinklage"


def test_a_series_assembled_from_its_recordings(recorded_json):
    details = recorded_json("tv_1396_details_2022-11-26.json")
    details["content_ratings"] = recorded_json("tv_1396_content_ratings_2022-11-26.json")
    details["external_ids"] = recorded_json("tv_1396_external_ids_2022-11-26.json")
    item = normalize_tv(details, region="US")
    assert (item.title, item.runtime, item.certification) == ("Breaking Bad", 45, "TV-MA")
    assert item.imdb_id == "tt0903747"
    assert item.directors == ["Vince Gilligan"]


@pytest.mark.parametrize(
    ("name", "title", "imdb_id"),
    [
        ("movie_376867_moonlight_details_2018.json", "Moonlight", "tt4975722"),
        ("movie_398818_call_me_by_your_name_details_2018.json", "Call Me by Your Name", "tt5726616"),
        ("movie_429191_a_fantastic_woman_details_2018.json", "A Fantastic Woman", "tt5639354"),
    ],
)
def test_details_without_appended_parts_leave_those_fields_empty(recorded_json, name, title, imdb_id):
    item = normalize_movie(recorded_json(name))
    assert item.title == title
    assert item.imdb_id == imdb_id
    assert (item.certification, item.certification_region) == (None, None)
    assert (item.directors, item.cast, item.keywords, item.providers) == ([], [], [], {})


def test_series_keywords_come_from_results_and_film_keywords_from_keywords():
    tv = normalize_tv({"id": 1, "name": "A", "keywords": {"results": [{"id": 9, "name": "drag"}]}})
    movie = normalize_movie({"id": 2, "title": "B", "keywords": {"keywords": [{"id": 8, "name": "gay"}]}})
    assert tv.keywords == [{"id": 9, "name": "drag"}]
    assert movie.keywords == [{"id": 8, "name": "gay"}]


NULL_MOVIE = {
    "id": 10,
    "title": None,
    "original_title": None,
    "original_language": None,
    "release_date": None,
    "runtime": None,
    "overview": None,
    "genres": None,
    "poster_path": None,
    "backdrop_path": None,
    "imdb_id": None,
    "vote_average": None,
    "vote_count": None,
    "popularity": None,
    "adult": None,
    "credits": {"cast": None, "crew": None},
    "external_ids": None,
    "release_dates": {"results": None},
    "watch/providers": {"results": {"US": None}},
    "keywords": None,
}
EMPTY_MOVIE = {
    "id": 11,
    "title": "",
    "original_title": "Un titre",
    "release_date": "",
    "runtime": 0,
    "overview": "",
    "genres": [],
    "poster_path": "",
    "imdb_id": "",
    "external_ids": {"imdb_id": ""},
    "credits": {"cast": [], "crew": []},
    "release_dates": {"results": [{"iso_3166_1": "US", "release_dates": []}]},
    "watch/providers": {"results": {}},
    "keywords": {"keywords": []},
}
NULL_SERIES = {
    "id": 12,
    "name": None,
    "first_air_date": None,
    "episode_run_time": None,
    "last_episode_to_air": None,
    "created_by": None,
    "content_ratings": {"results": [{"iso_3166_1": "US", "rating": ""}]},
    "keywords": {"results": None},
    "genres": [{"id": None, "name": "Broken"}, "nonsense"],
}


@pytest.mark.parametrize(
    ("media_type", "payload"),
    [
        ("movie", NULL_MOVIE),
        ("movie", EMPTY_MOVIE),
        ("tv", NULL_SERIES),
        ("movie", {"id": 13}),
        ("tv", {"id": 14}),
    ],
)
def test_null_empty_and_missing_fields_all_survive(media_type, payload):
    item = normalize_details(media_type, payload)
    assert item.tmdb_id == payload["id"]
    assert item.year is None and item.release_date is None and item.runtime is None
    assert item.poster_url is None and item.backdrop_url is None
    assert item.imdb_id is None and item.certification is None
    assert item.genres == [] and item.keywords == [] and item.cast == [] and item.directors == []
    assert item.providers == {} and item.overview == "" and item.adult is False
    assert item.vote_average is None


def test_the_original_title_stands_in_for_an_empty_title():
    assert normalize_movie(EMPTY_MOVIE).title == "Un titre"


def test_a_payload_without_an_id_is_refused():
    with pytest.raises(ValueError, match="integer id"):
        normalize_movie({"title": "No id"})


def test_an_unknown_media_type_is_refused():
    with pytest.raises(ValueError, match="media_type"):
        normalize_details("person", {"id": 1})


def release(certification: str, release_type: int) -> dict:
    return {"certification": certification, "type": release_type, "release_date": "2020-01-01T00:00:00.000Z"}


def test_film_certification_prefers_theatrical_then_limited_then_any_rated_release():
    def dates(*releases, region="US"):
        return {"results": [{"iso_3166_1": region, "release_dates": list(releases)}]}

    assert movie_certification(dates(release("NR", 4), release("R", 2), release("PG-13", 3)), "US") == "PG-13"
    assert movie_certification(dates(release("", 3), release("R", 2), release("NR", 5)), "US") == "R"
    assert movie_certification(dates(release("", 3), release("NR", 5)), "US") == "NR"
    assert movie_certification(dates(release("", 3)), "US") is None
    assert movie_certification(dates(release("16", 3), region="DE"), "US") is None
    assert movie_certification(dates(release("16", 3), region="DE"), "DE") == "16"


def test_series_certification_is_the_regions_rating(recorded_json):
    ratings = recorded_json("tv_1396_content_ratings_2022-11-26.json")
    assert tv_certification(ratings, "US") == "TV-MA"
    assert tv_certification(ratings, "DE") == "16"
    assert tv_certification(ratings, "ZZ") is None


def test_providers_keep_every_country_in_display_order(recorded_json):
    payload = recorded_json("tv_1399_watch_providers_2023-10.json")
    providers = all_providers(payload)
    assert set(providers) == set(payload["results"]) and "DE" in providers
    us = providers["US"]
    assert isinstance(us, RegionProviders)
    assert us.link == "https://www.themoviedb.org/tv/1399-game-of-thrones/watch?locale=US"
    assert [p.provider_name for p in us.flatrate] == ["Max Amazon Channel", "Max", "Spectrum On Demand"]
    assert us.rent == [] and us.ads == [] and us.free == []
    assert all_providers({"results": {}}) == {}


def test_every_country_rating_is_kept(recorded_json):
    ratings = tv_certifications(recorded_json("tv_1396_content_ratings_2022-11-26.json"))
    assert ratings["US"] == "TV-MA" and ratings["DE"] == "16"
    films = movie_certifications(recorded_json("movie_550_release_dates_2024-03.json"))
    assert films["US"] == "R" and all(films.values())


def test_top_cast_is_ten_people_by_billing_order_with_unordered_people_last():
    cast = [{"name": f"Person {n}", "order": 11 - n} for n in range(12)] + [
        {"name": "Unbilled", "order": None}
    ]
    names = [member.name for member in top_cast({"cast": list(reversed(cast))})]
    assert names == [f"Person {n}" for n in range(11, 1, -1)]
    assert [m.name for m in top_cast({"cast": [{"name": "Unbilled"}, {"name": "Lead", "order": 0}]})] == [
        "Lead",
        "Unbilled",
    ]


@pytest.mark.parametrize(
    "name", ["configuration_2022-11-26.json", "configuration_2024-09.json", "spec_example_configuration.json"]
)
def test_image_configuration_from_recorded_answers(recorded_json, name):
    images = ImageConfig.from_configuration(recorded_json(name))
    assert images.secure_base_url == "https://image.tmdb.org/t/p/"
    assert {"w185", "w342", "w500"} <= set(images.poster_sizes)
    assert {"w780", "w1280"} <= set(images.backdrop_sizes)
    assert images.poster_url("/p.jpg") == "https://image.tmdb.org/t/p/w342/p.jpg"


@pytest.mark.parametrize("payload", [None, {}, {"images": None}, {"images": {"secure_base_url": ""}}])
def test_a_missing_configuration_falls_back_to_tmdbs_usual_values(payload):
    assert ImageConfig.from_configuration(payload) == ImageConfig.default()


def test_the_sandbox_base_url_is_used_as_given():
    images = ImageConfig.from_configuration({"images": {"secure_base_url": "/sandbox/t/p/"}})
    assert images.backdrop_url("/b.svg") == "/sandbox/t/p/w1280/b.svg"
    item = normalize_movie({"id": 1, "title": "T", "poster_path": "/p.svg"}, images=images)
    assert item.poster_url == "/sandbox/t/p/w342/p.svg"


def test_srcsets_cover_the_sizes_the_ui_draws():
    images = ImageConfig.default()
    assert images.poster_srcset("/p.jpg") == (
        "https://image.tmdb.org/t/p/w185/p.jpg 185w, "
        "https://image.tmdb.org/t/p/w342/p.jpg 342w, "
        "https://image.tmdb.org/t/p/w500/p.jpg 500w"
    )
    assert images.backdrop_srcset("/b.jpg") == (
        "https://image.tmdb.org/t/p/w780/b.jpg 780w, https://image.tmdb.org/t/p/w1280/b.jpg 1280w"
    )
    assert images.poster_srcset(None) == ""


def test_a_srcset_only_offers_sizes_the_configuration_lists():
    images = ImageConfig(poster_sizes=("w92", "w342", "original"))
    assert images.poster_srcset("/p.jpg") == "https://image.tmdb.org/t/p/w342/p.jpg 342w"


def test_image_url_without_a_path_is_none():
    assert image_url(None, "w342") is None
    assert image_url("", "w342") is None
    assert image_url("/p.jpg", "original") == "https://image.tmdb.org/t/p/original/p.jpg"
