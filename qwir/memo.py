"""Rendered member pages and fragments, kept per process and keyed on the catalog generation.

The catalog generation is a token in the shared cache (so every worker and machine sees it)
that changes whenever anything members can see is committed. Nobody bumps it by hand: SQLAlchemy
session events notice any flush or bulk statement that touches a table outside
`TABLES_MEMBERS_NEVER_SEE`, and the commit that follows sets a new token. A new model is
therefore covered the day it is added; leaving it out costs a little hit rate, never a stale page.

A memoised view answers a repeat request (same generation, path, query, language, preferences,
htmx variant, embedding origin and public URL) from memory: no SQL, no template, one look at the
generation (a `stat` on the embedded default's file cache, one GET on Redis). Setting
QWIR_RENDER_MEMO to False turns it off (bench/fragments.py compares both).
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from cachetools import TTLCache
from flask import Response, current_app, g, has_app_context, request, session
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from qwir.embedding import embedding_origin
from qwir.extensions import cache
from qwir.htmx import held_variant
from qwir.i18n import member_region
from qwir.preferences import load_preferences

GENERATION_KEY = "catalog:generation"
# Writes to these tables change nothing a member page shows: curator accounts and tokens (touched on
# every sign-in and API call) and sync audits (a running sync shows as "being prepared", never stored).
TABLES_MEMBERS_NEVER_SEE = frozenset({"curators", "api_tokens", "sync_audits"})
MEMO_ENTRIES = 1024
# Bounds how long a rendering outlives a template or code change, and relative wording in pages.
MEMO_SECONDS = 300
_CHANGED = "qwir_catalog_changed"
# Headers a memoised answer keeps; the rest (CORS, security, compression) are added on every answer.
# A page's own Content-Security-Policy (a title page's trailer frame) is kept too: the default one
# is only set where a response has none.
KEPT_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Vary", "Content-Security-Policy")


# ---------------------------------------------------------------- the catalog generation


def catalog_generation() -> str:
    """The current generation token; a missing one (first start, evicted) starts a new generation."""
    token = _generation_from_file() or cache.get(GENERATION_KEY)
    if token is None:
        token = bump_catalog_generation()
    return token


# The embedded default's file cache writes each value to a new file (write, then rename), so the
# file's identity changes with every bump: a stat, far cheaper than opening and unpickling it on
# every request, says whether the token read last time is still the current one.
_file_tokens: dict[str, tuple[tuple[int, int, int], str]] = {}
_generation_paths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _generation_from_file() -> str | None:
    filename_of = getattr(cache.cache, "_get_filename", None)  # cachelib's FileSystemCache only
    if filename_of is None:
        return None
    path = _generation_paths.get(filename_of.__self__)
    if path is None:  # the file's name is a hash of the key: worked out once per cache
        path = _generation_paths[filename_of.__self__] = filename_of(GENERATION_KEY)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    known = _file_tokens.get(path)
    if known is not None and known[0] == identity:
        return known[1]
    token = cache.get(GENERATION_KEY)
    if token is not None:
        _file_tokens[path] = (identity, token)
    return token


def bump_catalog_generation() -> str:
    token = uuid.uuid4().hex
    cache.set(GENERATION_KEY, token, timeout=0)
    return token


def _touches_catalog(tables) -> bool:
    return any(table not in TABLES_MEMBERS_NEVER_SEE for table in tables)


@event.listens_for(Session, "after_flush")
def _note_flushed_catalog_rows(session: Session, _flush_context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if _touches_catalog(getattr(obj, "__tablename__", "") for obj in changed):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_catalog_statements(state) -> None:
    """Bulk INSERT/UPDATE/DELETE (upserts, `update(...)`) never pass through a flush."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is None or _touches_catalog([table.name]):
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _bump_after_catalog_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        bump_catalog_generation()


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back_changes(session: Session, transaction) -> None:
    """After a commit the flag is already gone; after a rollback nothing changed after all."""
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


