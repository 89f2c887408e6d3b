"""The sandbox answers `language` and `translations` like TMDb, and rates titles in six more countries."""

from __future__ import annotations

import httpx
import pytest

from qwir.tmdb import maturity
from qwir.tmdb.sandbox import SandboxTransport

BASE_URL = "https://api.themoviedb.org/3"
BLUE_IS_THE_WARMEST_COLOR, CAROL, AMERICAN_BEAUTY = 152584, 258480, 14
SENSE8 = 61664
COUNTRIES = ("US", "FR", "BE", "CH", "CA", "GB", "DE")


@pytest.fixture(scope="module")
def tmdb():
    transport = SandboxTransport()
    with httpx.Client(transport=transport, base_url=BASE_URL, params={"api_key": "sandbox"}) as client:
        yield client


def get(tmdb: httpx.Client, path: str, **params) -> dict:
    response = tmdb.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_french_details_use_the_french_title_and_blurb(tmdb):
    film = get(tmdb, f"/movie/{BLUE_IS_THE_WARMEST_COLOR}", language="fr-FR")
    assert film["title"] == "La Vie d'Adèle - Chapitres 1 et 2"
    assert film["overview"].startswith("La vie d'une lycéenne bascule")
    assert {"id": 18, "name": "Drame"} in film["genres"]


def test_without_a_french_blurb_the_overview_is_empty_as_on_tmdb(tmdb):
    film = get(tmdb, f"/movie/{AMERICAN_BEAUTY}", language="fr-FR")
    assert film["title"] == "American Beauty" and film["overview"] == ""


def test_translations_hold_every_language_in_one_answer(tmdb):
    film = get(tmdb, f"/movie/{CAROL}", append_to_response="translations")
    by_language = {entry["iso_639_1"]: entry for entry in film["translations"]["translations"]}
    assert set(by_language) == {"en", "fr"}
    assert by_language["fr"]["data"]["overview"].startswith("New York, 1952")
    assert by_language["fr"]["data"]["title"] == ""  # not translated: TMDb leaves it empty
    series = get(tmdb, f"/tv/{SENSE8}", append_to_response="translations")
    assert "name" in series["translations"]["translations"][1]["data"]


def test_genre_lists_speak_french(tmdb):
    genres = {g["id"]: g["name"] for g in get(tmdb, "/genre/movie/list", language="fr")["genres"]}
    assert genres[35] == "Comédie" and genres[878] == "Science-Fiction"


@pytest.mark.parametrize("media_type", ["movie", "tv"])
def test_every_served_rating_is_on_its_countrys_certification_list(tmdb, media_type):
    lists = get(tmdb, f"/certification/{media_type}/list")["certifications"]
    assert set(COUNTRIES) <= set(lists)
    ages = maturity.age_table({"certifications": lists})
    part = "release_dates" if media_type == "movie" else "content_ratings"
    title_id = CAROL if media_type == "movie" else SENSE8
    payload = get(tmdb, f"/{media_type}/{title_id}", append_to_response=f"{part},watch/providers")
    rated = {entry["iso_3166_1"] for entry in payload[part]["results"]}
    assert rated == set(COUNTRIES)
    for entry in payload[part]["results"]:
        rating = entry.get("rating") or entry["release_dates"][0]["certification"]
        assert rating in ages[entry["iso_3166_1"]], entry
    assert set(payload["watch/providers"]["results"]) == set(COUNTRIES)


def test_discover_with_an_explicit_french_certification_list(tmdb):
    allowed = get(tmdb, "/discover/movie", certification_country="FR", certification="U|10|12")
    films = [get(tmdb, f"/movie/{r['id']}", append_to_response="release_dates") for r in allowed["results"]]
    french = [next(e for e in f["release_dates"]["results"] if e["iso_3166_1"] == "FR") for f in films]
    assert films and all(e["release_dates"][0]["certification"] in {"U", "10", "12"} for e in french)
