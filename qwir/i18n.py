"""The interface language and the member's region: which locale and country a request is served for.

The language comes from the header's switch (kept with the member's preferences), then
Accept-Language, then QWIR_DEFAULT_LOCALE. The region, which decides ratings and where to watch,
comes from the preferences, then the country of the best Accept-Language tag (fr-CA gives CA),
then TMDB_REGION.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel, get_locale
from werkzeug.datastructures import LanguageAccept

from qwir.config import SettingsError
from qwir.preferences import load_preferences
from qwir.tmdb.maturity import normalize_region

babel = Babel()


def supported_locales() -> tuple[str, ...]:
    return current_app.config["QWIR_LOCALES"]


def select_locale() -> str:
    """The switch's choice, else Accept-Language among the supported locales, else the default."""
    if not request:
        return current_app.config["QWIR_DEFAULT_LOCALE"]
    chosen = load_preferences().language
    if chosen in supported_locales():
        return chosen
    best = request.accept_languages.best_match(supported_locales())
    return best or current_app.config["QWIR_DEFAULT_LOCALE"]


def region_from_accept_language(accept: LanguageAccept, locale: str) -> str | None:
    """The country of the most preferred tag in the interface language ("fr-CA" -> "CA")."""
    for tag, _quality in accept:
        language, _, country = tag.replace("_", "-").partition("-")
        if language.lower() == locale and normalize_region(country):
            return normalize_region(country)
    return None


def member_region() -> str:
    """The country whose ratings and providers this request shows."""
    chosen = load_preferences().region
    if chosen:
        return chosen
    from_locale = region_from_accept_language(request.accept_languages, str(get_locale()))
    return from_locale or current_app.config["TMDB_REGION"]


def locale_and_region() -> str:
    """What every language- or region-dependent cache key and ETag includes."""
    return f"{get_locale()}-{member_region()}"


def init_app(app: Flask) -> None:
    configured = app.config.get("TMDB_REGION")
    region = normalize_region(configured)
    if region is None:
        raise SettingsError(f"TMDB_REGION must be a two-letter country code, not {configured!r}")
    app.config["TMDB_REGION"] = region
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
