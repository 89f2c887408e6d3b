"""The bundled demo catalog: built from demo-facts by the committed script, curated by relevance."""

from __future__ import annotations

import json

import pytest

from qwir.tmdb.sandbox import build_catalog, load_catalog
from qwir.tmdb.sandbox.build_catalog import derived_certification


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_the_committed_catalog_is_what_the_script_builds(shared_dir):
    rebuilt = build_catalog.build(shared_dir / "demo-facts")
    assert rebuilt == json.loads(build_catalog.CATALOG_FILE.read_text(encoding="utf-8"))


def test_film_facts_are_the_demo_facts(shared_dir, catalog):
    facts = {film["id"]: film for film in json.loads((shared_dir / "demo-facts" / "movies.json").read_text())}
    for movie_id, movie in catalog.movies.items():
        source = facts[movie_id]
        for field in ("title", "original_title", "original_language", "release_date", "runtime"):
            assert movie[field] == source[field], (movie_id, field)
        assert (movie["vote_average"], movie["vote_count"]) == (source["vote_average"], source["vote_count"])
        assert movie["keyword_ids"] == sorted(keyword["id"] for keyword in source["keywords"])
        assert movie["cast"] == (source["cast"] or [])


def test_catalog_size_and_series(catalog):
    assert len(catalog.movies) >= 200
    assert 10 <= len(catalog.series) <= 15
    assert {"Heartstopper", "Sense8", "Orange Is the New Black"} <= {
        s["name"] for s in catalog.series.values()
    }
    assert all(set(show["keyword_ids"]) <= set(catalog.keyword_names) for show in catalog.series.values())


def test_every_demo_film_is_browsable_and_only_curated_ones_lead(shared_dir, catalog):
    facts = json.loads((shared_dir / "demo-facts" / "movies.json").read_text())
    assert set(catalog.movies) == {film["id"] for film in facts}
    for movie in catalog.movies.values():
        if not movie["curated"]:
            assert movie["identity_keywords"] <= 1
            assert movie["vote_count"] < build_catalog.MIN_VOTES_FOR_SINGLE_TIE
            assert not movie["overview"], movie["title"]
    curated = [movie["popularity"] for movie in catalog.movies.values() if movie["curated"]]
    uncurated = [movie["popularity"] for movie in catalog.movies.values() if not movie["curated"]]
    assert len(curated) >= 200 and uncurated and max(uncurated) < min(curated)


def test_popularity_ranks_strongly_queer_films_first(catalog):
    ranked = sorted(catalog.movies.values(), key=lambda movie: movie["popularity"], reverse=True)
    assert all(movie["identity_keywords"] >= 2 for movie in ranked[:20])
    position = {movie["title"]: index for index, movie in enumerate(ranked)}
    # A slasher sequel tagged once ranks far below the films the community knows.
    assert position["Wrong Turn 4: Bloody Beginnings"] > len(ranked) / 2
    assert position["Moonlight"] < 10 and position["Carol"] < 10


def test_blurbs_are_ours_for_a_few_dozen_films_and_empty_elsewhere(catalog):
    blurbs = [movie["overview"] for movie in catalog.movies.values() if movie["overview"]]
    assert 30 <= len(blurbs) <= 60
    assert all(len(blurb) < 240 for blurb in blurbs)
    assert all(show["overview"] for show in catalog.series.values())


@pytest.mark.parametrize(
    ("adult", "keywords", "genres", "expected"),
    [
        (True, set(), {35}, "NC-17"),
        (False, {12420}, {18}, "NC-17"),  # unsimulated sex
        (False, {2483}, {18}, "R"),  # nudity
        (False, {1013}, {18}, "PG-13"),  # homophobia is a theme, not a rating
        (False, set(), {99}, "PG-13"),
        (False, set(), {16, 18}, "PG"),
        (False, set(), {27}, "R"),
        (False, set(), {10749, 18}, "PG-13"),
    ],
)
def test_certifications_follow_the_documented_rule(adult, keywords, genres, expected):
    safety = {12420, 2483, 1013}
    assert derived_certification(adult, keywords, genres, safety) == expected


def test_identity_keywords_never_make_a_film_adult(catalog):
    rated_explicit = [m for m in catalog.movies.values() if m["certification"] == "NC-17" and not m["adult"]]
    assert all(set(m["keyword_ids"]) & build_catalog.EXPLICIT_KEYWORDS for m in rated_explicit)


def test_the_build_script_explains_its_usage(capsys, tmp_path):
    assert build_catalog.main([str(tmp_path)]) == 2
    assert "usage" in capsys.readouterr().err
