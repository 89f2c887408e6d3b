"""A killed sync is noticed within a minute: running syncs beat, and silence ends them."""

from __future__ import annotations

import datetime as dt
import time

from qwir import catalog, sync_heartbeat, tasks
from qwir.extensions import db
from qwir.models import SyncAudit, utcnow


def killed_mid_sync(tag, seconds_since_last_beat: float) -> SyncAudit:
    """A running audit whose worker beat last `seconds_since_last_beat` ago, then was killed."""
    audit = catalog.start_sync(tag, media_type="movie", trigger="api")
    audit.heartbeat_at = utcnow() - dt.timedelta(seconds=seconds_since_last_beat)
    db.session.commit()
    return audit


def test_a_sync_killed_a_minute_ago_no_longer_blocks_its_list(tag_named):
    queer = tag_named("queer")
    dead = killed_mid_sync(queer, seconds_since_last_beat=61)

    assert tasks.queue_sync(queer, trigger="admin").status == "succeeded"
    db.session.refresh(dead)
    assert (dead.status, dead.error_class) == ("failed", "SyncAbandoned")


def test_a_sync_that_beat_recently_still_blocks(tag_named):
    queer = tag_named("queer")
    alive = killed_mid_sync(queer, seconds_since_last_beat=20)
    try:
        tasks.queue_sync(queer, trigger="admin")
    except tasks.SyncAlreadyRunning as refused:
        assert refused.audit.id == alive.id
    else:
        raise AssertionError("a live sync was run twice")


def test_a_running_sync_keeps_beating(tag_named):
    audit = catalog.start_sync(tag_named("gay"), media_type="movie", trigger="api")
    with sync_heartbeat.heartbeat(db.engine, audit.id, every=0.05):
        first = _beat_of(audit.id)
        time.sleep(0.3)
        later = _beat_of(audit.id)
    assert first is not None and later > first


def test_a_finished_sync_has_its_beats_on_record(tag_named):
    audit = tasks.queue_sync(tag_named("lesbian"), trigger="admin")
    assert audit.status == "succeeded"
    assert _beat_of(audit.id) is not None


def _beat_of(audit_id: int):
    return db.session.get(SyncAudit, audit_id, populate_existing=True).heartbeat_at
