"""Curator bugs as a curator meets them: the tag form's boxes, undo, direct fragment URLs, pinning."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from curator_support import create_curator, make_tag, sign_in, store_list

from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem, MediaList

HX = {"HX-Request": "true"}


class FormReader(HTMLParser):
    """What a browser would submit from the page's form with id `form_id`, left as rendered."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            ticked = attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs
            if ticked:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_data(self, data):
        if self._textarea:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_as_rendered(page: str, form_id: str = "tag-form") -> list[tuple[str, str]]:
    reader = FormReader(form_id)
    reader.feed(page)
    return reader.fields


@pytest.fixture
def curator_client(app, client):
    create_curator(app)
    return sign_in(client)


@pytest.fixture
def stored(app):
    """A film list of three titles whose last sync ranked them in this order."""
    tag_id = make_tag(app, keyword_names=["lesbian"], media_types=["movie", "tv"])
    slug = store_list(app, tag_id, [{"title": "Carol"}, {"title": "Show Me Love"}, {"title": "Pariah"}])
    with app.app_context():
        media_list = db.session.scalar(db.select(MediaList).where(MediaList.slug == slug))
        media_list.tmdb_order = [entry.media_item_id for entry in media_list.entries]
        media_list.target_size = 3
        db.session.commit()
    return slug


def list_titles(client) -> list[str]:
    page = client.get("/admin/tags/lesbian/lists/movie", headers=HX).get_data(as_text=True)
    return re.findall(r'<span class="title">([^<]+?)(?: <span| *</span>)', page)


# ---------------------------------------------------------------- the tag form keeps both boxes


def test_a_new_tag_with_both_boxes_ticked_gets_both_lists(curator_client, app):
    new_form = curator_client.get("/admin/tags/new").get_data(as_text=True)
    fields = form_as_rendered(new_form)
    assert ("media_types", "movie") in fields and ("media_types", "tv") in fields
    fields += [("name", "Queer"), ("slug", "queer"), ("keyword_names", "queer, lgbt")]
    fields = [(k, v) for k, v in fields if v or k not in ("name", "slug", "keyword_names")]
    response = curator_client.post("/admin/tags", data=_multi(fields))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(IdentityTag)).media_types == ["movie", "tv"]


def test_saving_the_edit_form_unchanged_keeps_films_and_series(curator_client, app):
    make_tag(app, slug="queer", name="Queer", media_types=["movie", "tv"])
    page = curator_client.get("/admin/tags/queer/edit").get_data(as_text=True)
    response = curator_client.post("/admin/tags/queer/edit", data=_multi(form_as_rendered(page)))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(IdentityTag, 1).media_types == ["movie", "tv"]


def test_a_form_sent_back_with_errors_keeps_both_boxes_ticked(curator_client):
    form = _multi([("name", ""), ("keyword_names", "queer"), ("media_types", "movie"), ("media_types", "tv")])
    page = curator_client.post("/admin/tags", data=form, headers=HX).get_data(as_text=True)
    fields = form_as_rendered(page)
    assert ("media_types", "movie") in fields and ("media_types", "tv") in fields


def _multi(fields: list[tuple[str, str]]):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


# ---------------------------------------------------------------- undo is immediate


def test_unpin_puts_the_title_back_where_tmdb_ranked_it(curator_client, stored):
    curator_client.post(f"/admin/lists/{stored}/items/3/pin", data={"position": "1"}, headers=HX)
    assert list_titles(curator_client) == ["Pariah", "Carol", "Show Me Love"]
    curator_client.post(f"/admin/lists/{stored}/items/3/clear", headers=HX)
    assert list_titles(curator_client) == ["Carol", "Show Me Love", "Pariah"]


def test_show_again_brings_the_title_back_at_once(curator_client, stored):
    curator_client.post(f"/admin/lists/{stored}/items/2/hide", headers=HX)
    assert list_titles(curator_client) == ["Carol", "Pariah"]
    curator_client.post(f"/admin/lists/{stored}/items/2/clear", headers=HX)
    assert list_titles(curator_client) == ["Carol", "Show Me Love", "Pariah"]


def test_undoing_one_override_keeps_the_others(curator_client, stored):
    curator_client.post(f"/admin/lists/{stored}/items/3/pin", data={"position": "1"}, headers=HX)
    curator_client.post(f"/admin/lists/{stored}/items/1/hide", headers=HX)
    assert list_titles(curator_client) == ["Pariah", "Show Me Love"]
    curator_client.post(f"/admin/lists/{stored}/items/1/clear", headers=HX)
    assert list_titles(curator_client) == ["Pariah", "Carol", "Show Me Love"]


# ---------------------------------------------------------------- fragment URLs opened directly


