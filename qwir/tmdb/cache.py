"""Caching of TMDb answers: TTL tiers, safe cache keys, and single flight for concurrent misses.

The backend is any object with `get(key)` and `set(key, value, timeout=seconds)` (Flask-Caching's
cache qualifies); a plain dict is accepted and wrapped. Errors are never cached, since only values
returned by `fetch` are stored and a failing fetch raises.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol
from urllib.parse import urlencode

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
TTL_CONFIGURATION = DAY
TTL_GENRES = DAY
TTL_CERTIFICATIONS = 7 * DAY
TTL_KEYWORD_SEARCH = DAY
TTL_KEYWORD = 7 * DAY
TTL_DETAILS = 12 * HOUR
TTL_DISCOVER = 5 * MINUTE
TTL_SEARCH = 5 * MINUTE
# TMDb's terms: nothing kept for longer than six months; stay a little under.
MAX_TTL = 180 * DAY
MAX_PLAIN_KEY_LENGTH = 200


class CacheBackend(Protocol):
    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


LockFactory = Callable[[str], AbstractContextManager[Any]]


def cache_key(namespace: str, path: str, params: Mapping[str, Any], language: str | None) -> str:
    """A stable key from the request: path, sorted params and language; never the credentials.

    Keys longer than MAX_PLAIN_KEY_LENGTH (long discover queries) are hashed so every backend takes them.
    """
    public = sorted((name, str(value)) for name, value in params.items() if name != "api_key")
    key = f"tmdb:{namespace}:{language or '-'}:{path.strip('/')}?{urlencode(public)}"
    if len(key) <= MAX_PLAIN_KEY_LENGTH:
        return key
    return f"tmdb:{namespace}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


class DictBackend:
    """A dict seen through the cache protocol, honouring timeouts (for tests and scripts)."""

    def __init__(self, store: dict | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store if store is not None else {}
        self._clock = clock

    def get(self, key: str) -> Any:
        entry = self.store.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at is not None and self._clock() >= expires_at:
            self.store.pop(key, None)
            return None
        return value

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        expires_at = self._clock() + timeout if timeout else None
        self.store[key] = (expires_at, value)
        return True

    def delete(self, key: str) -> bool:
        return self.store.pop(key, None) is not None


class KeyedLocks:
    """One threading.Lock per key, created on demand and dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextlib.contextmanager
    def __call__(self, key: str) -> Iterator[None]:
        lock = self._checkout(key)
        try:
            with lock:
                yield
        finally:
            self._release(key)

    def _checkout(self, key: str) -> threading.Lock:
        with self._guard:
            lock, users = self._locks.get(key, (None, 0))
            lock = lock or threading.Lock()
            self._locks[key] = (lock, users + 1)
            return lock

    def _release(self, key: str) -> None:
        with self._guard:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        with self._guard:
            return len(self._locks)


class ResponseCache:
    """TMDb answers through a cache backend, with one upstream call per key at a time.

    `lock_factory(key)` returns the context manager that serialises misses for one key: in-process
    locks by default; a distributed lock (for example a Redis lock) can be slotted in for many processes.
    """

    def __init__(self, backend: CacheBackend | dict, *, lock_factory: LockFactory | None = None) -> None:
        self.backend: CacheBackend = DictBackend(backend) if isinstance(backend, dict) else backend
        self.lock_factory: LockFactory = lock_factory or KeyedLocks()

    def get_or_fetch(self, key: str, ttl: int, fetch: Callable[[], Any]) -> Any:
        """The cached value for `key`, or `fetch()` stored for `ttl` seconds (capped at MAX_TTL)."""
        value = self._read(key)
        if value is not None:
            return value
        with self.lock_factory(key):
            # Whoever held the lock before us may have just stored it.
            value = self._read(key)
            if value is not None:
                return value
            value = fetch()
            self._write(key, value, min(int(ttl), MAX_TTL))
            return value

    def delete(self, key: str) -> None:
        delete = getattr(self.backend, "delete", None)
        if delete is not None:
            delete(key)

    # A cache outage must not take TMDb reads down with it: log and carry on uncached.
    def _read(self, key: str) -> Any:
        try:
            return self.backend.get(key)
        except Exception as exc:
            logger.warning("TMDb cache read failed (%s); fetching without the cache", type(exc).__name__)
            return None

    def _write(self, key: str, value: Any, ttl: int) -> None:
        if value is None:
            return
        try:
            self.backend.set(key, value, timeout=ttl)
        except Exception as exc:
            logger.warning("TMDb cache write failed (%s); answer not cached", type(exc).__name__)


def as_response_cache(cache: ResponseCache | CacheBackend | dict | None) -> ResponseCache | None:
    """Accept a ready ResponseCache, a backend or a dict; None means no caching."""
    if cache is None or isinstance(cache, ResponseCache):
        return cache
    return ResponseCache(cache)
