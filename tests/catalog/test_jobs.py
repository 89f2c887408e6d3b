"""The sync queue and the Celery tasks, run in-process: dedupe, stale audits, eager tasks."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from qwir import catalog, sync_heartbeat, tasks
from qwir.extensions import db
from qwir.models import IdentityTag, MediaList, SyncAudit, utcnow


def test_without_a_broker_a_queued_sync_runs_in_process(tag_named):
    queer = tag_named("queer")
    audit = tasks.queue_sync(queer, media_type="tv", trigger="admin")
    assert (audit.status, audit.trigger, audit.media_type) == ("succeeded", "admin", "tv")
    assert db.session.scalar(select(MediaList).where(MediaList.slug == queer.list_slug("tv"))) is not None


def test_a_background_sync_runs_on_the_embedded_worker_thread(app, tag_named):
    queer = tag_named("queer")
    audit = tasks.queue_sync(queer, trigger="fragment", background=True)
    assert audit.status == "running"
    app.extensions["qwir_worker"].join()
    finished = db.session.get(SyncAudit, audit.id, populate_existing=True)
    assert finished.status == "succeeded"
    assert db.session.scalar(select(MediaList).where(MediaList.slug == queer.list_slug())) is not None


def test_with_a_broker_a_background_sync_goes_to_celery_not_the_thread(app, tag_named, monkeypatch):
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    sent, threaded = [], []
    task = app.extensions["celery"].tasks["qwir.sync_tag"]
    monkeypatch.setattr(task, "delay", lambda *args: sent.append(args))
    monkeypatch.setattr(app.extensions["qwir_worker"], "submit", lambda *args: threaded.append(args))
    audit = tasks.queue_sync(tag_named("queer"), trigger="fragment", background=True)
    assert audit.status == "running" and len(sent) == 1 and threaded == []


def test_a_sync_that_cannot_build_its_client_fails_its_audit_instead_of_blocking(tag_named, monkeypatch):
    queer = tag_named("queer")

    def broken_client(config, cache=None):
        raise RuntimeError("no route to TMDb for api_key=" + "e" * 32)

    monkeypatch.setattr(tasks, "build_tmdb_client", broken_client)
    audit = tasks.queue_sync(queer, trigger="admin")
    assert (audit.status, audit.error_class) == ("failed", "RuntimeError")
    assert "e" * 32 not in audit.error_message
    monkeypatch.undo()
    assert tasks.queue_sync(queer, trigger="admin").status == "succeeded"


def test_a_running_sync_refuses_a_second_one(tag_named):
    gay = tag_named("gay")
    running = catalog.start_sync(gay, media_type="movie", trigger="api")
    with pytest.raises(tasks.SyncAlreadyRunning) as refused:
        tasks.queue_sync(gay, trigger="admin")
    assert refused.value.audit.id == running.id
    # The other media type is a different list, free to sync.
    assert tasks.queue_sync(gay, media_type="tv", trigger="admin").status == "succeeded"


def test_a_stale_running_audit_no_longer_blocks(tag_named):
    drag = tag_named("drag")
    stale = catalog.start_sync(drag, media_type="movie", trigger="schedule")
    stale.started_at = utcnow() - sync_heartbeat.NEVER_STARTED_EXPIRES_AFTER - dt.timedelta(seconds=1)
    db.session.commit()
    assert tasks.queue_sync(drag, trigger="admin").status == "succeeded"
    db.session.refresh(stale)
    assert (stale.status, stale.error_class) == ("failed", "SyncAbandoned")


def test_fifty_simultaneous_requests_start_at_most_one_sync(app, tag_named):
    tag_id = tag_named("lesbian").id
    started, refused, barrier = [], [], threading.Barrier(50)

    def request_sync():
        barrier.wait()
        with app.app_context():
            tag = db.session.get(IdentityTag, tag_id)
            try:
                started.append(catalog.start_sync(tag, media_type="movie", trigger="fragment").id)
            except catalog.SyncAlreadyRunning:
                refused.append(True)

    threads = [threading.Thread(target=request_sync) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(started) == 1 and len(refused) == 49
    running = select(func.count(SyncAudit.id)).where(SyncAudit.status == "running")
    assert db.session.scalar(running.where(SyncAudit.tag_id == tag_id)) == 1


def small_lists() -> None:
    for tag in db.session.scalars(select(IdentityTag)):
        tag.list_size = 3
    db.session.commit()


def test_queue_sync_all_covers_every_featured_list_once(tag_named):
    small_lists()
    tag_named("asexual").featured = False
    db.session.commit()
    audits = tasks.queue_sync_all("schedule")
    featured = db.session.scalars(select(IdentityTag).where(IdentityTag.featured.is_(True))).all()
    assert len(audits) == sum(len(t.media_types) for t in featured)
    assert {a.trigger for a in audits} == {"schedule"}
    assert all(a.status == "succeeded" for a in audits)


def test_the_featured_task_and_the_keyword_task_run_eagerly(app, tag_named):
    celery = app.extensions["celery"]
    assert celery.conf.task_always_eager
    small_lists()
    trans = tag_named("trans")
    trans.featured = True
    db.session.commit()
    audit_ids = celery.tasks["qwir.sync_featured_tags"].delay().get()
    assert len(audit_ids) == 18
    resolved = celery.tasks["qwir.refresh_keywords"].delay().get()
    assert 290527 in resolved["trans"]


def test_the_beat_schedule_follows_the_configured_hours(app_config, monkeypatch):
    from qwir import create_app

    app = create_app({**app_config, "SYNC_SCHEDULE_HOURS": 6})
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["sync-featured-tags"]["schedule"] == dt.timedelta(hours=6)
    assert schedule["sync-featured-tags"]["task"] == "qwir.sync_featured_tags"
