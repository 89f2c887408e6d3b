"""A running sync's heartbeat: its audit row says "still alive" every few seconds until it ends.

A worker killed mid-sync (OOM, a deploy, kill -9) cannot close its audit, and a running audit
blocks its list. With a heartbeat, a sync that has started is known dead within
SILENCE_MEANS_DEAD of its last beat, instead of after the old ten-minute expiry; an audit that
never started (still waiting in the Celery queue) keeps that longer grace.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, and_, or_, update
from sqlalchemy.sql import ColumnElement

from qwir.models import SyncAudit, utcnow

log = logging.getLogger(__name__)

BEAT_EVERY_SECONDS = 15.0
SILENCE_MEANS_DEAD = dt.timedelta(seconds=60)
NEVER_STARTED_EXPIRES_AFTER = dt.timedelta(minutes=10)


def beat(engine: Engine, audit_id: int) -> None:
    """Stamp the audit, on a connection of its own (never the sync's session and transaction)."""
    with engine.begin() as connection:
        connection.execute(update(SyncAudit).where(SyncAudit.id == audit_id, SyncAudit.status == "running")
                           .values(heartbeat_at=utcnow()))


@contextmanager
def heartbeat(engine: Engine, audit_id: int, *, every: float = BEAT_EVERY_SECONDS) -> Iterator[None]:
    """Beat once now, then every `every` seconds from a thread, until the block ends."""
    beat(engine, audit_id)
    stop = threading.Event()

    def keep_beating() -> None:
        while not stop.wait(every):
            try:
                beat(engine, audit_id)
            except Exception as error:  # a missed beat is retried; it must never break the sync
                log.warning("sync heartbeat missed (%s)", type(error).__name__)

    thread = threading.Thread(target=keep_beating, name=f"sync-heartbeat-{audit_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def is_dead(now: dt.datetime) -> ColumnElement[bool]:
    """A running audit whose process has stopped: silent too long, or never started in time."""
    return or_(
        and_(SyncAudit.heartbeat_at.is_not(None), SyncAudit.heartbeat_at < now - SILENCE_MEANS_DEAD),
        and_(SyncAudit.heartbeat_at.is_(None), SyncAudit.started_at < now - NEVER_STARTED_EXPIRES_AFTER),
    )