# ---------------------------------------------------------------- the per-process memo


@dataclass(frozen=True)
class Rendered:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # as sent with the body, ETag and Cache-Control included
    etag: str


class Remembered:
    """A bounded LRU whose entries also expire, safe to share between threads (gunicorn's threads
    share one per worker process)."""

    def __init__(self, size: int, seconds: float):
        self._entries: TTLCache = TTLCache(maxsize=size, ttl=seconds)
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._entries[key] = value


memo = Remembered(MEMO_ENTRIES, MEMO_SECONDS)

# What a member's language, region, preferences and account are worked out from: the cookies, the
# Accept-Language header and a `lang` parameter. Working them out (unsigning cookies, parsing
# the header, picking a locale) costs more than the rest of a memoised answer, and a member sends
# the same inputs again and again, so the result is remembered briefly. The short lifetime keeps
# an expired cookie from being honoured for long.
CONTEXT_ENTRIES = 4096
CONTEXT_SECONDS = 60


def member_context() -> tuple:
    """(language, region, preferences, signed-in curator) for this request's cookies and language."""
    contexts = current_app.extensions.setdefault("qwir_member_contexts",
                                                 Remembered(CONTEXT_ENTRIES, CONTEXT_SECONDS))
    headers = request.headers
    inputs = (headers.get("Cookie"), headers.get("Accept-Language"), request.args.get("lang"))
    context = contexts.get(inputs)
    if context is None:
        context = (str(get_locale()), member_region(), load_preferences(), session.get("_user_id"))
        contexts.put(inputs, context)
    return context


def request_key() -> tuple:
    """Everything a member rendering depends on besides the catalog."""
    headers = request.headers
    return (
        catalog_generation(),
        request.endpoint,
        request.path,
        request.query_string,
        member_context(),  # a signed-in curator never gets a member's memoised page
        headers.get("HX-Request"),
        headers.get("HX-Boosted"),
        headers.get("HX-History-Restore-Request"),
        embedding_origin(),
        current_app.config.get("QWIR_PUBLIC_URL"),  # absolute links and previews are built on it
        request.scheme,
        request.host,
        request.root_path,
    )


def memoized(view: Callable) -> Callable:
    """Serve a GET view's 200 answers from the memo; render (and remember) on a miss."""

    @wraps(view)
    def serve(*args, **kwargs):
        if current_app.config.get("QWIR_RENDER_MEMO") is False:
            return view(*args, **kwargs)
        key = request_key()
        found = memo.get(key)
        if found is None:
            response = current_app.make_response(view(*args, **kwargs))
            found = _remember(key, response)
            if found is None:
                return response
        return _answer(found)

    return serve


def _remember(key: tuple, response: Response) -> Rendered | None:
    """Keep a plain 200 that depends on nothing but the key; anything personal or volatile is skipped."""
    signed_in = getattr(g.get("_login_user"), "is_authenticated", False)
    personal = signed_in or "csrf_token" in g or response.headers.get("Set-Cookie")
    if response.status_code != 200 or response.cache_control.no_store or personal or response.is_streamed:
        return None
    body = response.get_data()
    if not response.get_etag()[0]:
        response.set_etag(hashlib.sha256(body).hexdigest()[:24])
    if not response.cache_control.max_age:
        response.cache_control.no_cache = True
    headers = tuple((name, value) for name in KEPT_HEADERS if (value := response.headers.get(name)))
    rendered = Rendered(body, headers, response.get_etag()[0])
    memo.put(key, rendered)
    return rendered


def _answer(rendered: Rendered) -> Response:
    held = held_variant(rendered.etag) if "If-None-Match" in request.headers else None
    if held is None:
        return Response(rendered.body, headers=list(rendered.headers))
    response = Response(status=304, headers=list(rendered.headers))
    response.set_etag(held)
    return response
