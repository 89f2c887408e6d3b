"""Web security: session cookie flags, security headers, trusted hosts and proxies, throttles."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from qwir import embedding, input_guard, throttling, urls

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


def trust_proxies(app: Flask, hops: int) -> None:
    """Behind `hops` reverse proxies, read the client's address, scheme and host from X-Forwarded-*."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


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


def refuse_untrusted_host(error: SecurityError) -> Response:
    """A Host outside TRUSTED_HOSTS: a bare 400, since no URL can be built for a host we do not serve."""
    return Response(_("This site does not answer to that host name."), 400, mimetype="text/plain")


def init_app(app: Flask) -> None:
    # Flask's defaults exist already (SameSite None), so these are set unless configured otherwise.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.session_interface = HttpsAwareSessionInterface()
    urls.init_app(app)
    embedding.check_operator_defaults(app)
    throttling.init_app(app)
    input_guard.init_app(app)
    trust_proxies(app, int(app.config.get("TRUSTED_PROXIES") or 0))
    app.register_error_handler(SecurityError, refuse_untrusted_host)
    app.after_request(add_security_headers)
