"""Memoised renderings: repeat requests cost no SQL, and any committed catalog change is seen at once."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update

from qwir.extensions import db
from qwir.memo import catalog_generation
from qwir.models import Curator, MediaItem
from tests.web.conftest import hx


@pytest.mark.parametrize("path", ["/", "/planets/queer", "/fragments/carousel/queer-spotlight-1",
                                  "/titles/movie/1001", "/fragments/teaser"])
def test_a_repeat_request_runs_no_sql(app, client, catalog, path):
    queries: list[str] = []
    with app.app_context():
        engine = db.engine
    first = client.get(path, headers=hx())
    listener = lambda *args: queries.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        again = client.get(path, headers=hx())
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    assert first.status_code == again.status_code == 200
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert queries == []


def test_a_curator_override_shows_on_the_next_request(client, app, catalog):
    url = f"/fragments/carousel/{catalog.movie_slug}"
    before = client.get(url).get_data(as_text=True)
    with app.app_context():
        catalog.hide(1000)
    after = client.get(url).get_data(as_text=True)
    assert "Film 00" in before and "Film 00" not in after


def test_any_committed_catalog_write_starts_a_new_generation(app, catalog):
    with app.test_request_context():
        first = catalog_generation()
        item = catalog.item(1001)
        item.title = "Renamed"
        db.session.commit()
        second = catalog_generation()
        db.session.execute(update(MediaItem).where(MediaItem.tmdb_id == 1002).values(title="Bulk"))
        db.session.commit()
        third = catalog_generation()
    assert len({first, second, third}) == 3


def test_a_rolled_back_write_and_a_curator_account_keep_the_generation(app, catalog):
    with app.test_request_context():
        first = catalog_generation()
        catalog.item(1001).title = "Never"
        db.session.flush()
        db.session.rollback()
        db.session.add(Curator(email="c@example.org", password_hash="x", active=True))
        db.session.commit()
        assert catalog_generation() == first


def test_renderings_differ_by_preferences_language_and_htmx(client, catalog):
    url = "/planets/queer"
    page = client.get(url).get_data(as_text=True)
    fragment = client.get(url, headers=hx()).get_data(as_text=True)
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert page != fragment and 'lang="fr"' in french and 'lang="en"' in page
    client.post("/preferences", data={"max_maturity": "pg"})
    capped = client.get(url).get_data(as_text=True)
    assert "Rated Restricted" in page and "Rated Restricted" not in capped


def test_with_the_file_cache_a_bump_by_another_process_is_seen_at_once(app_config, tmp_path):
    from qwir import create_app
    from qwir.memo import bump_catalog_generation

    config = {**app_config, "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")}
    reader, writer = create_app(config), create_app(config)
    with reader.app_context():
        before = catalog_generation()
        assert catalog_generation() == before
    with writer.app_context():
        bumped = bump_catalog_generation()
    with reader.app_context():
        assert catalog_generation() == bumped != before
