"""Celery app and background jobs (in-process when no broker is configured).

`queue_sync` is what the web layer calls: it records the running audit first (so a second
request for the same list is refused at once), then hands the work to a Celery worker. When
CELERY_BROKER_URL is unset it runs the job right here, or, for `background=True` (member reads,
which must never wait on TMDb), on the app's embedded worker thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable

from celery import Celery, Task, shared_task
from flask import Flask, current_app
from sqlalchemy import select

from qwir import catalog, retention
from qwir.catalog import SyncAlreadyRunning
from qwir.extensions import cache, db
from qwir.models import IdentityTag, SyncAudit, utcnow
from qwir.tmdb.redaction import redact
from qwir.tmdb_wiring import build_tmdb_client

__all__ = ["EmbeddedWorker", "SyncAlreadyRunning", "celery_init_app", "queue_sync", "queue_sync_all"]

log = logging.getLogger(__name__)


def celery_init_app(app: Flask) -> Celery:
    """Wire Celery the way Flask's documentation shows: every task runs in an app context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL")
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=broker or "memory://",
        result_backend=broker or None,
        task_always_eager=not broker,
        task_ignore_result=not broker,
        beat_schedule=_beat_schedule(float(app.config.get("SYNC_SCHEDULE_HOURS") or 24)),
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    app.extensions["qwir_worker"] = EmbeddedWorker()
    return celery_app


class EmbeddedWorker:
    """The embedded default's job queue: one daemon thread of this process runs jobs in order.

    The thread starts with the first job. Each job is a Celery task called directly, so it runs in
    the app context its FlaskTask gives it, exactly as a Celery worker would run it.
    """

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Callable, tuple]] = queue.Queue()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable, *args: object) -> None:
        self.jobs.put((job, args))
        with self._guard:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="qwir-jobs", daemon=True)
                self._thread.start()

    def join(self) -> None:
        """Wait until every job submitted so far has finished (the CLI and tests use it)."""
        self.jobs.join()

    def _run(self) -> None:
        while True:
            job, args = self.jobs.get()
            try:
                job(*args)
            except Exception:
                # The job records its own failure on its audit row; the thread must live on.
                log.exception("background job %s failed", getattr(job, "name", job))
            finally:
                self.jobs.task_done()


def _beat_schedule(hours: float) -> dict:
    every = dt.timedelta(hours=hours)
    return {
        "sync-featured-tags": {"task": "qwir.sync_featured_tags", "schedule": every},
        "refresh-keywords": {"task": "qwir.refresh_keywords", "schedule": every},
        "refresh-genre-names": {"task": "qwir.refresh_genre_names", "schedule": every},
        # TMDb's six-month limit is counted in days: once a day is plenty.
        "enforce-tmdb-retention": {"task": "qwir.enforce_retention", "schedule": dt.timedelta(days=1)},
    }


# Tasks -----------------------------------------------------------------------------------------


@shared_task(name="qwir.sync_tag")
def sync_tag(tag_id: int, media_type: str, trigger: str, audit_id: int) -> dict:
    """Regenerate one list for the running audit `audit_id`; the outcome lands on that audit."""
    audit = db.session.get(SyncAudit, audit_id)
    tag = db.session.get(IdentityTag, tag_id)
    if audit is None or tag is None:
        return {"audit_id": audit_id, "status": "missing"}
    limit = tag.list_size or 20
    try:
        with build_tmdb_client(current_app.config, cache=cache) as client:
            catalog.generate_media_list_for_identity(tag, limit=limit, media_type=media_type, client=client,
                                                     trigger=trigger, audit=audit)
    except Exception as error:
        # A Celery retry would only repeat the same failure. The catalog has written it to the
        # audit row, unless it failed before the catalog started (building the client, say).
        log.info("sync %s ended with %s", audit_id, type(error).__name__)
        _fail_if_running(audit_id, error, "The sync could not start: " + redact(str(error), _secrets()))
    finished = db.session.get(SyncAudit, audit_id, populate_existing=True)
    return {"audit_id": audit_id, "status": finished.status}


