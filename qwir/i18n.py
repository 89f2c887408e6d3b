"""The interface language: which locale a request is served in, and Flask-Babel's wiring."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel, get_locale

babel = Babel()


def supported_locales() -> tuple[str, ...]:
    return current_app.config["QWIR_LOCALES"]


def select_locale() -> str:
    """`lang` in the query (host pages pass it to fragments), else Accept-Language, else the default."""
    requested = request.args.get("lang", "").strip().lower() if request else ""
    if requested in supported_locales():
        return requested
    best = request.accept_languages.best_match(supported_locales()) if request else None
    return best or current_app.config["QWIR_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