def test_a_list_panel_opened_directly_is_the_full_tag_page(curator_client, stored):
    response = curator_client.get("/admin/tags/lesbian/lists/movie")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.lstrip().lower().startswith("<!doctype html") and "admin.css" in page
    assert "HX-Request" in response.headers["Vary"]
    fragment = curator_client.get("/admin/tags/lesbian/lists/movie", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith("<section")


def test_a_sync_status_opened_directly_is_its_tags_page(curator_client, app, stored):
    curator_client.post("/admin/tags/lesbian/sync", data={"media_type": "movie"})
    page = curator_client.get("/admin/syncs/1").get_data(as_text=True)
    assert "admin.css" in page and 'id="sync-lesbian-spotlight-1"' in page


def test_the_keyword_preview_is_not_a_page_of_its_own(curator_client):
    assert curator_client.get("/admin/keywords/preview?keyword_names=gay").status_code == 404


def test_a_plain_form_post_lands_on_the_full_tag_page(curator_client, stored):
    response = curator_client.post(f"/admin/lists/{stored}/items/2/hide")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/tags/lesbian"


# ---------------------------------------------------------------- pinning with judgement


def _add_item(app, **fields) -> int:
    with app.app_context():
        item = MediaItem(**{"media_type": "movie", "tmdb_id": 777, "title": "Outsider", **fields})
        db.session.add(item)
        db.session.commit()
        return item.id


def test_a_series_cannot_be_pinned_into_a_film_list(curator_client, app, stored):
    lesbian = [{"id": 264386, "name": "lesbian"}]
    series = _add_item(app, media_type="tv", title="Orphan Black", keywords=lesbian)
    response = curator_client.post(f"/admin/lists/{stored}/items/{series}/pin", data={"position": "1"},
                                   headers=HX)
    assert response.status_code == 422
    assert "Orphan Black is a series" in response.get_data(as_text=True)
    assert "Orphan Black" not in list_titles(curator_client)


def test_a_title_with_no_tie_to_the_identity_needs_a_confirmation(curator_client, app, stored):
    outsider = _add_item(app, keywords=[{"id": 9663, "name": "sequel"}])
    url = f"/admin/lists/{stored}/items/{outsider}/pin"
    question = curator_client.post(url, data={"position": "2"}, headers=HX)
    page = question.get_data(as_text=True)
    assert question.status_code == 409
    assert "Pin it anyway?" in page and 'name="confirm" value="yes"' in page
    assert "Outsider" not in list_titles(curator_client)
    curator_client.post(url, data={"position": "2", "confirm": "yes"}, headers=HX)
    assert list_titles(curator_client) == ["Carol", "Outsider", "Show Me Love"]


def test_a_title_carrying_one_of_the_tags_keywords_pins_straight_away(curator_client, app, stored):
    with app.app_context():
        db.session.get(IdentityTag, 1).keyword_ids = [264386]
        db.session.commit()
    kin = _add_item(app, title="Kindred", keywords=[{"id": 264386, "name": "lesbian"}])
    response = curator_client.post(f"/admin/lists/{stored}/items/{kin}/pin", data={"position": "1"},
                                   headers=HX)
    assert response.status_code == 200
    assert list_titles(curator_client)[0] == "Kindred"


# ---------------------------------------------------------------- one sync status per list


def test_regenerate_all_answers_one_status_per_list_with_unique_ids(curator_client, app):
    make_tag(app, media_types=["movie", "tv"])
    make_tag(app, slug="gay", name="Gay", media_types=["movie", "tv"])
    page = curator_client.post("/admin/sync-all", headers=HX).get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted(ids) == sorted({*ids})
    assert {"sync-lesbian-spotlight-1", "sync-lesbian-series-spotlight-1",
            "sync-gay-spotlight-2", "sync-gay-series-spotlight-2"} <= set(ids)
    dashboard = curator_client.get("/admin").get_data(as_text=True)
    dashboard_ids = re.findall(r'\sid="([^"]+)"', dashboard)
    assert len(dashboard_ids) == len(set(dashboard_ids))


# ---------------------------------------------------------------- spotlight health


def test_the_health_page_shows_keywords_lists_and_warnings(curator_client, app, stored):
    with app.app_context():
        tag = db.session.get(IdentityTag, 1)
        tag.keyword_names, tag.keyword_matches = ["lesbian", "sapphic"], {"lesbian": [264386], "sapphic": []}
        tag.keywords_resolved_at = tag.created_at
        media_list = db.session.get(MediaList, 1)
        media_list.target_size = 20
        media_list.excluded_titles = [{"tmdb_id": 4242, "title": "Stranger by the Lake", "date": "2013-06-12",
                                       "rank": 0}]
        db.session.commit()
    page = curator_client.get("/admin/tags/lesbian/health").get_data(as_text=True)
    assert "264386" in page and "not found" in page
    assert "The keyword name “sapphic” matches no TMDb keyword." in page
    assert "3 of 20 titles" in page and 'data-code="thin-list"' in page
    assert 'data-code="never-synced"' in page  # the series list
    assert "Stranger by the Lake" in page


def test_a_curator_keeps_an_excluded_title_for_the_next_sync(curator_client, app, stored):
    with app.app_context():
        db.session.get(MediaList, 1).excluded_titles = [{"tmdb_id": 4242, "title": "The Handmaiden",
                                                         "date": "2016-06-01", "rank": 3}]
        db.session.commit()
    response = curator_client.post(f"/admin/lists/{stored}/excluded/4242", data={"keep": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/tags/lesbian/health"
    with app.app_context():
        assert db.session.get(MediaList, 1).kept_tmdb_ids == [4242]
    assert curator_client.post(f"/admin/lists/{stored}/excluded/99", data={"keep": "yes"}).status_code == 404
