"""Safety and discretion: the preferences panel, and how preferences change every page and fragment."""

from __future__ import annotations

import json

import pytest

from qwir.content_notes import CONTENT_NOTES, notes_from_keywords
from qwir.preferences import InvalidPreferences, Preferences, parse_preferences
from tests.web.conftest import csrf_token_from, hx


def carousel_of(client, catalog) -> str:
    return client.get(f"/fragments/carousel/{catalog.movie_slug}").get_data(as_text=True)


def test_panel_lists_caps_topics_and_discreet_mode(client):
    page = client.get("/preferences").get_data(as_text=True)
    assert "Adult titles are always left out." in page
    assert 'value="16"' in page and "16 and over" in page
    for topic in CONTENT_NOTES:
        assert f'value="{topic.slug}"' in page
    assert 'name="discreet"' in page and 'name="csrf_token"' in page
    assert 'hx-post="/preferences"' in page and 'method="post"' in page


def test_saving_without_javascript_redirects_back_with_a_confirmation(client):
    response = client.post("/preferences", data={"max_maturity": "10", "avoid": ["drug-use"]})
    assert response.status_code == 303 and response.headers["Location"] == "/preferences?saved=1"
    page = client.get("/preferences?saved=1").get_data(as_text=True)
    assert "Your preferences are saved." in page
    assert 'value="10" checked' in page and 'value="drug-use" checked' in page


def test_saving_with_htmx_returns_the_form_fragment_and_never_a_redirect(client):
    response = client.post("/preferences", data={"discreet": "on"}, headers=hx())
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<form class="preferences" id="preferences-form"')
    assert 'data-announce="Preferences saved."' in body
    assert "HX-Request" in response.vary


@pytest.mark.parametrize(
    "data",
    [{"max_maturity": "nc-17"}, {"avoid": ["spiders"]}, {"discreet": "maybe"}],
)
def test_invalid_choices_get_422_with_the_form_and_save_nothing(client, catalog, data):
    response = client.post("/preferences", data=data, headers=hx())
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'class="field-error"' in body and 'id="preferences-form"' in body
    assert "Film 09" in carousel_of(client, catalog)  # nothing changed


def test_posting_without_a_csrf_token_is_refused(csrf_client):
    response = csrf_client.post("/preferences", data={"discreet": "on"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert "<title>Film notes" not in csrf_client.get("/preferences").get_data(as_text=True)


def test_posting_with_the_form_token_works(csrf_client):
    token = csrf_token_from(csrf_client.get("/preferences").get_data(as_text=True))
    response = csrf_client.post("/preferences", data={"discreet": "on", "csrf_token": token})
    assert response.status_code == 303
    assert "<title>Film notes" in csrf_client.get("/").get_data(as_text=True)


def test_maturity_cap_filters_carousels_and_they_fill_up_from_later_entries(client, catalog):
    before = carousel_of(client, catalog)
    assert "Hard Goodbyes" in before and "Film 10" not in before
    client.post("/preferences", data={"max_maturity": "16", "avoid": ["suicide-self-harm"]})
    after = carousel_of(client, catalog)
    assert after.count('class="card"') == 12
    assert "Film 10" in after  # a later entry moves up to fill the rail
    assert "Rated Restricted" not in after and "Hard Goodbyes" not in after


def test_unrated_titles_leave_when_a_cap_is_on(client, app, catalog):
    from qwir.extensions import db

    with app.app_context():
        catalog.item(1003).certification = None
        db.session.commit()
    assert "Film 03" in carousel_of(client, catalog)
    client.post("/preferences", data={"max_maturity": "18"})
    assert "Film 03" not in carousel_of(client, catalog)


def test_an_avoided_topic_applies_to_the_planet_teaser_random_pick_and_title_page(client, catalog):
    client.post("/preferences", data={"avoid": ["anti-lgbtq-violence"], "max_maturity": "16"})
    planet = client.get("/planets/queer?format=tv").get_data(as_text=True)
    assert "Series 0" in planet and "Series 2" not in planet
    teaser = client.get("/fragments/teaser").get_data(as_text=True)
    assert "/titles/tv/3002" not in teaser and "/titles/movie/2003" not in teaser
    for _ in range(15):
        pick = client.get(f"/fragments/random/{catalog.series_slug}").get_data(as_text=True)
        assert "/titles/tv/3002" not in pick
    title = client.get("/titles/tv/3002").get_data(as_text=True)
    assert "homophobic or transphobic violence" in title and "above your maturity cap" in title
    assert "poster-3002" not in title and "Where to watch" not in title


def test_discreet_mode_blurs_posters_and_neutralises_titles(client, catalog):
    client.post("/preferences", data={"discreet": "on"})
    for path in ("/", "/planets/queer", "/titles/movie/1001", "/signin"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        title = page.split("<title>")[1].split("</title>")[0]
        assert title.startswith("Film notes") and "Queer" not in title and "Film 01" not in title, path
        assert 'class="theme-' in page and " discreet" in page.split("<body")[1].split(">")[0]
        assert 'id="reveal-posters" aria-pressed="false"' in page
    teaser = client.get("/fragments/teaser").get_data(as_text=True)
    assert "Something to watch tonight" in teaser


def test_default_preferences_keep_the_session_cookie_empty(client, catalog):
    client.post("/preferences", data={"discreet": "on"})
    client.post("/preferences", data={})
    page = client.get("/").get_data(as_text=True)
    assert "<title>Your feed · Qwir</title>" in page


def test_content_notes_never_include_identity_keywords(shared_dir):
    keywords = json.loads((shared_dir / "demo-facts" / "keywords.json").read_text())
    for keyword in keywords:
        notes = notes_from_keywords([keyword])
        if keyword["group"] in ("lgbtq", "lgbtq_related"):
            assert notes == frozenset(), keyword["name"]
        else:  # every safety keyword has a note, found by its name
            assert notes, keyword["name"]


def test_preferences_parse_forms_and_query_strings():
    parsed = parse_preferences({"max_maturity": "18", "avoid": "drug-use,incest", "discreet": "1"})
    assert parsed == Preferences("18", frozenset({"drug-use", "incest"}), True)
    # Caps saved on the old US ladders keep out at least what they kept out.
    assert parse_preferences({"max_maturity": "pg-13"}).max_maturity == "12"
    assert parse_preferences({"max_maturity": "r"}).max_maturity == "16"
    assert parse_preferences({}) == Preferences()
    with pytest.raises(InvalidPreferences) as invalid:
        parse_preferences({"max_maturity": "x", "avoid": ["nope"]})
    assert set(invalid.value.errors) == {"max_maturity", "avoid"}


def test_age_caps_read_us_ratings_of_film_and_tv_alike():
    capped = Preferences(max_maturity="16")
    assert capped.age_allowed(13) and capped.age_allowed(14) and not capped.age_allowed(17)
    assert not capped.age_allowed(None)  # unrated titles leave under a cap...
    assert Preferences(max_maturity="16", show_unrated=True).age_allowed(None)  # ...unless chosen
    assert Preferences().age_allowed(18) and Preferences().age_allowed(None)
