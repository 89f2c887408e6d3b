"""Content notes: from curators and from TMDb keywords, avoided on every surface a member meets."""

from __future__ import annotations

import pytest
from curator_support import EMAIL, create_curator, issue_token, sign_in

from qwir.content_notes import notes_from_keywords
from qwir.extensions import db
from qwir.models import NoteAudit
from tests.web.conftest import hx

CURATED = ("conversion-therapy", 1003, "Film 03")  # a curator attaches the note
FROM_KEYWORD = ("suicide-self-harm", 2002, "Hard Goodbyes")  # its TMDb keyword "suicide" signals it
RANDOM_TRIES = 25


@pytest.fixture
def bearer(app):
    create_curator(app)
    return {"Authorization": f"Bearer {issue_token(app)}"}


def put_notes(client, bearer, tmdb_id: int, notes: list[str], text: str = "", media_type: str = "movie"):
    return client.put(f"/api/v1/titles/{media_type}/{tmdb_id}/notes", json={"notes": notes, "text": text},
                      headers=bearer)


def avoid(client, note: str) -> None:
    assert client.post("/preferences", data={"avoid": [note]}).status_code == 303


def surfaces(client, catalog) -> dict[str, str]:
    """What a member meets: carousel, planet (page and browse fragment), teaser, feed, and the API reads."""
    return {
        "carousel": client.get(f"/fragments/carousel/{catalog.movie_slug}").get_data(as_text=True),
        "planet": client.get("/planets/queer").get_data(as_text=True),
        "planet results": client.get("/planets/queer?sort=title", headers=hx()).get_data(as_text=True),
        "planet more": client.get("/fragments/planets/queer/more?page=2").get_data(as_text=True),
        "teaser": client.get("/fragments/teaser").get_data(as_text=True),
    }


def random_titles(client, catalog) -> set[str]:
    return {client.get(f"/fragments/random/{catalog.movie_slug}").get_data(as_text=True)
            for _ in range(RANDOM_TRIES)}


def test_keywords_map_to_notes_by_name_whatever_their_id():
    assert notes_from_keywords([{"id": 987654321, "name": "Conversion Therapy"}]) == {"conversion-therapy"}
    assert notes_from_keywords([{"id": 236, "name": "suicide"}]) == {"suicide-self-harm"}
    assert notes_from_keywords([{"id": 264386, "name": "lesbian"}]) == frozenset()


@pytest.mark.parametrize(("note", "tmdb_id", "title"), [CURATED, FROM_KEYWORD], ids=["curated", "keyword"])
def test_a_member_avoiding_a_note_never_meets_a_title_carrying_it(app, client, catalog, bearer,
                                                                  note, tmdb_id, title):
    avoid(client, note)
    before = surfaces(client, catalog)  # fill the fragment cache first: a new note must still count
    if note == CURATED[0]:
        assert all(title in body for name, body in before.items() if name in ("carousel", "planet", "teaser"))
        assert put_notes(client, bearer, tmdb_id, [note], "A long therapy scene.").status_code == 200
    for name, body in surfaces(client, catalog).items():
        assert title not in body, name
        assert f"/titles/movie/{tmdb_id}\"" not in body, name
    assert not any(title in pick for pick in random_titles(client, catalog))
    listed = client.get(f"/api/v1/lists/{catalog.movie_slug}?avoid={note}").json["items"]
    assert tmdb_id not in [item["tmdb_id"] for item in listed]
    for _ in range(RANDOM_TRIES):
        pick = client.get(f"/api/v1/tags/queer/random?avoid={note}").json["item"]
        assert pick["tmdb_id"] != tmdb_id
    unfiltered = client.get(f"/api/v1/lists/{catalog.movie_slug}").json["items"]
    assert note in next(item for item in unfiltered if item["tmdb_id"] == tmdb_id)["content_notes"]


@pytest.mark.parametrize(("note", "tmdb_id", "title"), [CURATED, FROM_KEYWORD], ids=["curated", "keyword"])
def test_a_withheld_title_can_be_shown_once_and_never_remembered(client, catalog, bearer, note, tmdb_id,
                                                                 title):
    put_notes(client, bearer, 1003, [CURATED[0]], "A long therapy scene.")
    avoid(client, note)
    page = client.get(f"/titles/movie/{tmdb_id}").get_data(as_text=True)
    assert "title-page__poster" not in page and "it touches" in page
    assert f'href="/titles/movie/{tmdb_id}?show=once"' in page and "Show it once anyway" in page
    once = client.get(f"/titles/movie/{tmdb_id}?show=once").get_data(as_text=True)
    assert "title-page__poster" in once and 'id="shown-once"' in once
    assert '<details class="content-notes" id="content-notes">' in once
    again = client.get(f"/titles/movie/{tmdb_id}").get_data(as_text=True)
    assert "title-page__poster" not in again  # nothing was remembered
    assert title not in client.get(f"/fragments/carousel/{catalog.movie_slug}").get_data(as_text=True)


