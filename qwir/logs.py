"""Logging: level from LOG_LEVEL, one line per request and per sync with timings, secrets always masked.

Masking happens where records are made (a log record factory), so it covers every handler,
including the ones gunicorn and Celery attach after the app is built, and the traceback text.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from flask import Flask, Response, g, request
from sqlalchemy import event, inspect, select

from qwir.models import IdentityTag, SyncAudit
from qwir.tmdb.redaction import redact

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
request_log = logging.getLogger("qwir.request")
sync_log = logging.getLogger("qwir.sync")

# Probes and static files arrive constantly and say nothing new: their lines go out at DEBUG.
QUIET_PREFIXES = ("/healthz", "/readyz", "/static/")
FINISHED_STATUSES = frozenset({"succeeded", "failed"})

_secrets: set[str] = set()
_factory_lock = threading.Lock()
_base_factory = logging.getLogRecordFactory()


def init_app(app: Flask) -> None:
    """Set the level, make sure records have somewhere to go, mask secrets, time each request."""
    level = logging.getLevelName(app.config.get("LOG_LEVEL", "INFO"))
    root = logging.getLogger()
    root.setLevel(level if isinstance(level, int) else logging.INFO)
    # Under pytest the capture handlers are already there; elsewhere (gunicorn, flask run,
    # Celery) the root logger starts bare and would drop our INFO lines.
    if not root.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    mask_secrets(app.config.get(name) for name in ("TMDB_API_KEY", "SECRET_KEY"))
    app.before_request(_start_timer)
    app.after_request(_log_request)


def mask_secrets(secrets: Iterable[str | None]) -> None:
    """Add secrets to mask in every log record from now on (the factory is installed once)."""
    with _factory_lock:
        _secrets.update(s for s in secrets if s)
        if logging.getLogRecordFactory() is not _redacting_record_factory:
            logging.setLogRecordFactory(_redacting_record_factory)


def _redacting_record_factory(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        return record  # a malformed call: let the handler report it as logging always does
    # The record keeps its formatted (and masked) text, so handlers do not format it a second time.
    record.msg, record.args = redact(message, _secrets), None
    if record.exc_info:
        # Formatters reuse exc_text when set, so a masked traceback is what every handler prints.
        # Left unset when nothing needed masking, so filters further on can still render their own.
        traceback_text = logging.Formatter().formatException(record.exc_info)
        cleaned_traceback = redact(traceback_text, _secrets)
        if cleaned_traceback != traceback_text:
            record.exc_text = cleaned_traceback
    return record


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
    level = logging.DEBUG if request.path.startswith(QUIET_PREFIXES) else logging.INFO
    request_log.log(
        level,
        "request method=%s path=%s status=%s duration_ms=%.1f",
        request.method, request.path, response.status_code, duration_ms,
    )
    return response


def log_finished_sync(audit: SyncAudit, tag_slug: str | None) -> None:
    """The sync line: tag, media type, trigger, outcome, counts and how long it took."""
    level = logging.INFO if audit.status == "succeeded" else logging.WARNING
    error = f" error={audit.error_class}: {audit.error_message}" if audit.error_class else ""
    sync_log.log(
        level,
        "sync tag=%s media=%s trigger=%s status=%s requested=%s stored=%s tmdb_requests=%s duration_ms=%s%s",
        tag_slug or f"#{audit.tag_id}", audit.media_type, audit.trigger, audit.status, audit.requested_count,
        audit.stored_count, audit.tmdb_requests, audit.duration_ms, error,
    )


# Every way a sync can end (CLI, API, admin, worker, schedule) writes its audit row, so the
# moment that row reaches a final status is the one place that sees them all.
@event.listens_for(SyncAudit, "after_insert")
@event.listens_for(SyncAudit, "after_update")
def _log_sync_when_finished(mapper, connection, audit: SyncAudit) -> None:
    if audit.status in FINISHED_STATUSES and inspect(audit).attrs.status.history.has_changes():
        # Mid-flush, read the slug on the flush's own connection rather than lazy-load a relationship.
        slug = connection.scalar(select(IdentityTag.slug).where(IdentityTag.id == audit.tag_id))
        log_finished_sync(audit, slug)
