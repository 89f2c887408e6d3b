"""TMDb's text in the member's language, with the English text marked lang="en" where French is missing."""

from __future__ import annotations

import pytest

from qwir.extensions import db
from qwir.models import GenreName, IdentityTag
from tests.web.conftest import DRAMA, make_item, make_list

FRENCH = {"Accept-Language": "fr-FR"}


def texts(title: str, overview: str = "") -> dict[str, str]:
    return {"title": title, "overview": overview, "tagline": ""}


# Ids the sandbox does not know: TMDb answers 404, so the title pages show what a sync stored.
ADELE, CAROL = 9152584, 9258480


@pytest.fixture
def titles(app):
    with app.app_context():
        tag = IdentityTag(slug="lesbian", name="Lesbian", description="Women who love women.",
                          keyword_names=["lesbian"],
                          translations={"fr": {"name": "Lesbienne",
                                               "description": "Des femmes qui aiment des femmes."}})
        db.session.add(tag)
        db.session.flush()
        adele = make_item(ADELE, "Blue Is the Warmest Color", original_title="La Vie d'Adèle",
                          original_language="fr", overview="A student meets an art student with blue hair.",
                          genres=[DRAMA],
                          translations={"en": texts("Blue Is the Warmest Color"),
                                        "fr": texts("La Vie d'Adèle")})
        carol = make_item(CAROL, "Carol", original_title="Carol", original_language="en",
                          overview="New York, 1952.",
                          translations={"fr": texts("", "New York, 1952 : une vendeuse.")})
        make_list(tag, [adele, carol])
        db.session.add(GenreName(media_type="movie", genre_id=DRAMA["id"], language="fr", name="Drame"))
        db.session.commit()


def test_french_title_with_the_english_overview_marked_as_english(client, titles):
    page = client.get(f"/titles/movie/{ADELE}", headers=FRENCH).get_data(as_text=True)
    assert "<h1 id=\"title-heading\">La Vie d&#39;Adèle</h1>" in page
    assert '<span lang="en">A student meets an art student with blue hair.</span>' in page
    assert "Titre original" not in page  # the French title is the original one
    assert 'genre=18#planet-browse">Drame</a>' in page  # the genre chip opens the planet's browse


def test_english_title_marked_when_french_has_none_and_the_french_overview_shown(client, titles):
    page = client.get(f"/titles/movie/{CAROL}", headers=FRENCH).get_data(as_text=True)
    assert '<h1 id="title-heading"><span lang="en">Carol</span></h1>' in page
    assert "New York, 1952 : une vendeuse." in page and 'lang="en">New York, 1952.' not in page


def test_english_members_read_english_without_any_lang_switch(client, titles):
    page = client.get(f"/titles/movie/{ADELE}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<h1 id="title-heading">Blue Is the Warmest Color</h1>' in page
    assert 'Original title: <span lang="fr">La Vie d&#39;Adèle</span>' in page
    assert '<p class="overview">A student meets an art student with blue hair.</p>' in page


def test_tags_and_spotlights_read_french(client, titles):
    planet = client.get("/planets/lesbian", headers=FRENCH).get_data(as_text=True)
    assert '<h1 id="planet-title">Lesbienne</h1>' in planet and "Des femmes qui aiment des femmes." in planet
    assert "Lesbienne : la sélection films" in planet
    assert ">Drame</option>" in planet  # the genre filter, from TMDb's French genre list


def test_french_plurals_and_numbers(client, titles):
    planet = client.get("/planets/lesbian", headers=FRENCH).get_data(as_text=True)
    assert "2 films" in planet and "2 affichés sur 2" in planet
    english = client.get("/planets/lesbian", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Showing 2 of 2" in english


def test_a_title_read_from_tmdb_speaks_french_with_english_marked(client):
    page = client.get("/titles/movie/258480", headers=FRENCH).get_data(as_text=True)
    assert '<h1 id="title-heading"><span lang="en">Carol</span></h1>' in page  # TMDb has no French title
    assert "New York, 1952 : une jeune vendeuse" in page
