"""Discreet mode hides what the site is about: labels, opaque ids, masked titles, neutral pages."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from qwir.discretion import has_identity_word, identity_words_in
from tests.web.conftest import hx, make_item, make_list

# What a person or a screen reader meets: text outside <template>, <script> and <style>, and the
# attributes that are read aloud or shown.
SPOKEN_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder", "data-announce", "value")


class SeenText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden_depth = 0
        self.seen: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("template", "script", "style"):
            self.hidden_depth += 1
        if tag == "title" or self.hidden_depth:
            return
        self.seen += [value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("template", "script", "style"):
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.seen.append(data)


def identity_words_seen(html: str) -> list[str]:
    parser = SeenText()
    parser.feed(html)
    return identity_words_in(" ".join(parser.seen))


@pytest.fixture
def discreet(client):
    client.post("/preferences", data={"discreet": "on"})
    return client


@pytest.fixture
def named_title(app, catalog) -> int:
    """A film whose own title names an identity, alone in a Drag spotlight and tagged Queer too;
    returns the Drag tag's id."""
    from qwir.extensions import db
    from qwir.models import IdentityTag

    with app.app_context():
        queer = db.session.get(IdentityTag, catalog.queer_id)
        drag = db.session.scalar(db.select(IdentityTag).where(IdentityTag.slug == "drag"))
        film = make_item(4242, "Another Gay Movie")
        make_list(drag, [film])
        film.tags.append(queer)
        db.session.commit()
        return drag.id


@pytest.mark.parametrize("text", ["Queer", "LGBTQ+ stories", "Une histoire lesbienne", "non-binaire",
                                  "RuPaul's Drag Race", "Another Gay Movie", "TRANS lives"])
def test_identity_words_are_found_in_english_and_french(text):
    assert has_identity_word(text)


@pytest.mark.parametrize("text", ["Transformers", "Film notes", "A gayety of nations", "Collection 3"])
def test_ordinary_words_are_not_identity_words(text):
    assert not has_identity_word(text)


def test_the_feed_names_collections_not_identities(discreet, catalog):
    page = discreet.get("/").get_data(as_text=True)
    assert identity_words_seen(page) == []
    assert f"Collection {catalog.queer_id}" in page
    assert f'href="/planets/c{catalog.queer_id}"' in page and 'href="/planets/queer"' not in page
    assert f'hx-get="/fragments/carousel/c{catalog.queer_id}"' in page
    assert 'favicon-neutral.svg' in page and "<title>Film notes</title>" in page


def test_planets_answer_to_opaque_ids_and_say_nothing(discreet, catalog):
    page = discreet.get(f"/planets/c{catalog.queer_id}").get_data(as_text=True)
    assert identity_words_seen(page) == []
    assert "Stories across the spectrum" not in page  # the tag's own description
    assert f'href="/planets/c{catalog.queer_id}?format=movie#planet-browse"' in page
    fragment = discreet.get(f"/planets/c{catalog.queer_id}?sort=oldest", headers=hx())
    assert identity_words_seen(fragment.get_data(as_text=True)) == []


def test_opaque_ids_work_with_discreet_mode_off_too(client, catalog):
    assert client.get(f"/planets/c{catalog.queer_id}").status_code == 200
    page = client.get(f"/fragments/carousel/c{catalog.queer_id}-series").get_data(as_text=True)
    assert "Series 0" in page and f'id="shelf-c{catalog.queer_id}-series"' in page
    assert client.get("/planets/c999").status_code == 404


def test_carousels_random_picks_and_the_teaser_say_nothing(discreet, catalog, named_title):
    key = f"c{catalog.queer_id}"
    for path in (f"/fragments/carousel/{key}", f"/fragments/carousel/{key}-series",
                 f"/fragments/random/{key}", "/fragments/teaser", "/signin"):
        body = discreet.get(path).get_data(as_text=True)
        assert identity_words_seen(body) == [], path


def test_a_title_naming_an_identity_is_masked_until_revealed(discreet, catalog, named_title):
    page = discreet.get("/titles/movie/4242").get_data(as_text=True)
    assert identity_words_seen(page) == []
    assert 'data-masked-title="movie-4242"' in page and "<template>Another Gay Movie</template>" in page
    assert 'data-reveal="movie-4242"' in page and 'alt="Poster hidden"' in page
    assert '<details class="discreet-details"' in page  # summary and credits behind a disclosure
    carousel = discreet.get(f"/fragments/carousel/c{named_title}").get_data(as_text=True)
    assert 'data-masked-title="movie-4242"' in carousel
    assert identity_words_seen(carousel) == []


def test_error_pages_say_nothing_of_the_address(discreet):
    page = discreet.get("/planets/lesbian-nights").get_data(as_text=True)
    assert identity_words_seen(page) == []


def test_with_discreet_mode_off_names_and_slugs_stay(client, catalog, named_title):
    page = client.get("/").get_data(as_text=True)
    assert "Queer" in page and 'href="/planets/queer"' in page
    title = client.get("/titles/movie/4242").get_data(as_text=True)
    assert "<h1 id=\"title-heading\">Another Gay Movie</h1>" in title and "data-reveal" not in title


def test_turning_discreet_mode_on_with_htmx_reloads_the_whole_page_in_place(client):
    response = client.post("/preferences", data={"discreet": "on"}, headers=hx())
    assert response.headers["HX-Trigger"] == '{"qwir:reload": "/preferences?saved=1"}'
    again = client.post("/preferences", data={"discreet": "on", "max_maturity": "pg"}, headers=hx())
    assert "HX-Trigger" not in again.headers  # nothing outside the form changes


@pytest.mark.parametrize("path", ["/", "/planets/c1", "/signin", "/fragments/teaser"])
def test_french_pages_say_nothing_either(discreet, catalog, path):
    body = discreet.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert identity_words_seen(body) == []


def test_addresses_with_identity_words_give_way_to_opaque_ones(discreet, catalog):
    response = discreet.get("/planets/queer?format=movie")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/planets/c{catalog.queer_id}?format=movie"
    spotlight = discreet.get(f"/spotlights/{catalog.movie_slug}")
    assert spotlight.status_code == 303
    assert spotlight.headers["Location"] == f"/spotlights/c{catalog.queer_id}"
    assert discreet.get("/planets/queer?sort=oldest", headers=hx()).status_code == 200  # never a 3xx to htmx


def test_spotlight_pages_answer_to_opaque_ids_and_say_nothing(discreet, catalog, named_title):
    page = discreet.get(f"/spotlights/c{catalog.queer_id}").get_data(as_text=True)
    assert identity_words_seen(page) == []
    assert f"Collection {catalog.queer_id} · Films" in page
    drag = discreet.get(f"/spotlights/c{named_title}").get_data(as_text=True)
    assert 'data-masked-title="movie-4242"' in drag and identity_words_seen(drag) == []
    assert discreet.get(f"/spotlights/c{catalog.queer_id}/feed.atom").status_code == 200
