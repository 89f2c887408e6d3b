"""The Redis-backed TMDb limiter: one budget for every process that shares it."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis

from qwir.tmdb.ratelimit_redis import RedisRateLimiter, quick_redis, redis_rate_limiter_from_url


class RecordingLimiter:
    def __init__(self) -> None:
        self.calls = 0

    def acquire(self) -> None:
        self.calls += 1


def _acquire_many(url: str, key: str, rate: float, burst: int, count: int, stamps) -> None:
    limiter = redis_rate_limiter_from_url(url, rate, burst=burst, key=key)
    for _ in range(count):
        limiter.acquire()
        stamps.append(time.time())


@pytest.mark.services
def test_a_burst_goes_at_once_then_callers_are_spaced_by_the_rate(redis_client, redis_prefix):
    waits: list[float] = []
    limiter = RedisRateLimiter(redis_client, 10, burst=3, key=f"{redis_prefix}limit", sleep=waits.append)

    for _ in range(6):
        limiter.acquire()

    # Only the three callers past the burst of three slept, each one interval more than the last.
    assert len(waits) == 3
    assert waits == pytest.approx([0.1, 0.2, 0.3], abs=0.03)


@pytest.mark.services
def test_processes_sharing_a_key_stay_under_the_rate_together(redis_url, redis_prefix):
    rate, burst, per_process, processes = 40.0, 2, 20, 3
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        stamps = manager.list()
        workers = [
            context.Process(
                target=_acquire_many,
                args=(redis_url, f"{redis_prefix}shared", rate, burst, per_process, stamps),
            )
            for _ in range(processes)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        starts = sorted(stamps)

    assert len(starts) == per_process * processes
    # 60 requests at 40/s with a burst of 2 need at least (60 - 2) / 40 seconds, whoever makes them.
    assert starts[-1] - starts[0] >= (len(starts) - burst) / rate - 0.05
    busiest_second = max(sum(1 for t in starts if first <= t < first + 1.0) for first in starts)
    assert busiest_second <= rate + burst + 1


@pytest.mark.services
def test_separate_keys_keep_separate_budgets(redis_client, redis_prefix):
    waits: list[float] = []
    first = RedisRateLimiter(redis_client, 5, burst=1, key=f"{redis_prefix}a", sleep=waits.append)
    second = RedisRateLimiter(redis_client, 5, burst=1, key=f"{redis_prefix}b", sleep=waits.append)

    first.acquire()
    second.acquire()

    assert waits == []


@pytest.mark.services
def test_the_key_expires_once_the_limiter_falls_idle(redis_client, redis_prefix):
    limiter = RedisRateLimiter(redis_client, 50, key=f"{redis_prefix}idle", sleep=lambda _: None)
    limiter.acquire()

    assert 0 < redis_client.pttl(f"{redis_prefix}idle") <= 1100


def test_without_redis_the_process_limiter_takes_over():
    unreachable = quick_redis("redis://127.0.0.1:1/0")
    fallback = RecordingLimiter()
    limiter = RedisRateLimiter(unreachable, 40, fallback=fallback, sleep=lambda _: None)

    limiter.acquire()
    limiter.acquire()

    assert fallback.calls == 2


def test_without_redis_or_fallback_the_error_is_raised():
    unreachable = quick_redis("redis://127.0.0.1:1/0")
    limiter = RedisRateLimiter(unreachable, 40, sleep=lambda _: None)

    with pytest.raises(redis.ConnectionError):
        limiter.acquire()


@pytest.mark.parametrize(("rate", "burst"), [(0, None), (-1, None), (10, 0)])
def test_nonsense_settings_are_refused(rate, burst):
    with pytest.raises(ValueError):
        RedisRateLimiter(redis.Redis(), rate, burst=burst)


def test_default_burst_is_a_fifth_of_the_rate():
    assert RedisRateLimiter(redis.Redis(), 40).burst == 8
    assert RedisRateLimiter(redis.Redis(), 3).burst == 1


@pytest.mark.services
def test_a_429_in_one_process_pauses_and_slows_every_process_sharing_the_key(redis_client, redis_prefix):
    key = f"{redis_prefix}paused"
    waits_here: list[float] = []
    waits_elsewhere: list[float] = []
    here = RedisRateLimiter(redis_client, 10, burst=1, key=key, sleep=waits_here.append)
    elsewhere = RedisRateLimiter(redis_client, 10, burst=1, key=key, sleep=waits_elsewhere.append)

    here.slow_down(1.0)
    elsewhere.acquire()
    elsewhere.acquire()

    # The other process waits out the pause, then goes at half rate: 0.2 s apart, not 0.1 s.
    assert waits_elsewhere == pytest.approx([1.0, 1.2], abs=0.05)
    assert redis_client.pttl(f"{key}:recovering") > 10_000


@pytest.mark.services
def test_without_redis_a_429_slows_the_fallback_down(redis_prefix):
    from qwir.tmdb.ratelimit import TokenBucketLimiter

    fallback = TokenBucketLimiter(10)
    unreachable = quick_redis("redis://127.0.0.1:1/0", socket_timeout=0.2)
    RedisRateLimiter(unreachable, 10, fallback=fallback, sleep=lambda _: None).slow_down(1.0)

    assert fallback.current_rate() == 5
