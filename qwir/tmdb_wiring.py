"""Build a TmdbClient from the app's settings: real TMDb when a key is set, else the sandbox."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any, Literal

from qwir.config import DEFAULT_TMDB_BASE_URL, check_tmdb_transport, key_prefix
from qwir.tmdb.cache import ResponseCache
from qwir.tmdb.client import TmdbClient, build_http_client
from qwir.tmdb.ratelimit import TokenBucketLimiter

SANDBOX_API_KEY = "sandbox"
SANDBOX_IMAGE_BASE_URL = "/sandbox/t/p/"


def tmdb_source(config: Mapping[str, Any]) -> Literal["live", "sandbox"]:
    """Where TMDb answers come from: "live" with a configured key, "sandbox" otherwise."""
    return "live" if config.get("TMDB_API_KEY") else "sandbox"


def build_tmdb_client(config: Mapping[str, Any], cache=None) -> TmdbClient:
    """A client for the configured TMDb; the caller closes it (or uses it with `with`).

    Without a key the in-process sandbox answers, unless TMDB_API_BASE_URL points elsewhere
    (a loopback sandbox server), which is then reached over HTTP with the sandbox's key.
    """
    api_key = config.get("TMDB_API_KEY")
    base_url = config.get("TMDB_API_BASE_URL") or DEFAULT_TMDB_BASE_URL
    check_tmdb_transport(api_key, base_url)
    options = _client_options(config, cache)
    if api_key or base_url.rstrip("/") != DEFAULT_TMDB_BASE_URL:
        secret = (api_key or SANDBOX_API_KEY).strip()
        http = _process_http_client(secret, base_url, options["timeout"], options["max_connections"])
        return TmdbClient(secret, base_url=base_url, http_client=http, **options)
    from qwir.tmdb.sandbox import SandboxTransport

    transport = SandboxTransport(api_key=SANDBOX_API_KEY, image_base_url=SANDBOX_IMAGE_BASE_URL)
    return TmdbClient(SANDBOX_API_KEY, base_url=DEFAULT_TMDB_BASE_URL, transport=transport, **options)


def _client_options(config: Mapping[str, Any], cache) -> dict[str, Any]:
    return {
        "language": config.get("TMDB_LANGUAGE") or "en-US",
        "timeout": float(config.get("TMDB_TIMEOUT") or 10.0),
        "max_retries": int(config.get("TMDB_MAX_RETRIES", 3)),
        "cache": _shared_cache(config, cache),
        "limiter": _limiter(config),
        "max_connections": int(config.get("TMDB_MAX_CONNECTIONS") or 20),
    }


def _shared_cache(config: Mapping[str, Any], cache):
    """With Redis, concurrent misses for one TMDb answer wait on one lock across all processes."""
    redis_url = config.get("CACHE_REDIS_URL")
    if cache is None or not redis_url or isinstance(cache, ResponseCache):
        return cache
    from qwir.singleflight import single_flight_from_url

    locks = single_flight_from_url(redis_url, prefix=f"{key_prefix(config)}lock:")
    return ResponseCache(cache, lock_factory=locks)


def _limiter(config: Mapping[str, Any]):
    """One budget for every process sharing Redis; otherwise one per process."""
    rate, burst = limiter_budget(float(config.get("TMDB_RATE_LIMIT_PER_SECOND") or 40.0))
    local = _process_bucket(rate, burst)
    redis_url = config.get("CACHE_REDIS_URL")
    if not redis_url:
        return local
    from qwir.tmdb.ratelimit_redis import redis_rate_limiter_from_url

    return redis_rate_limiter_from_url(redis_url, rate, burst=int(burst), fallback=local)


def limiter_budget(rate_per_second: float) -> tuple[float, float]:
    """(sustained rate, burst) keeping any one-second window within 1.25 x the configured rate.

    A cold sync sends its keyword searches, a discover page and a page of details within a few
    round trips, so half the window's budget may go at once and the sustained rate gives up the
    difference: at 40/s, 25 requests may start together and 25/s follow, never 50 in one second.
    """
    window = 1.25 * rate_per_second
    burst = max(1.0, window / 2)
    return window - burst, burst


@functools.cache
def _process_http_client(secret: str, base_url: str, timeout: float, max_connections: int):
    """One connection pool per process for each TMDb endpoint: syncs reuse its warm connections."""
    return build_http_client(secret, base_url=base_url, timeout=timeout, max_connections=max_connections)


# A forked child (a Celery or gunicorn worker) must not share its parent's sockets.
os.register_at_fork(after_in_child=_process_http_client.cache_clear)


@functools.cache
def _process_bucket(rate: float, burst: float) -> TokenBucketLimiter:
    return TokenBucketLimiter(rate, burst)
