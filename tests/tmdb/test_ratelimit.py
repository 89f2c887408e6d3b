"""The in-process token bucket: bursts, steady pacing, fairness across threads."""

from __future__ import annotations

import threading

import pytest

from qwir.tmdb.ratelimit import RECOVERY_SECONDS, TokenBucketLimiter, process_limiter


def test_a_burst_goes_at_once_then_requests_are_spaced_by_the_rate(clock):
    limiter = TokenBucketLimiter(rate=10, burst=3, sleep=clock.sleep, clock=clock)
    for _ in range(6):
        limiter.acquire()
    assert clock.sleeps == pytest.approx([0.1, 0.1, 0.1])


def test_the_default_keeps_any_second_under_one_and_a_quarter_times_the_rate(clock):
    limiter = TokenBucketLimiter(rate=40, sleep=clock.sleep, clock=clock)
    assert limiter.burst == 10
    for _ in range(110):
        limiter.acquire()
    # 10 at once, then 100 at 40 per second.
    assert clock.now - 1000.0 == pytest.approx(100 / 40)


def test_idle_time_refills_the_bucket_up_to_the_burst_only(clock):
    limiter = TokenBucketLimiter(rate=10, burst=2, sleep=clock.sleep, clock=clock)
    clock.now += 60
    for _ in range(3):
        limiter.acquire()
    assert clock.sleeps == pytest.approx([0.1])


def test_concurrent_callers_each_get_their_own_place_in_line(clock):
    # The clock stands still: every caller must wait for its own later slot, none may share one.
    waits: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    limiter = TokenBucketLimiter(rate=10, burst=1, sleep=record, clock=clock)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([n / 10 for n in range(1, 20)])


@pytest.mark.parametrize(("rate", "burst"), [(0, None), (-5, None), (10, 0.5)])
def test_nonsense_settings_are_refused(rate, burst):
    with pytest.raises(ValueError):
        TokenBucketLimiter(rate=rate, burst=burst)


def test_the_process_limiter_is_shared_per_rate():
    assert process_limiter(40) is process_limiter(40)
    assert process_limiter(40) is not process_limiter(20)


def test_a_429_pauses_every_caller_then_paces_them_at_half_rate_until_recovered():
    now = [100.0]
    limiter = TokenBucketLimiter(10, burst=5, sleep=lambda _s: None, clock=lambda: now[0])

    limiter.slow_down(2.0)
    waits = [limiter._reserve() for _ in range(3)]

    assert waits == pytest.approx([2.0, 2.2, 2.4])  # the pause, then one every 1/5 s
    now[0] += 2.0 + RECOVERY_SECONDS
    assert limiter.current_rate() == 10
