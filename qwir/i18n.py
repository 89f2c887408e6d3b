"""The interface language and the member's region: which locale and country a request is served for.

The language comes from a fragment's `lang` parameter (host pages embedding a fragment ask for
one), then the header's switch (kept with the member's preferences), then Accept-Language, then
QWIR_DEFAULT_LOCALE. The region, which decides ratings and where to watch,
comes from the preferences, then the country of the best Accept-Language tag (fr-CA gives CA),
then TMDB_REGION.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, has_request_context, request, url_for
from flask_babel import Babel, format_date, format_datetime, format_decimal, format_number, get_locale
from werkzeug.datastructures import LanguageAccept

from qwir import localized
from qwir.config import SettingsError
from qwir.preferences import load_preferences
from qwir.tmdb.maturity import normalize_region

babel = Babel()
# The committed .po catalogs beside the package; `make setup` compiles them to .mo files.
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def supported_locales() -> tuple[str, ...]:
    return current_app.config["QWIR_LOCALES"]


def select_locale() -> str:
    """The switch's choice, else Accept-Language among the supported locales, else the default."""
    if not request:
        return current_app.config["QWIR_DEFAULT_LOCALE"]
    # An address may name its language (`?lang=fr`): fragments a host page embeds, and the
    # alternates that shared pages advertise. It never changes what the member chose.
    asked = request.args.get("lang", "").strip().lower()
    if asked in supported_locales():
        return asked
    chosen = load_preferences().language
    if chosen in supported_locales():
        return chosen
    best = request.accept_languages.best_match(supported_locales())
    return best or current_app.config["QWIR_DEFAULT_LOCALE"]


def region_from_accept_language(accept: LanguageAccept, locale: str) -> str | None:
    """The country of the most preferred tag in the interface language ("fr-CA" -> "CA"), else of
    the most preferred tag naming one at all (a "de-DE" reader served in English lives in DE)."""
    countries = []
    for tag, _quality in accept:
        language, _, country = tag.replace("_", "-").partition("-")
        if normalize_region(country):
            countries.append((language.lower() != locale, normalize_region(country)))
    return min(countries, key=lambda pair: pair[0])[1] if countries else None


def member_region() -> str:
    """The country whose ratings and providers this request shows (worked out once per request)."""
    if not has_request_context():
        return current_app.config["TMDB_REGION"]
    if "member_region" not in g:
        chosen = load_preferences().region
        from_locale = region_from_accept_language(request.accept_languages, str(get_locale()))
        g.member_region = chosen or from_locale or current_app.config["TMDB_REGION"]
    return g.member_region


def vary_on_language(response: Response) -> Response:
    """Answers in the member's language and region change with these request headers."""
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def locale_and_region() -> str:
    """What every language- or region-dependent cache key and ETag includes."""
    return f"{get_locale()}-{member_region()}"


LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def language_switch() -> list[dict[str, str]]:
    """The header's links to the other interface languages, each returning to the current page."""
    # Back to the same page, without a `lang` in its address that would outvote the choice.
    kept = urlencode([(name, value) for name, value in request.args.items(multi=True) if name != "lang"])
    here = f"{request.path}?{kept}" if kept else request.path
    current = str(get_locale())
    return [
        {"code": code, "name": LANGUAGE_NAMES.get(code, code),
         "url": url_for("pages.switch_language", code=code, next=here)}
        for code in supported_locales() if code != current
    ]


def safe_next(target: str | None) -> str:
    """A path on this site to go back to; anything else (another host, a scheme) gives the feed."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.feed")


def init_app(app: Flask) -> None:
    configured = app.config.get("TMDB_REGION")
    region = normalize_region(configured)
    if region is None:
        raise SettingsError(f"TMDB_REGION must be a two-letter country code, not {configured!r}")
    app.config["TMDB_REGION"] = region
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals.update(localized.jinja_globals())
    app.jinja_env.globals["language_switch"] = language_switch
    # Dates and numbers in the member's locale ("1 234,5" in French); Flask-Babel also adds the
    # `dateformat` and `datetimeformat` filters.
    app.jinja_env.globals.update(format_date=format_date, format_datetime=format_datetime,
                                 format_decimal=format_decimal, format_number=format_number)
