"""Curator sessions that end: a per-curator generation, idle and absolute lifetimes, rotation at sign-in.

The session is a signed cookie, so a copy of it stays valid as far as the signature goes. What
makes it end is the curator's `session_generation`, stored in the cookie at sign-in and compared on
every request: sign-out, a password change and deactivation bump it, and every cookie issued
before stops opening anything, wherever it was copied to. A session also ends after
CURATOR_IDLE_MINUTES without a request and CURATOR_SESSION_HOURS after sign-in, whatever happens.
"""

from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user, logout_user

from qwir.extensions import db
from qwir.models import Curator
from qwir.preferences import SESSION_KEY as PREFERENCES_KEY

GENERATION_KEY = "curator_generation"
SIGNED_IN_KEY = "curator_signed_in_at"
SEEN_KEY = "curator_seen_at"


def sign_in(curator: Curator) -> None:
    """A fresh session (new contents, new CSRF token) for `curator`; the member's preferences stay."""
    preferences = session.get(PREFERENCES_KEY)
    session.clear()
    if preferences is not None:
        session[PREFERENCES_KEY] = preferences
    now = int(time.time())
    session.update({GENERATION_KEY: curator.session_generation, SIGNED_IN_KEY: now, SEEN_KEY: now})
    login_user(curator)


def sign_out(curator: Curator | None) -> None:
    """End this session and every other one of the same curator."""
    if curator is not None:
        end_all_sessions(curator)
    logout_user()
    sign_in_keys = (GENERATION_KEY, SIGNED_IN_KEY, SEEN_KEY, "csrf_token")
    for key in sign_in_keys:
        session.pop(key, None)


def end_all_sessions(curator: Curator) -> None:
    """Every session the curator holds stops working at its next request."""
    curator.session_generation = (curator.session_generation or 0) + 1
    db.session.commit()


def load_signed_in_curator(curator_id: str) -> Curator | None:
    """Flask-Login's user loader: the curator, if active and this session is still theirs and alive."""
    curator = db.session.get(Curator, int(curator_id)) if curator_id.isdigit() else None
    if curator is None or not curator.active or not _session_is_current(curator):
        return None
    session[SEEN_KEY] = int(time.time())
    return curator


def _session_is_current(curator: Curator) -> bool:
    config, now = current_app.config, time.time()
    signed_in, seen = session.get(SIGNED_IN_KEY), session.get(SEEN_KEY)
    if session.get(GENERATION_KEY) != curator.session_generation or signed_in is None or seen is None:
        return False
    return (now - seen <= config["CURATOR_IDLE_MINUTES"] * 60
            and now - signed_in <= config["CURATOR_SESSION_HOURS"] * 3600)
