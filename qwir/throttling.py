"""Throttles for guessing: sign-in attempts and bad bearer tokens, on the `limits` library's atomic counters.

Every attempt is counted before the password is checked (an atomic hit in Redis when
CACHE_REDIS_URL is set, else in this process's memory), so 40 concurrent guesses get at most
the limit checked. Counts are kept per client address and account, escalating (a quarter of an
hour, then an hour, then a day), and per address across accounts: the guesser's address slows
down, while the account's owner signing in from any other address is never refused. A
successful sign-in clears its address-and-account counts.

The counters are used directly, not through Flask-Limiter: only these two attempts are counted, so
no request pays for a rate-limit check in a `before_request` hook.
"""

from __future__ import annotations

import hashlib
import time

from flask import Flask, current_app, request
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from qwir.config import key_prefix

EXTENSION = "qwir_throttle"


def counters() -> FixedWindowRateLimiter:
    return current_app.extensions[EXTENSION]


def _scoped(scope: str) -> str:
    """Counter names carry the deployment's prefix, so two apps sharing a Redis never share counts."""
    return f"{key_prefix(current_app.config)}limit:{scope}"


def client_address() -> str:
    """The client's address; behind QWIR_TRUSTED_PROXIES proxies, ProxyFix has already put it here."""
    return request.remote_addr or "unknown"


def _hashed(*parts: str) -> str:
    """Emails and addresses never appear in the counters' keys."""
    return hashlib.sha256("\x1f".join(p.lower() for p in parts).encode()).hexdigest()[:32]


def _limits(max_hits: int, window_seconds: int, escalate: bool) -> list[RateLimitItem]:
    windows = [(max_hits, window_seconds)]
    if escalate:
        windows += [(2 * max_hits, 3600), (4 * max_hits, 86400)]
    return [RateLimitItemPerSecond(hits, seconds) for hits, seconds in windows]


def _hit_all(scope: str, items: list[RateLimitItem], key: str) -> int | None:
    """Count one attempt against each limit; the seconds to wait when one is exhausted, else None."""
    for item in items:
        if not counters().hit(item, _scoped(scope), key):
            reset_at = counters().get_window_stats(item, _scoped(scope), key).reset_time
            return max(1, int(reset_at - time.time()))
    return None


def login_attempt_allowed(email: str) -> int | None:
    """Count a sign-in attempt for `email` from this address; the seconds to wait when refused."""
    config = current_app.config
    max_failures, window = config["LOGIN_MAX_FAILURES"], config["LOGIN_THROTTLE_SECONDS"]
    address = client_address()
    per_account = _hit_all("login", _limits(max_failures, window, escalate=True), _hashed(address, email))
    if per_account is not None:
        return per_account
    return _hit_all("login-address", _limits(4 * max_failures, window, escalate=False), _hashed(address))


def forget_login_attempts(email: str) -> None:
    """A right password: this address and account start again from nothing."""
    config = current_app.config
    key = _hashed(client_address(), email)
    for item in _limits(config["LOGIN_MAX_FAILURES"], config["LOGIN_THROTTLE_SECONDS"], escalate=True):
        counters().clear(item, _scoped("login"), key)


def bad_token_allowed() -> int | None:
    """Count a bad bearer token from this address; the seconds to wait once there were too many.

    Only bad tokens count: a valid token is never refused because someone else sent bad ones.
    """
    config = current_app.config
    items = _limits(config["API_TOKEN_MAX_FAILURES"], config["LOGIN_THROTTLE_SECONDS"], escalate=False)
    return _hit_all("api-token", items, _hashed(client_address()))


def init_app(app: Flask) -> None:
    """Counters in Redis when configured (shared by every worker), else in this process's memory."""
    app.config.setdefault("LOGIN_MAX_FAILURES", 5)
    app.config.setdefault("API_TOKEN_MAX_FAILURES", 20)
    app.config.setdefault("LOGIN_THROTTLE_SECONDS", 15 * 60)
    storage = storage_from_string(app.config.get("CACHE_REDIS_URL") or "memory://")
    app.extensions[EXTENSION] = FixedWindowRateLimiter(storage)

