"""Absolute links to Qwir: built from the configured public URL (QWIR_PUBLIC_URL), never from the request.

A request's Host header is the client's to choose, so a link built from it can point anywhere; one
such link stored in a shared cache then reaches every visitor. Every absolute URL (embedded
fragments, embed snippets, previews, canonical links) comes from `public_url_for` instead, and
Flask's TRUSTED_HOSTS answers 400 to any other Host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

from qwir.config import SettingsError

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
# Health probes and the laptop reach the app by these names, whatever the public URL says.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def normalized_public_url(raw: str) -> str:
    """scheme://host[:port] without a trailing slash; anything else is a configuration mistake."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"QWIR_PUBLIC_URL must be an http(s) URL like https://qwir.example, not {raw!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise SettingsError(f"QWIR_PUBLIC_URL must be an origin only (scheme, host, port), not {raw!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def trusted_hosts(public_url: str) -> list[str]:
    return list(dict.fromkeys([urlsplit(public_url).hostname, *LOOPBACK_HOSTS]))


def public_base_url() -> str:
    """QWIR_PUBLIC_URL without its trailing slash (the laptop address when unset)."""
    return (current_app.config.get("QWIR_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    """url_for's path, query and anchor under the public address."""
    return public_base_url() + url_for(endpoint, **values)


def public_url(path: str) -> str:
    """A site path (starting with /) or an absolute URL, made absolute under the public address."""
    return path if urlsplit(path).scheme else public_base_url() + path


def init_app(app: Flask) -> None:
    """Check QWIR_PUBLIC_URL and trust only its host (and loopback) unless TRUSTED_HOSTS is set."""
    configured = app.config.get("QWIR_PUBLIC_URL") or DEFAULT_PUBLIC_URL
    app.config["QWIR_PUBLIC_URL"] = normalized_public_url(configured)
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["QWIR_PUBLIC_URL"])
    app.jinja_env.globals["public_url_for"] = public_url_for
