"""With CACHE_REDIS_URL set, all TMDb clients share one rate limit, one cache and one lock per key."""

from __future__ import annotations

import multiprocessing
import time

import httpx
import pytest
import redis
from cachelib.redis import RedisCache

from qwir.singleflight import RedisSingleFlight, single_flight_from_url
from qwir.tmdb.cache import DictBackend, ResponseCache
from qwir.tmdb.client import TmdbClient
from qwir.tmdb.ratelimit import TokenBucketLimiter
from qwir.tmdb.ratelimit_redis import RedisRateLimiter
from qwir.tmdb_wiring import build_tmdb_client

GENRES = {"genres": [{"id": 18, "name": "Drama"}]}


def _config(**overrides) -> dict:
    # A loopback base URL: the client talks HTTP to a sandbox server (none needs to run here).
    return {"TMDB_API_KEY": None, "TMDB_API_BASE_URL": "http://127.0.0.1:9/3", **overrides}


def test_with_redis_configured_the_client_shares_its_limit_and_locks():
    client = build_tmdb_client(_config(CACHE_REDIS_URL="redis://127.0.0.1:6379/13"), cache=DictBackend())

    assert isinstance(client.limiter, RedisRateLimiter)
    assert isinstance(client.cache.lock_factory, RedisSingleFlight)
    client.close()


def test_without_redis_the_client_keeps_to_its_process():
    client = build_tmdb_client(_config(), cache=DictBackend())

    assert isinstance(client.limiter, TokenBucketLimiter)
    assert not isinstance(client.cache.lock_factory, RedisSingleFlight)
    client.close()


def _client_in_another_process(url: str, prefix: str, barrier) -> None:
    """One 'web worker': its own TMDb client over a slow upstream that counts calls in Redis."""
    counter = redis.Redis.from_url(url)

    def upstream(request: httpx.Request) -> httpx.Response:
        counter.incr(f"{prefix}upstream_calls")
        time.sleep(0.3)
        return httpx.Response(200, json=GENRES)

    backend = RedisCache(host="127.0.0.1", port=6379, db=13, key_prefix=f"{prefix}cache:")
    locks = single_flight_from_url(url, prefix=f"{prefix}lock:")
    with TmdbClient("sandbox", transport=httpx.MockTransport(upstream),
                    cache=ResponseCache(backend, lock_factory=locks)) as client:
        barrier.wait()
        assert client.genres("movie") == GENRES


@pytest.mark.services
def test_four_processes_missing_the_same_answer_call_tmdb_once(redis_url, redis_prefix, redis_client):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    workers = [
        context.Process(target=_client_in_another_process, args=(redis_url, redis_prefix, barrier))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)

    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert int(redis_client.get(f"{redis_prefix}upstream_calls")) == 1
