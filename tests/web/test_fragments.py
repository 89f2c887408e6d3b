"""Fragments host pages lazy-load: one root with a stable id, ETags and 304s, the pending state."""

from __future__ import annotations

import random
import re

import pytest

from qwir import widgets
from tests.web.conftest import hx


def root_of(body: str) -> str:
    """The opening tag of a fragment's single root element."""
    return re.match(r"\s*(<[^>]+>)", body).group(1)


def test_carousel_is_one_rail_with_real_buttons_and_a_planet_link(client, catalog):
    response = client.get(f"/fragments/carousel/{catalog.movie_slug}", headers=hx())
    body = response.get_data(as_text=True)
    assert f'id="shelf-{catalog.movie_slug}"' in root_of(body)
    assert body.count('class="card"') == 12
    assert f'<button type="button" class="rail-button" id="shelf-{catalog.movie_slug}-prev"' in body
    assert f'aria-controls="shelf-{catalog.movie_slug}-rail"' in body
    assert f'<ul class="rail" id="shelf-{catalog.movie_slug}-rail" tabindex="0"' in body
    assert 'href="/planets/queer?format=movie#planet-browse"' in body
    assert 'data-announce="Queer spotlight: 12 titles loaded."' in body
    assert 'loading="lazy"' in body and 'width="342" height="513"' in body
    assert "Adult Feature" not in body  # adult titles never show


def test_carousel_is_cacheable_and_answers_304_until_the_list_changes(client, app, catalog):
    url = f"/fragments/carousel/{catalog.movie_slug}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Cookie" in first.vary
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    with app.app_context():
        catalog.touch(catalog.movie_slug)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_curator_hiding_an_item_changes_the_etag_and_the_rail(client, app, catalog):
    url = f"/fragments/carousel/{catalog.movie_slug}"
    first = client.get(url)
    with app.app_context():
        catalog.hide(1000)
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and "Film 00" not in second.get_data(as_text=True)


def test_preferences_change_the_etag(client, catalog):
    url = f"/fragments/carousel/{catalog.movie_slug}"
    etag = client.get(url).headers["ETag"]
    client.post("/preferences", data={"max_maturity": "16"})
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_no_list_yet_queues_a_sync_and_polls(client, app, catalog, monkeypatch):
    queued = []
    monkeypatch.setattr(widgets, "queue_sync", lambda tag, **kw: queued.append((tag.slug, kw)))
    response = client.get(f"/fragments/carousel/{catalog.trans_slug}", headers=hx())
    body = response.get_data(as_text=True)
    assert queued == [("trans", {"media_type": "movie", "trigger": "fragment", "background": True})]
    assert "being prepared" in body and 'aria-busy="true"' in body
    assert f'hx-get="/fragments/carousel/{catalog.trans_slug}" hx-trigger="load delay:2s"' in body
    assert f'id="shelf-{catalog.trans_slug}"' in root_of(body)
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


def test_a_running_sync_is_not_queued_twice(client, catalog, monkeypatch):
    def already_running(tag, **kw):
        raise widgets.SyncAlreadyRunning(None)

    monkeypatch.setattr(widgets, "queue_sync", already_running)
    body = client.get(f"/fragments/carousel/{catalog.trans_slug}").get_data(as_text=True)
    assert "being prepared" in body


def test_polling_stops_once_the_list_exists(client, catalog, monkeypatch):
    monkeypatch.setattr(widgets, "queue_sync", lambda tag, **kw: None)
    assert "being prepared" in client.get(f"/fragments/carousel/{catalog.trans_slug}").get_data(as_text=True)
    body = client.get(f"/fragments/carousel/{catalog.movie_slug}").get_data(as_text=True)
    assert "hx-trigger" not in body.split('id="pick-')[0]


def test_random_pick_swaps_in_a_different_title(client, catalog, monkeypatch):
    url = f"/fragments/random/{catalog.movie_slug}"
    body = client.get(url, headers=hx()).get_data(as_text=True)
    assert f'id="pick-{catalog.movie_slug}"' in root_of(body)
    shown = int(re.search(r'href="/titles/movie/(\d+)"', body).group(1))
    assert f'{url}?exclude={shown}' in body  # "another one" asks for a different title
    for _ in range(10):
        again = client.get(f"{url}?exclude={shown}").get_data(as_text=True)
        assert f'href="/titles/movie/{shown}"' not in again
    response = client.get(url)
    assert response.headers["Cache-Control"] == "no-store"


def test_random_pick_rejects_a_bad_exclude(client, catalog):
    assert client.get(f"/fragments/random/{catalog.movie_slug}?exclude=abc").status_code == 400


def test_random_pick_with_nothing_left_says_so(client, catalog):
    client.post("/preferences", data={"max_maturity": "all"})
    body = client.get(f"/fragments/random/{catalog.movie_slug}").get_data(as_text=True)
    assert "Nothing in this spotlight fits your preferences" in body


def test_random_pick_is_drawn_among_visible_titles_only(app, catalog):
    with app.test_request_context():
        prefs = widgets.Preferences(max_maturity="16", avoid_topics=frozenset({"suicide-self-harm"}))
        picks = {widgets.random_pick(catalog.movie_slug, prefs, rng=random.Random(seed)).item.tmdb_id
                 for seed in range(60)}
    assert picks and not picks & {2001, 2002, 2003}


def test_teaser_is_a_poster_wall_from_several_spotlights(client, catalog):
    response = client.get("/fragments/teaser", headers=hx())
    body = response.get_data(as_text=True)
    assert 'id="qwir-teaser"' in root_of(body)
    assert body.count("<li>") == 12
    assert 'href="/titles/tv/3000"' in body  # series sit beside films on the wall
    assert "ETag" in response.headers and "Cookie" in response.vary
    cached = client.get("/fragments/teaser", headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304


@pytest.mark.parametrize(
    "path", ["/fragments/teaser", "/fragments/random/{slug}", "/fragments/carousel/{slug}"]
)
def test_fragments_never_extend_the_page(client, catalog, path):
    body = client.get(path.format(slug=catalog.movie_slug)).get_data(as_text=True)
    assert "<html" not in body and "<main" not in body and "<script" not in body
