"""Ratings and caps per region: a member sees what a member of their country expects."""

from __future__ import annotations

import pytest

from qwir.extensions import db
from qwir.models import IdentityTag
from tests.web.conftest import make_item, make_list


def rated(**countries: tuple[str, int]) -> dict:
    return {country: {"rating": rating, "age": age} for country, (rating, age) in countries.items()}


FILMS = {
    "Everyone": rated(US=("G", 0), GB=("U", 0), FR=("U", 0), DE=("0", 0)),
    "Teen Drama": rated(US=("PG-13", 13), GB=("12A", 12), FR=("U", 0), DE=("12", 12)),
    "Strong Stuff": rated(US=("R", 17), GB=("15", 15), FR=("12", 12), DE=("16", 16)),
    "Rated In The US Only": rated(US=("R", 17)),
    "Rated Nowhere": {},
}


# Ids the sandbox does not know: their title pages show what a sync stored.
STORED_ONLY = 95000


@pytest.fixture
def regional(app):
    with app.app_context():
        tag = IdentityTag(slug="world", name="World", keyword_names=["lgbt"])
        db.session.add(tag)
        db.session.flush()
        items = [make_item(STORED_ONLY + n, title, ratings=ratings, certification=None)
                 for n, (title, ratings) in enumerate(FILMS.items())]
        media_list = make_list(tag, items)
        db.session.commit()
        return media_list.slug


def shown(client, slug: str, language: str) -> set[str]:
    response = client.get(f"/fragments/carousel/{slug}", headers={"Accept-Language": language})
    body = response.get_data(as_text=True)
    return {title for title in FILMS if title in body}


@pytest.mark.parametrize(
    ("language", "preferences", "expected"),
    [
        ("fr-FR,fr;q=0.9", {"max_maturity": "12"}, {"Everyone", "Teen Drama", "Strong Stuff"}),
        ("en-GB", {"max_maturity": "12"}, {"Everyone", "Teen Drama"}),
        ("de-DE", {"max_maturity": "16", "region": "de"}, {"Everyone", "Teen Drama", "Strong Stuff"}),
        ("en-US", {"max_maturity": "12"}, {"Everyone"}),
        ("en-US", {"max_maturity": "16"}, {"Everyone", "Teen Drama"}),
        ("en-US", {"max_maturity": "18"}, {"Everyone", "Teen Drama", "Strong Stuff", "Rated In The US Only"}),
    ],
)
def test_caps_follow_the_members_country(client, regional, language, preferences, expected):
    client.post("/preferences", data=preferences, headers={"Accept-Language": language})
    assert shown(client, regional, language) == expected


def test_a_country_without_its_own_rating_goes_by_the_us_one(client, regional):
    client.post("/preferences", data={"max_maturity": "16", "region": "FR"})
    assert "Rated In The US Only" not in shown(client, regional, "fr")  # US R is 17+
    client.post("/preferences", data={"max_maturity": "18", "region": "FR"})
    assert "Rated In The US Only" in shown(client, regional, "fr")


def test_unrated_titles_show_under_a_cap_only_when_the_member_says_so(client, regional):
    client.post("/preferences", data={"max_maturity": "18"})
    assert "Rated Nowhere" not in shown(client, regional, "en")
    client.post("/preferences", data={"max_maturity": "18", "show_unrated": "on"})
    assert "Rated Nowhere" in shown(client, regional, "en")
    client.post("/preferences", data={})
    assert "Rated Nowhere" in shown(client, regional, "en")  # no cap, nothing hidden


def test_the_region_defaults_from_the_locale_then_tmdb_region(app):
    from qwir.i18n import member_region

    cases = (("fr-CA,fr;q=0.8", "CA"), ("fr-FR", "FR"), ("en-GB", "GB"), ("fr", "US"), ("", "US"))
    for header, region in cases:
        with app.test_request_context(headers={"Accept-Language": header}):
            assert member_region() == region, header


def test_an_unknown_region_is_refused(client):
    response = client.post("/preferences", data={"region": "ZZ"}, headers={"HX-Request": "true"})
    assert response.status_code == 422


def test_the_title_page_shows_the_members_countrys_rating(client, regional):
    response = client.get(f"/titles/movie/{STORED_ONLY + 1}", headers={"Accept-Language": "en-GB"})
    page = response.get_data(as_text=True)
    assert "12A" in page and "PG-13" not in page


def test_a_reader_served_in_english_keeps_the_country_of_their_browser(app):
    from qwir.i18n import member_region

    with app.test_request_context(headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}):
        assert member_region() == "DE"


@pytest.mark.parametrize(("raw", "region"), [("gb", "GB"), (" fr ", "FR"), ("", "US")])
def test_tmdb_region_is_upper_cased(monkeypatch, tmp_path, raw, region):
    from qwir.config import settings_from_environment

    monkeypatch.setenv("TMDB_REGION", raw)
    assert settings_from_environment(str(tmp_path))["TMDB_REGION"] == region


@pytest.mark.parametrize("raw", ["GBR", "U5", "united kingdom"])
def test_a_tmdb_region_that_is_no_country_code_is_refused(monkeypatch, tmp_path, raw):
    from qwir.config import SettingsError, settings_from_environment

    monkeypatch.setenv("TMDB_REGION", raw)
    with pytest.raises(SettingsError, match="TMDB_REGION"):
        settings_from_environment(str(tmp_path))
