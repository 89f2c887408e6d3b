"""Links come from QWIR_PUBLIC_URL, other Hosts get 400, and embeds take the host page's preferences."""

from __future__ import annotations

import pytest

from qwir import create_app
from qwir.config import SettingsError

PUBLIC = "https://qwir.example"
HOST_PAGE = "https://blingz.example"
CAROUSEL = "/fragments/carousel/queer-spotlight-1"
SERIES = "/fragments/carousel/queer-series-spotlight-1"  # "Series 2" is TV-MA and about homophobia
EMBEDDED = {"Origin": HOST_PAGE, "HX-Request": "true"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "QWIR_PUBLIC_URL": PUBLIC + "/", "EMBED_ORIGINS": (HOST_PAGE,)}


def test_a_forged_host_is_refused_and_never_reaches_a_cached_embed(client, catalog):
    forged = client.get(CAROUSEL, headers={**EMBEDDED, "Host": "evil.example"})
    honest = client.get(CAROUSEL, headers={**EMBEDDED, "Host": "qwir.example"})

    assert forged.status_code == 400
    assert "evil.example" not in forged.get_data(as_text=True)
    body = honest.get_data(as_text=True)
    assert "evil.example" not in body
    assert f'href="{PUBLIC}/titles/movie/' in body


def test_embedded_links_use_the_public_url_whatever_trusted_host_was_asked(client, catalog):
    bodies = [client.get(CAROUSEL, headers={**EMBEDDED, "Host": host}).get_data(as_text=True)
              for host in ("localhost", "127.0.0.1:8000", "qwir.example")]

    assert bodies[0] == bodies[1] == bodies[2]
    assert f'hx-get="{PUBLIC}/fragments/random/queer-spotlight-1' in bodies[0]
    assert "localhost" not in bodies[0] and "127.0.0.1" not in bodies[0]


def test_the_embed_snippet_names_the_public_url(client):
    assert f"{PUBLIC}/fragments/teaser" in client.get("/signin").get_data(as_text=True)


def test_a_public_url_with_a_path_is_a_configuration_mistake(app_config):
    with pytest.raises(SettingsError, match="QWIR_PUBLIC_URL"):
        create_app({**app_config, "QWIR_PUBLIC_URL": "https://qwir.example/app"})


def test_embed_defaults_that_do_not_parse_stop_the_start(app_config):
    defaults = {"cap": "pg-13", "avoid": "no-such-topic", "discreet": "off"}
    with pytest.raises(SettingsError, match="QWIR_EMBED_AVOID"):
        create_app({**app_config, "EMBED_DEFAULT_PREFERENCES": defaults})


def test_each_language_has_its_own_etag(client, catalog):
    english = client.get(CAROUSEL, headers={"Accept-Language": "en"})
    french = client.get(CAROUSEL, headers={"Accept-Language": "fr"})
    assert english.headers["ETag"] != french.headers["ETag"]


class TestEmbedPreferences:
    def test_a_host_page_that_passes_nothing_gets_the_cautious_defaults(self, client, catalog):
        films = client.get(CAROUSEL, headers=EMBEDDED).get_data(as_text=True)
        series = client.get(SERIES, headers=EMBEDDED).get_data(as_text=True)
        assert "Hard Goodbyes" not in films  # suicide is among the avoided topics
        assert "Film 00" in films
        assert "Series 2" not in series and "Series 1" in series

    def test_the_host_page_passes_its_members_choices(self, client, catalog):
        films = client.get(f"{CAROUSEL}?cap=none&avoid=none", headers=EMBEDDED).get_data(as_text=True)
        series = client.get(f"{SERIES}?cap=18&avoid=none", headers=EMBEDDED).get_data(as_text=True)
        assert "Hard Goodbyes" in films and "Series 2" in series

    def test_the_cap_alone_still_holds(self, client, catalog):
        series = client.get(f"{SERIES}?cap=pg-13&avoid=none", headers=EMBEDDED).get_data(as_text=True)
        assert "Series 2" not in series

    def test_one_topic_among_several(self, client, catalog):
        query = "cap=none&avoid=suicide-self-harm"
        films = client.get(f"{CAROUSEL}?{query}", headers=EMBEDDED).get_data(as_text=True)
        assert "Hard Goodbyes" not in films
        assert "Series 2" in client.get(f"{SERIES}?{query}", headers=EMBEDDED).get_data(as_text=True)

    def test_discreet_mode_on_a_host_page(self, client, catalog):
        plain = client.get("/fragments/teaser", headers=EMBEDDED).get_data(as_text=True)
        discreet = client.get("/fragments/teaser?discreet=on", headers=EMBEDDED).get_data(as_text=True)
        assert "Stories that see you" in plain
        assert "Stories that see you" not in discreet

    def test_operators_choose_the_defaults(self, app, client, catalog):
        app.config["EMBED_DEFAULT_PREFERENCES"] = {"cap": "none", "avoid": "none", "discreet": "off"}
        assert "Series 2" in client.get(SERIES, headers=EMBEDDED).get_data(as_text=True)

    def test_our_own_pages_keep_the_members_session_preferences(self, client, catalog):
        assert "Series 2" in client.get(SERIES).get_data(as_text=True)

    @pytest.mark.parametrize("query", ["cap=x", "avoid=unknown-topic", "discreet=maybe", "lang=xx"])
    def test_unknown_values_are_a_bad_request(self, client, catalog, query):
        assert client.get(f"{CAROUSEL}?{query}", headers=EMBEDDED).status_code == 400

    def test_lang_chooses_the_language(self, client, catalog):
        french = client.get(f"{CAROUSEL}?lang=fr", headers=EMBEDDED)
        english = client.get(f"{CAROUSEL}?lang=en", headers=EMBEDDED)
        assert french.status_code == english.status_code == 200
        assert french.headers["ETag"] != english.headers["ETag"]