@shared_task(name="qwir.sync_featured_tags")
def sync_featured_tags() -> list[int]:
    """Queue a sync of every featured tag's lists; returns the audit ids started."""
    return [audit.id for audit in queue_sync_all("schedule")]


@shared_task(name="qwir.refresh_genre_names")
def refresh_genre_names() -> int:
    """Re-fetch TMDb's genre names in every language of QWIR_LANGUAGES."""
    with build_tmdb_client(current_app.config, cache=cache) as client:
        return catalog.refresh_genre_names(client, current_app.config["QWIR_LANGUAGES"])


@shared_task(name="qwir.refresh_keywords")
def refresh_keywords() -> dict[str, list[int]]:
    """Re-resolve every tag's keyword names (TMDb's ids change over the years)."""
    resolved: dict[str, list[int]] = {}
    with build_tmdb_client(current_app.config, cache=cache) as client:
        for tag in db.session.scalars(select(IdentityTag).order_by(IdentityTag.id)):
            try:
                resolved[tag.slug] = catalog.ensure_keyword_ids(tag, client, force=True)
            except Exception as error:
                db.session.rollback()
                log.warning("keywords of %s not refreshed: %s", tag.slug, type(error).__name__)
    return resolved


@shared_task(name="qwir.enforce_retention")
def enforce_retention() -> dict[str, int]:
    """Refresh, flag or drop TMDb data so none is kept past six months."""
    return dataclasses.asdict(retention.run_retention(current_app.config, cache=cache))


# What the web layer and the CLI call ------------------------------------------------------------


def queue_sync(tag: IdentityTag, *, media_type: str = "movie", trigger: str,
               background: bool = False) -> SyncAudit:
    """Start a sync of one list and return its audit row.

    Without a broker the job runs in this call (the audit comes back finished), unless
    `background` hands it to the embedded worker thread. Raises SyncAlreadyRunning when a sync of
    the same list is under way in any process.
    """
    audit = catalog.start_sync(tag, media_type=media_type, trigger=trigger)
    audit_id = audit.id
    # Through this app's own Celery instance, so its tasks run in this app's context.
    task = current_app.extensions["celery"].tasks["qwir.sync_tag"]
    try:
        if background and not current_app.config.get("CELERY_BROKER_URL"):
            current_app.extensions["qwir_worker"].submit(task, tag.id, media_type, trigger, audit_id)
        else:
            task.delay(tag.id, media_type, trigger, audit_id)
    except Exception as error:
        _fail_if_running(audit_id, error, "The job could not be queued (is the Celery broker reachable?).")
        raise
    return db.session.get(SyncAudit, audit_id, populate_existing=True)


def queue_sync_all(trigger: str) -> list[SyncAudit]:
    """Queue every featured tag's lists, skipping those already being synced."""
    started = []
    tags = db.session.scalars(
        select(IdentityTag).where(IdentityTag.featured.is_(True))
        .order_by(IdentityTag.feature_position, IdentityTag.id)
    ).all()
    for tag in tags:
        for media_type in tag.media_types or ["movie"]:
            try:
                started.append(queue_sync(tag, media_type=media_type, trigger=trigger))
            except SyncAlreadyRunning:
                continue
    return started


def _fail_if_running(audit_id: int, error: Exception, message: str) -> None:
    """Close an audit that would otherwise stay running and block its list until it expires."""
    db.session.rollback()
    audit = db.session.get(SyncAudit, audit_id, populate_existing=True)
    if audit is None or audit.status != "running":
        return
    audit.status, audit.finished_at = "failed", utcnow()
    audit.error_class = type(error).__name__
    audit.error_message = message
    db.session.commit()


def _secrets() -> list[str]:
    return [secret for secret in (current_app.config.get("TMDB_API_KEY"),) if secret]
