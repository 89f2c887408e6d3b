"""Helpers for the curator tests (admin, API, security): accounts, tokens, tags and stored lists."""

from __future__ import annotations

import datetime as dt

import httpx

from qwir import curators
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem, MediaList, MediaListItem
from qwir.tmdb.client import TmdbClient

EMAIL = "curator@example.org"
PASSWORD = "correct horse battery staple"
SCRIPT_TITLE = '<script>alert("owned")</script> Carol'


def create_curator(app) -> int:
    with app.app_context():
        return curators.create_curator(EMAIL, PASSWORD).id


def sign_in(client):
    response = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return client


def issue_token(app, label: str = "tests") -> str:
    with app.app_context():
        return curators.issue_token(curators.find_curator(EMAIL), label).secret


def make_tag(app, slug: str = "lesbian", name: str = "Lesbian", **fields) -> int:
    with app.app_context():
        values = {"keyword_names": [slug], "media_types": ["movie"], **fields}
        tag = IdentityTag(slug=slug, name=name, **values)
        db.session.add(tag)
        db.session.commit()
        return tag.id


def store_list(app, tag_id: int, titles: list[dict], media_type: str = "movie") -> str:
    """Store a generated list for a tag, as a finished sync would; returns its slug."""
    with app.app_context():
        tag = db.session.get(IdentityTag, tag_id)
        media_list = MediaList(slug=tag.list_slug(media_type), title=f"{tag.name} spotlight", tag=tag,
                               media_type=media_type, generated_at=dt.datetime.now(dt.UTC), source="sandbox")
        db.session.add(media_list)
        for position, fields in enumerate(titles):
            item = MediaItem(media_type=media_type, **{"tmdb_id": 1000 + position, **fields})
            db.session.add(MediaListItem(media_list=media_list, item=item, position=position))
        db.session.commit()
        return media_list.slug


def failing_tmdb_client(config, cache=None) -> TmdbClient:
    """A client whose TMDb answers every request with a 503, without retrying or waiting."""
    def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"status_code": 46, "status_message": "Down for maintenance."})

    return TmdbClient("sandbox", transport=httpx.MockTransport(unavailable), max_retries=0)
