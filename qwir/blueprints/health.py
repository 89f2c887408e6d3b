"""Liveness and readiness probes: /healthz (the process answers) and /readyz (its stores answer too)."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app
from flask_login import current_user
from sqlalchemy import select, text

from qwir.extensions import cache, db
from qwir.models import SyncAudit
from qwir.tmdb_wiring import tmdb_source

bp = Blueprint("health", __name__)

READY_PROBE_KEY = "readyz-probe"


@bp.get("/healthz")
def healthz():
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready when the database and the cache answer; TMDb's state is reported, never required."""
    checks = {"database": database_state(), "cache": cache_state()}
    ready = all(state == "ok" for state in checks.values())
    tmdb = tmdb_state() if current_user.is_authenticated else {"source": tmdb_source(current_app.config)}
    body = {"status": "ok" if ready else "unavailable", **checks, "tmdb": tmdb}
    return body, 200 if ready else 503


# Any failure of a probe means "not ready", whatever its class; only the class name is shown,
# because driver messages can carry a DSN with its password.
def database_state() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        db.session.rollback()
        return f"unreachable ({type(error).__name__})"
    return "ok"


def cache_state() -> str:
    token = secrets.token_hex(8)
    try:
        stored = cache.set(READY_PROBE_KEY, token, timeout=30)
        read_back = cache.get(READY_PROBE_KEY)
    except Exception as error:
        return f"unreachable ({type(error).__name__})"
    # Several workers probe at once and may overwrite each other's token: any token read back counts.
    return "ok" if stored and read_back else "unreachable (write not kept)"


def tmdb_state() -> dict:
    """Where TMDb answers come from and how the last sync went, from the audit log alone (curators only:
    the last error's class says more about the deployment than an anonymous probe needs)."""
    state = {"source": tmdb_source(current_app.config), "last_sync_status": None, "last_sync_at": None,
             "last_success_at": None}
    try:
        last = db.session.scalars(_finished_syncs().limit(1)).first()
        succeeded = _finished_syncs().where(SyncAudit.status == "succeeded")
        success = db.session.scalars(succeeded.limit(1)).first()
    except Exception:
        db.session.rollback()
        return state
    if last is not None:
        state.update(last_sync_status=last.status, last_sync_at=_iso(last.finished_at),
                     last_error_class=last.error_class)
    if success is not None:
        state["last_success_at"] = _iso(success.finished_at)
    return state


def _finished_syncs():
    return select(SyncAudit).where(SyncAudit.finished_at.is_not(None)).order_by(SyncAudit.finished_at.desc())


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
