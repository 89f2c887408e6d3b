"""Sync under faults: the sandbox server fails 20 % of requests and sends 429 bursts; of 10 syncs in a
row at least 9 succeed, the others fail cleanly, and the stored list is never lost.

Uses the app's own wiring (build_tmdb_client: real timeouts, retries and backoff) on a throwaway
SQLite instance.

    .venv/bin/python bench/sync_faults.py
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from _serving import PROJECT_ROOT  # noqa: F401  (makes `qwir` importable from bench/)
from sqlalchemy import select

from qwir import create_app
from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import IdentityTag, MediaList, MediaListItem, SyncAudit
from qwir.seed import seed_tags
from qwir.tmdb.errors import TmdbError
from qwir.tmdb.sandbox import start_server
from qwir.tmdb.sandbox.faults import FaultPlan
from qwir.tmdb_wiring import build_tmdb_client

SYNCS = 10
TAG = "queer"


def list_entries(tag: IdentityTag) -> tuple:
    db.session.expire_all()
    media_list = db.session.scalars(select(MediaList).where(MediaList.tag_id == tag.id,
                                                            MediaList.media_type == "movie")).first()
    if media_list is None:
        return ()
    return tuple(db.session.execute(select(MediaListItem.position, MediaListItem.media_item_id)
                                    .where(MediaListItem.list_id == media_list.id)
                                    .order_by(MediaListItem.position)))


def one_sync(app, tag: IdentityTag) -> tuple[SyncAudit, float]:
    started = time.perf_counter()
    # No cache: every sync really asks TMDb. A failure is recorded on the audit, judged by the caller.
    with build_tmdb_client(app.config) as client, contextlib.suppress(TmdbError):
        generate_media_list_for_identity(tag, limit=tag.list_size, client=client, trigger="schedule")
    audit = db.session.scalars(select(SyncAudit).order_by(SyncAudit.id.desc()).limit(1)).one()
    return audit, time.perf_counter() - started


def run(app, server) -> int:
    tag = db.session.scalars(select(IdentityTag).where(IdentityTag.slug == TAG)).one()
    first, _seconds = one_sync(app, tag)
    if first.status != "succeeded":
        sys.exit("the first sync, on a healthy sandbox, failed")
    server.sandbox.faults = FaultPlan(fail_rate=0.2, burst_every=15, burst_length=3, seed=20)
    problems = succeeded = 0
    print(f"{SYNCS} syncs of {TAG} (movies, {tag.list_size} titles), TMDb failing 20 % + bursts of three "
          f"429s every 15 requests; load average {os.getloadavg()[0]:.2f}:")
    for number in range(1, SYNCS + 1):
        before = list_entries(tag)
        audit, seconds = one_sync(app, tag)
        after = list_entries(tag)
        kept = after == before if audit.status == "failed" else len(after) == tag.list_size
        problems += not kept or audit.status not in {"succeeded", "failed"}
        succeeded += audit.status == "succeeded"
        reason = f" ({audit.error_class})" if audit.error_class else ""
        print(f"  {number:>2}: {audit.status}{reason} in {seconds:.2f} s, "
              f"{audit.tmdb_requests} TMDb requests, list {'intact' if kept else 'LOST OR DAMAGED'}")
    print(f"  sandbox: {server.stats()['requests']} requests, faults {server.stats()['faults']}")
    print(f"{succeeded} of {SYNCS} succeeded (target >= 9); lists lost or damaged: {problems}")
    return 1 if problems or succeeded < 9 else 0


def main() -> int:
    server, _thread, tmdb_url = start_server(port=0)
    with tempfile.TemporaryDirectory(prefix="qwir-bench-") as folder:
        app = create_app({
            "INSTANCE_PATH": str(Path(folder) / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-secret", "TMDB_API_KEY": None, "TMDB_API_BASE_URL": tmdb_url,
            "CACHE_TYPE": "SimpleCache", "CELERY_BROKER_URL": None, "LOG_LEVEL": "ERROR",
        })
        try:
            with app.app_context():
                db.create_all()
                seed_tags()
                return run(app, server)
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    sys.exit(main())
