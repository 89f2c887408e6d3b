"""Certifications read as ages from TMDb's certification lists, and age caps judged per region."""

from __future__ import annotations

import pytest

from qwir.tmdb import maturity


@pytest.fixture
def movie_ages(recorded_json):
    return maturity.age_table(recorded_json("certification_movie_list_2022-11-26.json"))


@pytest.mark.parametrize(
    ("country", "certification", "age"),
    [
        ("US", "G", 0), ("US", "PG", 10), ("US", "PG-13", 13), ("US", "R", 17), ("US", "NC-17", 18),
        ("US", "NR", None),
        ("GB", "U", 0), ("GB", "PG", 8), ("GB", "12A", 12), ("GB", "15", 15), ("GB", "18", 18),
        ("FR", "U", 0), ("FR", "10", 10), ("FR", "12", 12), ("FR", "16", 16), ("FR", "18", 18),
        ("DE", "0", 0), ("DE", "6", 6), ("DE", "12", 12), ("DE", "16", 16), ("DE", "18", 18),
        ("CA", "G", 0), ("CA", "14A", 14), ("CA", "A", 18),
    ],
)
def test_tmdbs_movie_list_reads_as_ages(movie_ages, country, certification, age):
    assert movie_ages[country][certification] == age


def test_a_rating_without_an_age_in_its_name_inherits_the_milder_one_before_it():
    table = maturity.age_table({"certifications": {"XX": [
        {"certification": "Kids", "meaning": "For all ages.", "order": 1},
        {"certification": "Teens", "meaning": "Not for children under 13.", "order": 2},
        {"certification": "Mystery", "meaning": "", "order": 3},
        {"certification": "NR", "meaning": "No rating information.", "order": 0},
    ]}})
    assert table["XX"] == {"NR": None, "Kids": 0, "Teens": 13, "Mystery": 13}


def test_a_member_goes_by_their_region_then_the_us_then_unrated():
    ratings = {"US": {"rating": "R", "age": 17}, "GB": {"rating": "15", "age": 15}}
    assert maturity.rating_for_region(ratings, "GB") == ("GB", {"rating": "15", "age": 15})
    assert maturity.rating_for_region(ratings, "FR") == ("US", {"rating": "R", "age": 17})
    assert maturity.rating_for_region({}, "FR") is None


def test_age_caps_and_the_unrated_choice():
    assert maturity.within_age(15, 16) and maturity.within_age(16, 16)
    assert not maturity.within_age(17, 16)
    assert not maturity.within_age(None, 16)
    assert maturity.within_age(None, 16, show_unrated=True)
    assert maturity.within_age(18, None) and maturity.within_age(None, None)


@pytest.mark.parametrize(
    ("raw", "code"), [("gb", "GB"), (" fr ", "FR"), ("GBR", None), ("1A", None), (None, None)]
)
def test_regions_are_two_letters_upper_cased(raw, code):
    assert maturity.normalize_region(raw) == code
