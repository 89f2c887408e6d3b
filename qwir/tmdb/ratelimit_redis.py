"""A rate limiter shared through Redis, so every web and Celery process together stays under TMDb's ceiling.

It follows the generic cell rate algorithm (GCRA): Redis keeps one number per limit, the
theoretical arrival time of the next request. Each `acquire()` reserves the next free slot in a
single Lua call, on Redis's clock (so machines with drifting clocks agree), and then sleeps until
that slot comes. In any one-second window at most `burst + rate` requests start.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Protocol

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from qwir.tmdb.ratelimit import RECOVERY_SECONDS

log = logging.getLogger(__name__)

# KEYS[1] = the limit's key, KEYS[2] = its "recovering from a 429" flag (half rate while it exists);
# ARGV = interval_us, tolerance_us (how far ahead a burst may book).
# Returns how many microseconds the caller must wait before its request may start.
_RESERVE_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[2]) == 1 then interval = interval * 2 end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now - tolerance
if wait < 0 then wait = 0 end
local next_tat = tat + interval
redis.call('SET', KEYS[1], tostring(next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return wait
"""


# After a 429 anywhere: no process books a slot before the pause is over (the next theoretical
# arrival time moves past it), and all go at half rate while the recovery flag lives.
# KEYS as above; ARGV = pause_us, tolerance_us, recovery_ms.
_SLOW_DOWN = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local resume = now + tonumber(ARGV[1]) + tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < resume then tat = resume end
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[3]))
return 1
"""


class Limiter(Protocol):
    def acquire(self) -> None: ...


class RedisRateLimiter:
    """`acquire()` blocks until this request may go, counting every process that shares `key`."""

    def __init__(
        self,
        redis: Redis,
        rate_per_second: float,
        *,
        burst: int | None = None,
        key: str = "qwir:tmdb:ratelimit",
        fallback: Limiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.rate_per_second = rate_per_second
        # A small burst lets a sync's first details requests go at once without letting a
        # one-second window exceed the ceiling by more than a fifth.
        self.burst = burst if burst is not None else max(1, int(rate_per_second // 5))
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        self.key = key
        self.fallback = fallback
        self._sleep = sleep
        self._redis = redis
        self._reserve = redis.register_script(_RESERVE_SLOT)
        self._slow_down = redis.register_script(_SLOW_DOWN)
        self._interval_us = round(1_000_000 / rate_per_second)

    def acquire(self) -> None:
        """Wait for the next shared slot; without Redis, fall back to the in-process limiter."""
        try:
            wait_us = self.reserve_wait_us()
        except RedisError as error:
            if self.fallback is None:
                raise
            log.warning("shared rate limit unavailable (%s); limiting this process only",
                        type(error).__name__)
            self.fallback.acquire()
            return
        if wait_us > 0:
            self._sleep(wait_us / 1_000_000)

    def reserve_wait_us(self) -> int:
        """Book the next slot and return how long to wait for it, in microseconds."""
        return int(self._reserve(keys=self._keys, args=[self._interval_us, self._tolerance_us]))

    def slow_down(self, pause: float) -> None:
        """TMDb answered 429: every process sharing the key waits `pause` seconds, then goes at
        half rate for RECOVERY_SECONDS; without Redis, this process's fallback does the same."""
        recovery_ms = round((pause + RECOVERY_SECONDS) * 1000)
        try:
            self._slow_down(keys=self._keys, args=[round(pause * 1_000_000), self._tolerance_us, recovery_ms])
        except RedisError:
            fallback_slow_down = getattr(self.fallback, "slow_down", None)
            if fallback_slow_down is not None:
                fallback_slow_down(pause)

    @property
    def _keys(self) -> list[str]:
        return [self.key, f"{self.key}:recovering"]

    @property
    def _tolerance_us(self) -> int:
        return (self.burst - 1) * self._interval_us

    def __repr__(self) -> str:
        return f"<RedisRateLimiter {self.key} {self.rate_per_second:g}/s burst={self.burst}>"


def quick_redis(url: str, *, socket_timeout: float = 2.0) -> Redis:
    """A Redis client that gives up fast: one immediate retry (a connection dropped by a restart),
    not redis-py's default of several with backoff, so an outage costs a request milliseconds."""
    return Redis.from_url(
        url, socket_timeout=socket_timeout, socket_connect_timeout=1.0, retry=Retry(NoBackoff(), 1)
    )


@functools.cache
def shared_redis(url: str, socket_timeout: float = 2.0) -> Redis:
    """One client (and so one connection pool) per URL for the whole process; redis-py pools are
    thread-safe and start afresh in a forked child."""
    return quick_redis(url, socket_timeout=socket_timeout)


def redis_rate_limiter_from_url(url: str, rate_per_second: float, **options) -> RedisRateLimiter:
    """Build a limiter from a redis:// URL (the same one Flask-Caching uses); clients are shared."""
    return RedisRateLimiter(shared_redis(url), rate_per_second, **options)
