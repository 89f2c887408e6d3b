"""The write side on PostgreSQL: migrations both ways, a sync, and two syncs of one tag at once."""

from __future__ import annotations

import json
import re
import threading

import flask_migrate
import httpx
import pytest
from sqlalchemy import func, inspect, select

from qwir import catalog, create_app
from qwir.extensions import cache, db
from qwir.models import IdentityTag, MediaItem, MediaList, MediaListItem, SyncAudit
from qwir.tmdb.client import TmdbClient
from qwir.tmdb.sandbox import SandboxTransport
from qwir.tmdb_wiring import SANDBOX_API_KEY, SANDBOX_IMAGE_BASE_URL, build_tmdb_client

pytestmark = pytest.mark.services


@pytest.fixture
def pg_app(migrated_postgres_url, app_config):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": migrated_postgres_url})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def in_threads(app, count: int, work) -> list:
    """Run `work(index)` in `count` threads at once, each in its own app context; collect results."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(index: int) -> None:
        barrier.wait()
        with app.app_context():
            try:
                results[index] = work(index)
            except Exception as error:
                results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def tag_id(slug: str) -> int:
    return db.session.scalar(select(IdentityTag.id).where(IdentityTag.slug == slug))


def assert_consistent(list_id: int) -> list[int]:
    """Positions 0..n-1, each item once; returns the item ids in order."""
    rows = db.session.execute(select(MediaListItem.position, MediaListItem.media_item_id)
                              .where(MediaListItem.list_id == list_id)
                              .order_by(MediaListItem.position)).all()
    assert [p for p, _ in rows] == list(range(len(rows)))
    assert len({i for _, i in rows}) == len(rows)
    return [i for _, i in rows]


def test_migrations_upgrade_and_downgrade(postgres_url, app_config):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert "sync_audits" not in inspect(db.engine).get_table_names()
        flask_migrate.upgrade()
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("sync_audits")}
        assert "uq_sync_audits_one_running" in indexes
        db.session.remove()
        db.engine.dispose()


def test_a_sync_lands_in_postgres(pg_app):
    with pg_app.app_context():
        queer = db.session.get(IdentityTag, tag_id("queer"))
        media_list = catalog.generate_media_list_for_identity(queer, limit=10)
        assert media_list.slug == f"queer-spotlight-{queer.id}"
        assert len(assert_consistent(media_list.id)) == 10


def test_two_syncs_of_one_tag_at_once_leave_one_consistent_list(pg_app):
    with pg_app.app_context():
        gay_id = tag_id("gay")

    def sync(_index):
        tag = db.session.get(IdentityTag, gay_id)
        return catalog.generate_media_list_for_identity(tag, limit=12).id

    results = in_threads(pg_app, 2, sync)
    assert all(isinstance(r, int | catalog.SyncAlreadyRunning) for r in results), results
    with pg_app.app_context():
        lists = db.session.scalars(select(MediaList).where(MediaList.tag_id == gay_id)).all()
        assert len(lists) == 1
        assert len(assert_consistent(lists[0].id)) == 12
        assert db.session.scalar(select(func.count(SyncAudit.id)).where(SyncAudit.status == "running")) == 0
        duplicates = select(MediaItem.tmdb_id).group_by(MediaItem.media_type, MediaItem.tmdb_id) \
            .having(func.count() > 1)
        assert db.session.scalars(duplicates).all() == []


def test_two_writers_of_one_list_never_interleave(pg_app):
    # Past the queue's one-running-sync rule (a sync outliving its expiry), the write itself
    # still serialises: the list ends as exactly one writer's answer, never a mix.
    with pg_app.app_context():
        lesbian = db.session.get(IdentityTag, tag_id("lesbian"))
        with build_tmdb_client(pg_app.config, cache=cache) as client:
            plan = catalog._plan(lesbian, catalog.ensure_keyword_ids(lesbian, client), 15, "movie",
                                 pg_app.config)
            images = catalog.discovery.image_config(client)
            titles = catalog._collect(client, plan, images).titles
        db.session.commit()
    answers = [titles, list(reversed(titles))]
    results = in_threads(pg_app, 2, lambda i: catalog._store_list(plan, answers[i], images, [], {}).id)
    assert results[0] == results[1]
    with pg_app.app_context():
        stored = assert_consistent(results[0])
        by_id = dict(db.session.execute(select(MediaItem.id, MediaItem.tmdb_id)).all())
        order = [by_id[i] for i in stored]
        assert order in ([t.tmdb_id for t in answers[0]], [t.tmdb_id for t in answers[1]])


class NulInTitles(httpx.BaseTransport):
    """The sandbox, with a NUL and a bell inside every film's title, overview and keyword names."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not re.fullmatch(r".*/movie/\d+", request.url.path):
            return response
        payload = json.loads(response.read())
        payload["title"] = f"Nul\u0000 {payload.get('title')}"
        payload["overview"] = f"\u0007{payload.get('overview') or ''}"
        for keyword in payload.get("keywords", {}).get("keywords", []):
            keyword["name"] = f"{keyword['name']}\u0000"
        return httpx.Response(response.status_code, json=payload)


def test_tmdb_text_with_nul_is_cleaned_and_stored_on_postgres(pg_app):
    transport = NulInTitles(SandboxTransport(api_key=SANDBOX_API_KEY, image_base_url=SANDBOX_IMAGE_BASE_URL))
    with pg_app.app_context(), TmdbClient(SANDBOX_API_KEY, transport=transport) as client:
        queer = db.session.get(IdentityTag, tag_id("queer"))
        media_list = catalog.generate_media_list_for_identity(queer, limit=5, client=client)
        titles = db.session.scalars(select(MediaItem.title).join(MediaListItem)
                                    .where(MediaListItem.list_id == media_list.id)).all()
    assert len(titles) == 5
    assert all(title.startswith("Nul ") and "\x00" not in title for title in titles)


def test_retention_and_health_run_on_postgres(pg_app):
    import datetime as dt

    from qwir.retention import run_retention
    from qwir.spotlight_health import spotlight_health

    with pg_app.app_context():
        gay = db.session.get(IdentityTag, tag_id("gay"))
        media_list = catalog.generate_media_list_for_identity(gay, limit=4)
        lost = MediaItem(media_type="movie", tmdb_id=987654321, title="Lost to TMDb")
        db.session.add(lost)
        db.session.commit()
        catalog.pin_item(media_list, lost, 1)
        lost.fetched_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
        db.session.commit()
        list_id = media_list.id
        report = run_retention(pg_app.config)
        assert (report.flagged_missing, report.dropped_items) == (1, 1)
        assert len(assert_consistent(list_id)) == 3
        assert spotlight_health(gay).lists[0].size == 3
