"""Caching TMDb answers: keys, TTL tiers, single flight, errors never stored, cache outages survived."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from qwir.tmdb import TmdbNotFoundError
from qwir.tmdb.cache import (
    DAY,
    MAX_TTL,
    DictBackend,
    KeyedLocks,
    ResponseCache,
    cache_key,
)


class RecordingBackend(DictBackend):
    """A dict backend that remembers the timeout of every write."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: dict[str, int] = {}

    def set(self, key, value, timeout=None):
        self.timeouts[key] = timeout
        return super().set(key, value, timeout=timeout)


class BrokenBackend:
    def get(self, key):
        raise ConnectionError("cache is down")

    def set(self, key, value, timeout=None):
        raise ConnectionError("cache is down")


def test_keys_ignore_parameter_order_and_never_hold_the_api_key():
    with_key = {"page": 2, "with_keywords": "1|2", "api_key": "f" * 32}
    one = cache_key("live", "discover/movie", with_key, "en-US")
    two = cache_key("live", "discover/movie", {"with_keywords": "1|2", "page": 2}, "en-US")
    assert one == two
    assert "f" * 32 not in one


def test_keys_differ_by_language_namespace_and_params():
    base = cache_key("live", "keyword/1", {}, "en-US")
    assert base != cache_key("live", "keyword/1", {}, "de-DE")
    assert base != cache_key("sandbox", "keyword/1", {}, "en-US")
    assert base != cache_key("live", "keyword/2", {}, "en-US")


def test_long_keys_are_hashed_to_a_fixed_length():
    params = {"with_keywords": "|".join(str(n) for n in range(200000, 200100))}
    key = cache_key("live", "discover/movie", params, "en-US")
    assert len(key) < 100
    assert key == cache_key("live", "discover/movie", dict(params), "en-US")


def test_the_dict_backend_expires_entries(clock):
    backend = DictBackend(clock=clock)
    backend.set("k", {"v": 1}, timeout=60)
    assert backend.get("k") == {"v": 1}
    clock.now += 60
    assert backend.get("k") is None


def test_a_plain_dict_is_accepted_as_the_backend():
    store: dict = {}
    cache = ResponseCache(store)
    assert cache.get_or_fetch("k", 60, lambda: {"v": 1}) == {"v": 1}
    assert cache.get_or_fetch("k", 60, lambda: {"v": 2}) == {"v": 1}
    assert len(store) == 1


def test_ttls_are_capped_at_six_months():
    backend = RecordingBackend()
    ResponseCache(backend).get_or_fetch("k", 365 * DAY, lambda: {"v": 1})
    assert backend.timeouts["k"] == MAX_TTL
    assert MAX_TTL <= 183 * DAY


def test_failures_are_not_cached():
    cache = ResponseCache({})

    def fail():
        raise TmdbNotFoundError("gone", status=404, tmdb_code=34)

    with pytest.raises(TmdbNotFoundError):
        cache.get_or_fetch("k", 60, fail)
    assert cache.get_or_fetch("k", 60, lambda: {"v": 1}) == {"v": 1}


def test_concurrent_misses_for_one_key_make_one_upstream_call():
    release = threading.Event()
    calls: list[int] = []

    def slow_fetch():
        calls.append(1)
        release.wait(5)
        return {"v": 1}

    cache = ResponseCache({})
    results: list[dict] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_fetch("k", 60, slow_fetch)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    # Give every thread the time to miss and queue behind the first fetch.
    time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join()
    assert calls == [1]
    assert results == [{"v": 1}] * 8


def test_different_keys_do_not_wait_for_each_other():
    inside = threading.Event()
    release = threading.Event()
    cache = ResponseCache({})

    def blocking_fetch():
        inside.set()
        release.wait(5)
        return {"v": "a"}

    worker = threading.Thread(target=cache.get_or_fetch, args=("a", 60, blocking_fetch))
    worker.start()
    inside.wait(5)
    assert cache.get_or_fetch("b", 60, lambda: {"v": "b"}) == {"v": "b"}
    release.set()
    worker.join()


def test_a_lock_factory_can_replace_the_in_process_locks():
    taken: list[str] = []
    process_locks = KeyedLocks()

    def recording_lock(key):
        taken.append(key)
        return process_locks(key)

    cache = ResponseCache({}, lock_factory=recording_lock)
    cache.get_or_fetch("k", 60, lambda: {"v": 1})
    cache.get_or_fetch("k", 60, lambda: {"v": 1})
    assert taken == ["k"]
    assert len(process_locks) == 0


def test_a_broken_cache_falls_back_to_fetching(caplog):
    cache = ResponseCache(BrokenBackend())
    assert cache.get_or_fetch("k", 60, lambda: {"v": 1}) == {"v": 1}
    assert "cache read failed (ConnectionError)" in caplog.text


def test_the_client_caches_by_tier_and_serves_repeats_without_requests(make_client, tmdb_mock):
    backend = RecordingBackend()
    tmdb_mock.get("/configuration").respond(json={"images": {}})
    tmdb_mock.get("/discover/movie").respond(json={"page": 1, "results": []})
    tmdb_mock.get("/movie/550").respond(json={"id": 550})
    tmdb_mock.get("/search/keyword").respond(json={"results": []})
    tmdb_mock.get("/keyword/1").respond(json={"id": 1})
    tmdb_mock.get("/genre/movie/list").respond(json={"genres": []})
    client = make_client(cache=backend, cache_namespace="live")
    calls = [
        client.configuration,
        client.discover_movies,
        lambda: client.movie_details(550),
        lambda: client.search_keywords("queer"),
        lambda: client.keyword(1),
        lambda: client.genres("movie"),
    ]
    for call in calls + calls:
        call()
    assert client.request_count == len(calls)
    tiers = {key.split(":")[3].split("?")[0]: ttl for key, ttl in backend.timeouts.items()}
    assert tiers == {
        "configuration": DAY,
        "discover/movie": 300,
        "movie/550": 12 * 3600,
        "search/keyword": DAY,
        "keyword/1": 7 * DAY,
        "genre/movie/list": DAY,
    }
    assert all("f" * 32 not in key for key in backend.timeouts)


def test_the_client_never_caches_an_error(make_client, tmdb_mock):
    route = tmdb_mock.get("/movie/1").respond(404, json={"status_code": 34, "status_message": "Not found"})
    client = make_client(cache={})
    for _ in range(2):
        with pytest.raises(TmdbNotFoundError):
            client.movie_details(1)
    assert route.call_count == 2


def test_sandbox_and_live_answers_never_share_cache_entries(make_client, tmdb_mock):
    class SandboxLikeTransport(httpx.MockTransport):
        pass

    store: dict = {}
    tmdb_mock.get("/configuration").respond(
        json={"images": {"secure_base_url": "https://image.tmdb.org/t/p/"}}
    )
    transport = SandboxLikeTransport(lambda request: httpx.Response(200, json={}))
    sandbox = make_client(cache=store, transport=transport)
    sandbox.configuration()
    live = make_client(cache=store)
    assert live.configuration()["images"]["secure_base_url"] == "https://image.tmdb.org/t/p/"
    assert live.cache_namespace == "api.themoviedb.org"
    assert sandbox.cache_namespace == "api.themoviedb.org+SandboxLikeTransport"
    assert len(store) == 2
