"""Single flight: one caller at a time does the work behind a key, across threads and across processes.

`lock_factory(key)` returns a context manager; whoever enters it first does the upstream call
while the others wait, then find the answer in the shared cache. With Redis, the lock is a
redis-py `Lock` that expires by itself if its holder dies; without Redis, a per-key lock in this
process. A waiter that gives up (or a Redis that stops answering) proceeds without the lock:
a duplicate upstream call is better than a page that fails.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from redis import Redis
from redis.exceptions import LockError, RedisError

from qwir.tmdb.ratelimit_redis import shared_redis

log = logging.getLogger(__name__)

LockFactory = Callable[[str], AbstractContextManager[bool]]


class ProcessSingleFlight:
    """Per-key locks shared by the threads of one process; a key's lock is dropped when unused."""

    def __init__(self, *, wait: float = 30.0) -> None:
        self.wait = wait
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def __call__(self, key: str) -> Iterator[bool]:
        lock = self._checkout(key)
        acquired = lock.acquire(timeout=self.wait)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()
            self._checkin(key)

    def _checkout(self, key: str) -> threading.Lock:
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
            return lock

    def _checkin(self, key: str) -> None:
        with self._guard:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class RedisSingleFlight:
    """Per-key Redis locks, so workers on every machine share one upstream call per key."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "qwir:singleflight:",
        timeout: float = 60.0,
        wait: float = 30.0,
        fallback: ProcessSingleFlight | None = None,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.timeout = timeout  # the lock expires by itself after this, should its holder die
        self.wait = wait  # how long a waiter waits before doing the work itself
        self.fallback = fallback or ProcessSingleFlight(wait=wait)

    def redis_key(self, key: str) -> str:
        """Hashed, so no URL or parameter ever lands in Redis in clear."""
        return self.prefix + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()

    @contextmanager
    def __call__(self, key: str) -> Iterator[bool]:
        lock = self.redis.lock(self.redis_key(key), timeout=self.timeout, blocking_timeout=self.wait)
        try:
            acquired = lock.acquire()
        except RedisError as error:
            log.warning("shared lock unavailable (%s); locking in this process only", type(error).__name__)
            with self.fallback(key) as acquired_locally:
                yield acquired_locally
            return
        try:
            yield acquired
        finally:
            if acquired:
                _release_quietly(lock)


def _release_quietly(lock) -> None:
    """A lock that outlived its timeout is already gone; that is not the caller's failure."""
    try:
        lock.release()
    except (LockError, RedisError) as error:
        log.warning("shared lock was released early (%s)", type(error).__name__)


def single_flight_from_url(url: str | None, **options) -> ProcessSingleFlight | RedisSingleFlight:
    """Redis locks when a Redis URL is configured, else locks local to this process."""
    if not url:
        return ProcessSingleFlight(wait=options.get("wait", 30.0))
    return RedisSingleFlight(shared_redis(url, socket_timeout=5.0), **options)