def test_title_pages_show_notes_behind_a_disclosure(client, catalog, bearer):
    put_notes(client, bearer, 2002, ["outing"], "The outing happens off screen.")
    page = client.get("/titles/movie/2002").get_data(as_text=True)
    disclosure = page.split('<details class="content-notes" id="content-notes">')[1].split("</details>")[0]
    assert "Content notes (2)" in disclosure
    assert "Outing" in disclosure and "Suicide and self-harm" in disclosure
    assert "The outing happens off screen." in disclosure
    assert '<details class="content-notes"' not in client.get("/titles/movie/1005").get_data(as_text=True)


def test_the_api_reads_and_writes_notes_with_a_token_and_audits_them(app, client, catalog, bearer):
    assert client.get("/api/v1/titles/movie/2002/notes").json == {
        "media_type": "movie", "tmdb_id": 2002, "content_notes": ["suicide-self-harm"],
        "curated": [], "text": "", "updated_at": None,
    }
    assert put_notes(client, {}, 2002, ["outing"]).status_code == 401
    assert put_notes(client, bearer, 2002, ["spiders"]).status_code == 422
    assert put_notes(client, bearer, 2002, ["outing"], "x" * 281).status_code == 422
    assert put_notes(client, bearer, 424242, []).status_code == 404
    assert client.get("/api/v1/titles/book/2002/notes").status_code == 404
    saved = put_notes(client, bearer, 2002, ["outing", "conversion-therapy"], "Both in act two.")
    assert saved.status_code == 200
    assert saved.json["curated"] == ["conversion-therapy", "outing"]  # in vocabulary order
    assert saved.json["content_notes"] == ["conversion-therapy", "outing", "suicide-self-harm"]
    put_notes(client, bearer, 2002, ["outing", "conversion-therapy"], "Both in act two.")  # no change
    with app.app_context():
        audits = db.session.scalars(db.select(NoteAudit)).all()
        assert len(audits) == 1
        assert (audits[0].curator_email, audits[0].source) == (EMAIL, "api")
        assert (audits[0].notes_before, audits[0].notes_after) == ([], ["conversion-therapy", "outing"])
        assert audits[0].text_after == "Both in act two."


def test_curators_edit_notes_on_the_admin_list_page(app, client, catalog):
    create_curator(app)
    sign_in(client)
    panel = client.get("/admin/tags/queer/lists/movie").get_data(as_text=True)
    with app.app_context():
        item_id = catalog.item(2002).id
        revision = catalog.list(catalog.movie_slug).revision
    form = f'action="/admin/lists/{catalog.movie_slug}/items/{item_id}/notes"'
    assert form in panel and "from TMDb keywords" in panel
    url = f"/admin/lists/{catalog.movie_slug}/items/{item_id}/notes"
    chosen = {"notes": ["deadnaming-misgendering"], "text": "Early scenes."}
    response = client.post(url, data=chosen, headers=hx())
    assert response.status_code == 200
    assert 'value="deadnaming-misgendering" checked' in response.get_data(as_text=True)
    bad = client.post(url, data={"notes": ["nope"]})
    assert bad.status_code == 422
    history = client.get("/admin/notes").get_data(as_text=True)
    assert "Hard Goodbyes" in history and EMAIL in history and "deadnaming-misgendering" in history
    with app.app_context():
        audit = db.session.scalars(db.select(NoteAudit)).one()
        assert audit.source == "admin"
        assert catalog.list(catalog.movie_slug).revision == revision + 1  # cached carousels are renewed


def test_note_keywords_resolve_by_name_to_todays_ids(app):
    from qwir.preferences import Preferences
    from qwir.title_notes import resolve_note_keywords
    from qwir.tmdb_wiring import build_tmdb_client

    with app.test_request_context():
        assert Preferences(avoid_topics=frozenset({"suicide-self-harm"})).avoided_keyword_ids == frozenset()
        with build_tmdb_client(app.config) as client:
            assert resolve_note_keywords(client) > 0
        avoided = Preferences(avoid_topics=frozenset({"suicide-self-harm"})).avoided_keyword_ids
        assert 236 in avoided  # "suicide", as the (sandboxed) TMDb knows it today
        assert Preferences().avoided_keyword_ids == frozenset()
