"""The interface language: the header's switch, Accept-Language, the default, and caches kept apart."""

from __future__ import annotations

import pytest

from tests.web.conftest import hx


def html_lang(body: str) -> str:
    return body.split('<html lang="')[1].split('"')[0]


def test_accept_language_picks_french(client, catalog):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert html_lang(page.get_data(as_text=True)) == "fr"
    assert "Accept-Language" in page.vary and "Cookie" in page.vary


def test_without_a_usable_accept_language_the_default_applies(app_config, tmp_path):
    from qwir import create_app

    app = create_app({**app_config, "QWIR_DEFAULT_LOCALE": "fr", "INSTANCE_PATH": str(tmp_path / "fr")})
    with app.test_request_context(headers={"Accept-Language": "de-DE"}):
        from flask_babel import get_locale

        assert str(get_locale()) == "fr"


def test_the_header_switch_is_a_plain_link_that_wins_over_accept_language(client, catalog):
    page = client.get("/planets/queer", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == "en"
    assert 'href="/language/fr?next=/planets/queer"' in page and 'lang="fr"' in page
    response = client.get("/language/fr?next=/planets/queer")
    assert response.status_code == 303 and response.headers["Location"] == "/planets/queer"
    after = client.get("/planets/queer", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(after) == "fr"
    assert 'href="/language/en?next=/planets/queer"' in after
    client.post("/preferences", data={"discreet": "on"})  # saving the panel keeps the language
    assert html_lang(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)) == "fr"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_the_switch_never_sends_members_off_site(client, target):
    response = client.get("/language/fr", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_a_404(client):
    assert client.get("/language/de").status_code == 404


@pytest.mark.parametrize("path", ["/fragments/teaser", "/fragments/carousel/{slug}", "/planets/queer",
                                  "/titles/movie/1001"])
def test_etags_differ_by_language_and_are_never_reused_across_them(client, catalog, path):
    url = path.format(slug=catalog.movie_slug)
    english = client.get(url, headers={**hx(), "Accept-Language": "en"})
    french = client.get(url, headers={**hx(), "Accept-Language": "fr"})
    assert english.headers["ETag"] != french.headers["ETag"]
    assert "Accept-Language" in english.vary
    revalidated = {**hx(), "Accept-Language": "fr", "If-None-Match": english.headers["ETag"]}
    stale = client.get(url, headers=revalidated)
    assert stale.status_code == 200


def test_an_embedded_fragment_takes_its_language_from_the_host_page(client, catalog):
    english = client.get("/fragments/teaser", headers={"Accept-Language": "en"})
    asked = client.get("/fragments/teaser?lang=fr", headers={"Accept-Language": "en"})
    assert asked.headers["ETag"] != english.headers["ETag"]
    body = asked.get_data(as_text=True)
    assert 'id="qwir-teaser" aria-labelledby="qwir-teaser-title" lang="fr"' in body
    assert "Explorer les sélections" in body
    assert "Explore the spotlights" in english.get_data(as_text=True)


def test_a_french_member_reads_french(client):
    page = client.get("/preferences", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert "Tous publics" in page and "16 ans et plus" in page
    assert "All ages" in client.get("/preferences", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_choosing_a_language_or_country_is_not_a_safety_filter(client, catalog):
    client.get("/language/fr")
    client.post("/preferences", data={"region": "CA"})
    page = client.get("/").get_data(as_text=True)
    assert 'class="filters-on"' not in page and '<html lang="fr"' in page
    assert 'value="CA" selected' in client.get("/preferences").get_data(as_text=True)


def test_error_pages_and_problem_titles_speak_the_readers_language(client):
    page = client.get("/planets/no-such-planet", headers={"Accept-Language": "fr"})
    assert page.status_code == 404 and "Nous n'avons pas trouvé cette page" in page.get_data(as_text=True)
    assert "Accept-Language" in page.vary
    problem = client.get("/api/v1/tags/no-such-tag", headers={"Accept-Language": "fr"})
    assert problem.status_code == 404 and problem.json["title"] == "Introuvable"
    assert client.get("/api/v1/tags/no-such-tag").json["title"] == "Not Found"


def test_an_address_naming_its_language_wins_but_the_switch_leaves_it_behind(client, catalog):
    page = client.get("/planets/queer?lang=fr&media=movie", headers={"Accept-Language": "en"})
    body = page.get_data(as_text=True)
    assert '<html lang="fr"' in body
    assert 'href="/language/en?next=/planets/queer?media%3Dmovie"' in body
