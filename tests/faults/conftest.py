"""The fault suite's world: an app over SQLite whose TMDb is the sandbox server on loopback.

The server starts healthy, one spotlight list is generated, then a test turns on a fault mode
(429 bursts, 5xx, slow answers, connection resets, malformed JSON) and runs another sync.
Backoff sleeps are skipped so the suite stays fast (the client's clock jumps over them, so
deadlines still hold); the retry budget itself is the real one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from sqlalchemy import select

from qwir import create_app
from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import IdentityTag, MediaList, MediaListItem
from qwir.seed import seed_tags
from qwir.tmdb.client import TmdbClient
from qwir.tmdb.sandbox import start_server
from qwir.tmdb.sandbox.faults import FaultPlan
from qwir.tmdb.sandbox.server import SandboxServer

# Seconds; a latency above it is a timeout (the deadline per call is 3x this). A second leaves a
# healthy loopback answer room on a machine busy with the rest of the suite.
CLIENT_TIMEOUT = 1.0
CLIENT_RETRIES = 2
LIST_SIZE = 8
TAG_SLUG = "lesbian"


class StoredList(NamedTuple):
    """What members see of a list: its entries in order and when it was generated."""

    slug: str
    entries: tuple[tuple[int, int], ...]
    generated_at: object


@pytest.fixture
def running_sandbox() -> Iterator[tuple[SandboxServer, str]]:
    server, thread, base_url = start_server(port=0)
    yield server, base_url
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def sandbox_server(running_sandbox) -> SandboxServer:
    return running_sandbox[0]


@pytest.fixture
def sandbox_base_url(running_sandbox) -> str:
    return running_sandbox[1]


def set_faults(server: SandboxServer, **options) -> None:
    """Change what the running server does to the requests that follow."""
    server.sandbox.faults = FaultPlan(**options)


@pytest.fixture
def fault_app(tmp_path, sandbox_base_url, monkeypatch):
    for name in ("TMDB_API_KEY", "DATABASE_URL", "CACHE_REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "fault-suite-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'faults.sqlite3'}",
        "CACHE_TYPE": "SimpleCache",
        "WTF_CSRF_ENABLED": False,
        "TMDB_API_KEY": None,
        "TMDB_API_BASE_URL": sandbox_base_url,
        "TMDB_TIMEOUT": CLIENT_TIMEOUT,
        "TMDB_MAX_RETRIES": CLIENT_RETRIES,
        "CELERY_BROKER_URL": None,
    })
    with app.app_context():
        db.create_all()
        seed_tags()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class SkippingClock:
    """Real time plus every wait skipped so far: sleeping costs nothing, yet deadlines come."""

    def __init__(self) -> None:
        self._skipped = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return time.monotonic() + self._skipped

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._skipped += seconds


@pytest.fixture
def tmdb_client(sandbox_base_url) -> Iterator[TmdbClient]:
    """The real client with the app's budget, no cache (every sync really asks) and no real sleeping."""
    clock = SkippingClock()
    with TmdbClient("sandbox", base_url=sandbox_base_url, timeout=CLIENT_TIMEOUT,
                    max_retries=CLIENT_RETRIES, sleep=clock.sleep, clock=clock) as client:
        yield client


def find_tag(slug: str = TAG_SLUG) -> IdentityTag:
    return db.session.scalars(select(IdentityTag).where(IdentityTag.slug == slug)).one()


def stored_list(tag: IdentityTag, media_type: str = "movie") -> StoredList | None:
    """A snapshot of the stored list, read fresh from the database."""
    db.session.expire_all()
    media_list = db.session.scalars(
        select(MediaList).where(MediaList.tag_id == tag.id, MediaList.media_type == media_type)
    ).first()
    if media_list is None:
        return None
    rows = db.session.execute(
        select(MediaListItem.position, MediaListItem.media_item_id)
        .where(MediaListItem.list_id == media_list.id).order_by(MediaListItem.position)
    ).all()
    return StoredList(media_list.slug, tuple(tuple(row) for row in rows), media_list.generated_at)


@pytest.fixture
def generated_list(fault_app, tmdb_client) -> StoredList:
    """One list generated while TMDb was healthy: what members must keep seeing."""
    with fault_app.app_context():
        tag = find_tag()
        generate_media_list_for_identity(tag, limit=LIST_SIZE, client=tmdb_client, trigger="cli")
        snapshot = stored_list(tag)
    assert snapshot is not None and len(snapshot.entries) == LIST_SIZE
    return snapshot
