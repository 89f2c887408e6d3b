"""Logging set-up: level from LOG_LEVEL, one format, and secrets redacted from every record."""

from __future__ import annotations

import logging

from flask import Flask

from qwir.tmdb.redaction import SecretRedactingFilter


def init_app(app: Flask) -> None:
    level = getattr(logging, app.config.get("LOG_LEVEL", "INFO"), logging.INFO)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level)
    secrets = [app.config.get("TMDB_API_KEY"), app.config.get("SECRET_KEY")]
    redactor = SecretRedactingFilter(s for s in secrets if s)
    for handler in root.handlers:
        handler.addFilter(redactor)
