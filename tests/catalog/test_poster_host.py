"""Live or sandbox is decided once per sync and stored with each item, with TMDb's image host."""

from __future__ import annotations

import json
import re

import pytest

from qwir import catalog
from qwir.extensions import db
from qwir.models import TmdbConfiguration
from qwir.tmdb_wiring import build_tmdb_client

POSTER = re.compile(r'<img src="([^"]+)"')
REAL_KEY = "0123456789abcdef" * 2


class AnswersLikeTmdb:
    """The sandbox's titles, but TMDb's own /configuration: what a real key's sync stores."""

    def __init__(self, client, configuration: dict) -> None:
        self._client, self._configuration = client, configuration

    def __getattr__(self, name):
        return getattr(self._client, name)

    def configuration(self) -> dict:
        return self._configuration


@pytest.fixture
def recorded_configuration(shared_dir) -> dict:
    return json.loads((shared_dir / "tmdb-recorded" / "configuration_2024-09.json").read_text())


def feed_posters(app, slug: str) -> list[str]:
    page = app.test_client().get(f"/fragments/carousel/{slug}").get_data(as_text=True)
    return POSTER.findall(page)


def api_posters(app, slug: str) -> list[str]:
    return [item["poster_url"] for item in app.test_client().get(f"/api/v1/lists/{slug}").json["items"]]


def test_sandbox_posters_stay_on_the_sandbox_after_a_key_is_set(ctx, tag_named):
    media_list = catalog.generate_media_list_for_identity(tag_named("queer"), limit=4)
    ctx.config["TMDB_API_KEY"] = REAL_KEY  # the deployment switches modes; no sync has run since
    for posters in (feed_posters(ctx, media_list.slug), api_posters(ctx, media_list.slug)):
        assert posters and all(url.startswith("/sandbox/t/p/w342/") for url in posters)
        assert not any("image.tmdb.org" in url for url in posters)


def test_a_live_sync_builds_poster_urls_from_tmdbs_configuration(ctx, tag_named, recorded_configuration):
    ctx.config["TMDB_API_KEY"] = REAL_KEY
    with build_tmdb_client({"TMDB_API_KEY": None}) as sandbox:
        client = AnswersLikeTmdb(sandbox, recorded_configuration)
        media_list = catalog.generate_media_list_for_identity(tag_named("gay"), limit=4, client=client)
    assert {entry.item.source for entry in media_list.entries} == {"live"}
    stored = db.session.get(TmdbConfiguration, "live")
    assert stored.payload["images"]["secure_base_url"] == "https://image.tmdb.org/t/p/"
    for posters in (feed_posters(ctx, media_list.slug), api_posters(ctx, media_list.slug)):
        assert posters and all(url.startswith("https://image.tmdb.org/t/p/w342/") for url in posters)


def test_the_configuration_a_sync_fetched_is_kept(ctx, tag_named):
    catalog.generate_media_list_for_identity(tag_named("drag"), limit=2)
    stored = db.session.get(TmdbConfiguration, "sandbox")
    assert stored.payload["images"]["secure_base_url"] == "/sandbox/t/p/"
    assert stored.fetched_at is not None
