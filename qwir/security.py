"""Web security: session cookie flags, security headers on every response, and failure throttling."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface

from qwir.extensions import cache

# No inline script or style anywhere: htmx is loaded from /static and configured by a <meta> tag
# (with includeIndicatorStyles off, so it injects no <style> of its own).
DEFAULT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: https://image.tmdb.org",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REFERRER_POLICY = "strict-origin-when-cross-origin"


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS (or config says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def content_security_policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(response: Response) -> Response:
    """Set the headers every response carries, page, fragment, JSON or static file alike."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(DEFAULT_CSP))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if not getattr(response, "framable", False):
        headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def frame_ancestors() -> str:
    """Who may frame an embeddable page: everyone when the operator says so, else EMBED_ORIGINS exactly."""
    if current_app.config.get("EMBED_ANY_ORIGIN"):
        return "*"
    return " ".join(current_app.config.get("EMBED_ORIGINS") or ()) or "'none'"


def allow_framing(response: Response) -> Response:
    """Let host pages show this response in an iframe (frame-ancestors, and no X-Frame-Options)."""
    directives = {**DEFAULT_CSP, "frame-ancestors": frame_ancestors()}
    response.headers["Content-Security-Policy"] = content_security_policy(directives)
    response.framable = True
    return response


@dataclass(frozen=True)
class Throttle:
    """Counts failures per key in the app's cache (shared by every worker) and locks out after a limit."""

    scope: str
    max_failures: int
    window_seconds: int

    def key(self, *parts: str) -> str:
        # Hashed so that emails and addresses never appear as cache keys.
        digest = hashlib.sha256("\x1f".join(p.lower() for p in parts).encode()).hexdigest()
        return f"throttle:{self.scope}:{digest}"

    def failures(self, key: str) -> int:
        return int(cache.get(key) or 0)

    def is_locked(self, key: str) -> bool:
        return self.failures(key) >= self.max_failures

    def record_failure(self, key: str) -> int:
        count = self.failures(key) + 1
        cache.set(key, count, timeout=self.window_seconds)
        return count

    def reset(self, key: str) -> None:
        cache.delete(key)


def login_throttle(app: Flask) -> Throttle:
    """Repeated sign-in failures for one email from one address."""
    return Throttle(
        "login", app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_THROTTLE_SECONDS"]
    )


def token_throttle(app: Flask) -> Throttle:
    """Repeated bad bearer tokens from one address."""
    return Throttle(
        "api-token", app.config["API_TOKEN_MAX_FAILURES"], app.config["LOGIN_THROTTLE_SECONDS"]
    )


def client_address() -> str:
    return request.remote_addr or "unknown"


def init_app(app: Flask) -> None:
    # Flask's defaults exist already (SameSite None), so these are set unless configured otherwise.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("LOGIN_MAX_FAILURES", 5)
    app.config.setdefault("API_TOKEN_MAX_FAILURES", 20)
    app.config.setdefault("LOGIN_THROTTLE_SECONDS", 15 * 60)
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(add_security_headers)
