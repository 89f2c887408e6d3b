"""Syncs on real Celery workers over PostgreSQL and a Redis broker, requested through the API."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from qwir import create_app
from qwir.catalog import start_sync
from qwir.curators import create_curator, issue_token
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem, MediaList, MediaListItem

pytestmark = pytest.mark.services


@pytest.fixture
def worker_app(migrated_postgres_url, broker_url, celery_queue, tmp_path, monkeypatch):
    """The web side in this process: same database and broker as the workers, our queue."""
    for name in ("TMDB_API_KEY", "DATABASE_URL", "CACHE_REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "web-instance"),
        "SECRET_KEY": "services-test-secret",
        "SQLALCHEMY_DATABASE_URI": migrated_postgres_url,
        "CACHE_TYPE": "SimpleCache",
        "TMDB_API_KEY": None,
        "CELERY_BROKER_URL": broker_url,
    })
    celery = app.extensions["celery"]
    celery.conf.task_default_queue = celery_queue
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    celery.close()


@pytest.fixture
def curator_token(worker_app) -> str:
    with worker_app.app_context():
        curator = create_curator("ops@example.org", "a long enough passphrase")
        return issue_token(curator, "services test").secret


def _tag(slug: str) -> IdentityTag:
    return db.session.scalars(select(IdentityTag).where(IdentityTag.slug == slug)).one()


def _list_rows(tag: IdentityTag) -> list[tuple[int, int]]:
    db.session.expire_all()
    media_lists = db.session.scalars(
        select(MediaList).where(MediaList.tag_id == tag.id, MediaList.media_type == "movie")
    ).all()
    assert len(media_lists) <= 1
    if not media_lists:
        return []
    return [tuple(row) for row in db.session.execute(
        select(MediaListItem.position, MediaListItem.media_item_id)
        .where(MediaListItem.list_id == media_lists[0].id).order_by(MediaListItem.position)
    )]


def _poll_sync(client, location: str, headers: dict, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(location, headers=headers).get_json()
        if body["status"] != "running":
            return body
        time.sleep(0.2)
    pytest.fail(f"the sync at {location} was still running after {timeout}s")


def test_a_sync_requested_through_the_api_runs_on_the_worker_and_lands_in_postgresql(
    worker_app, curator_token, start_celery_worker, migrated_postgres_url
):
    worker_log = Path(start_celery_worker(migrated_postgres_url))
    client = worker_app.test_client()
    headers = {"Authorization": f"Bearer {curator_token}"}

    accepted = client.post("/api/v1/tags/queer/sync", headers=headers)
    assert accepted.status_code == 202
    outcome = _poll_sync(client, accepted.headers["Location"], headers)

    assert outcome["status"] == "succeeded", outcome
    with worker_app.app_context():
        rows = _list_rows(_tag("queer"))
    assert len(rows) == outcome["stored_count"] > 0
    # The worker, not this process, did the work: its log holds the task and the sync line.
    assert wait_for_text(worker_log, "sync tag=queer media=movie trigger=api status=succeeded")
    assert "Task qwir.sync_tag[" in worker_log.read_text()


def test_a_second_request_while_the_first_is_queued_is_refused(worker_app, curator_token):
    client = worker_app.test_client()
    headers = {"Authorization": f"Bearer {curator_token}"}

    first = client.post("/api/v1/tags/trans/sync", headers=headers)
    second = client.post("/api/v1/tags/trans/sync", headers=headers)

    # No worker is running yet: the first sync stays queued, and the database refuses a second.
    assert first.status_code == 202
    assert second.status_code == 409
    assert second.headers["Location"] == first.headers["Location"]


def test_two_workers_syncing_one_tag_at_once_leave_one_consistent_list(
    worker_app, start_celery_worker, migrated_postgres_url, celery_queue
):
    logs = [Path(start_celery_worker(migrated_postgres_url, name=name)) for name in ("w1", "w2")]
    celery = worker_app.extensions["celery"]
    with worker_app.app_context():
        tag = _tag("lesbian")
        audit_id = start_sync(tag, media_type="movie", trigger="api").id
        # Both jobs carry the same running audit: two workers writing one list at the same moment.
        results = [
            celery.send_task("qwir.sync_tag", args=(tag.id, "movie", "api", audit_id), queue=celery_queue)
            for _ in logs
        ]
        outcomes = [result.get(timeout=90) for result in results]
        rows = _list_rows(tag)
        size = tag.list_size
        items = [tuple(row) for row in db.session.execute(select(MediaItem.media_type, MediaItem.tmdb_id))]

    assert all(outcome["audit_id"] == audit_id for outcome in outcomes)
    assert [position for position, _item in rows] == list(range(size))
    assert len({item for _position, item in rows}) == size
    assert not [key for key, count in Counter(items).items() if count > 1]
    assert all("Task qwir.sync_tag[" in log.read_text() for log in logs), "each worker should take one job"


def wait_for_text(path: Path, text: str, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return True
        time.sleep(0.1)
    return False
