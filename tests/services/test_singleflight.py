"""Single flight: concurrent misses for one key make one upstream call, in one process or many."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
import redis

from qwir.singleflight import ProcessSingleFlight, RedisSingleFlight, single_flight_from_url
from qwir.tmdb.ratelimit_redis import quick_redis


def _fetch_once_per_key(flight, cache: dict, key: str, calls: list) -> str:
    """The pattern the TMDb cache follows: check, lock, check again, fetch."""
    if key in cache:
        return cache[key]
    with flight(key):
        if key not in cache:
            calls.append(key)
            time.sleep(0.05)
            cache[key] = f"answer for {key}"
    return cache[key]


def _redis_worker(url: str, prefix: str, barrier) -> None:
    client = redis.Redis.from_url(url)
    flight = RedisSingleFlight(client, prefix=f"{prefix}lock:")
    barrier.wait()
    with flight("discover/movie?with_keywords=264386"):
        if client.get(f"{prefix}answer") is None:
            client.incr(f"{prefix}upstream_calls")
            time.sleep(0.2)
            client.set(f"{prefix}answer", "stored")


def _run_threads(count: int, target) -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)


def test_threads_missing_one_key_make_one_call():
    flight, cache, calls = ProcessSingleFlight(), {}, []

    _run_threads(8, lambda: _fetch_once_per_key(flight, cache, "genres/movie", calls))

    assert calls == ["genres/movie"]


def test_different_keys_do_not_wait_for_each_other():
    flight, cache, calls = ProcessSingleFlight(), {}, []
    keys = iter([f"movie/{n}" for n in range(6)])
    lock = threading.Lock()

    def fetch_next():
        with lock:
            key = next(keys)
        _fetch_once_per_key(flight, cache, key, calls)

    started = time.perf_counter()
    _run_threads(6, fetch_next)

    assert sorted(calls) == sorted(f"movie/{n}" for n in range(6))
    assert time.perf_counter() - started < 0.25  # six 50 ms fetches in parallel, not in a row


def test_process_locks_are_forgotten_once_unused():
    flight = ProcessSingleFlight()
    with flight("a"), flight("b"):
        pass

    assert flight._locks == {}


def test_a_waiter_that_gives_up_is_told_so_and_goes_on():
    flight = ProcessSingleFlight(wait=0.05)
    holder_inside, release = threading.Event(), threading.Event()

    def hold():
        with flight("slow"):
            holder_inside.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holder_inside.wait(5)
    with flight("slow") as acquired:
        assert acquired is False
    release.set()
    holder.join(5)


def test_without_a_redis_url_locks_stay_in_the_process():
    assert isinstance(single_flight_from_url(None), ProcessSingleFlight)
    assert isinstance(single_flight_from_url("redis://127.0.0.1:6379/13"), RedisSingleFlight)


def test_an_unreachable_redis_falls_back_to_a_process_lock():
    unreachable = quick_redis("redis://127.0.0.1:1/0")
    flight, cache, calls = RedisSingleFlight(unreachable), {}, []

    _run_threads(4, lambda: _fetch_once_per_key(flight, cache, "configuration", calls))

    assert calls == ["configuration"]


def test_keys_are_hashed_before_they_reach_redis():
    flight = RedisSingleFlight(redis.Redis(), prefix="p:")
    key = flight.redis_key("movie/603?api_key=abcdef")

    assert key.startswith("p:")
    assert "abcdef" not in key and "603" not in key


@pytest.mark.services
def test_processes_missing_one_key_make_one_upstream_call(redis_url, redis_prefix, redis_client):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    workers = [
        context.Process(target=_redis_worker, args=(redis_url, redis_prefix, barrier)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)

    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert int(redis_client.get(f"{redis_prefix}upstream_calls")) == 1


@pytest.mark.services
def test_a_redis_lock_expires_if_its_holder_never_releases_it(redis_client, redis_prefix):
    flight = RedisSingleFlight(redis_client, prefix=f"{redis_prefix}lock:", timeout=0.2, wait=2.0)
    abandoned = redis_client.lock(flight.redis_key("details"), timeout=0.2)
    abandoned.acquire()

    started = time.perf_counter()
    with flight("details") as acquired:
        assert acquired is True

    assert time.perf_counter() - started < 1.0
