"""A sync stores every country's ratings as ages, TMDb's text per language, and genre names apart."""

from __future__ import annotations

from sqlalchemy import select

from qwir import catalog
from qwir.extensions import db
from qwir.models import GenreName, MediaItem, SyncAudit
from qwir.tmdb_wiring import build_tmdb_client

CAROL = 258480


def synced_items(tag_named, slug: str = "lesbian") -> dict[int, MediaItem]:
    media_list = catalog.generate_media_list_for_identity(tag_named(slug), limit=20)
    return {entry.item.tmdb_id: entry.item for entry in media_list.entries}


def test_every_country_is_rated_with_an_age(tag_named):
    carol = synced_items(tag_named)[CAROL]
    assert set(carol.ratings) == {"US", "GB", "DE", "FR", "BE", "CH", "CA"}
    assert carol.ratings["US"] == {"rating": "R", "age": 17}
    assert carol.ratings["GB"] == {"rating": "15", "age": 15}
    assert carol.ratings["FR"] == {"rating": "16", "age": 16}
    assert set(carol.providers) == set(carol.ratings)


def test_text_is_stored_for_every_language_and_left_empty_where_tmdb_has_none(tag_named, app):
    items = synced_items(tag_named)
    assert set(items[CAROL].translations) == set(app.config["QWIR_LANGUAGES"]) == {"en", "fr"}
    assert items[CAROL].translations["fr"]["overview"].startswith("New York, 1952")
    assert items[CAROL].translations["fr"]["title"] == ""
    assert any(item.translations["fr"]["overview"] == "" for item in items.values())


def test_the_request_count_does_not_grow_with_the_languages(app, tag_named):
    counts = {}
    for languages in (("en",), ("en", "fr")):
        app.config["QWIR_LANGUAGES"] = languages
        with build_tmdb_client(app.config) as client:  # a cold cache each time
            catalog.generate_media_list_for_identity(tag_named("lesbian"), limit=20, client=client)
        audit = db.session.scalars(select(SyncAudit).order_by(SyncAudit.id.desc())).first()
        counts[languages] = audit.tmdb_requests
        tag_named("lesbian").keyword_ids = []
        db.session.commit()
    assert counts[("en",)] == counts[("en", "fr")]


def test_genre_names_are_stored_per_language(ctx):
    with build_tmdb_client(ctx.config) as client:
        stored = catalog.refresh_genre_names(client, ("en", "fr"))
    names = {(g.language, g.genre_id): g.name for g in db.session.scalars(select(GenreName))}
    assert stored >= 2 * 19
    assert names[("en", 35)] == "Comedy" and names[("fr", 35)] == "Comédie"
