"""Absolute URLs built from the configured public address, never from the request's Host header."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def public_base_url() -> str:
    """QWIR_PUBLIC_URL without its trailing slash (the laptop address when unset)."""
    return (current_app.config.get("QWIR_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    """url_for's path, query and anchor under the public address."""
    path = url_for(endpoint, **values)
    return public_base_url() + path


def public_url(path: str) -> str:
    """A site path (starting with /) or an absolute URL, made absolute under the public address."""
    return path if urlsplit(path).scheme else public_base_url() + path
