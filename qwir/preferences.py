"""A member's safety and display preferences, kept in signed cookies (no account needed).

By default they live in the session cookie and end with the browser session. A member who asks
to be remembered gets them in a separate signed cookie that lasts a year on this device; the
session then holds nothing of them. "Forget everything" removes both.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from babel import Locale
from flask import after_this_request, current_app, g, request, session
from flask_babel import lazy_gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from qwir.content_notes import NOTES_BY_SLUG
from qwir.title_notes import note_keyword_ids
from qwir.tmdb import maturity

SESSION_KEY = "qwir_prefs"
REMEMBER_COOKIE = "qwir_remember"
REMEMBER_SECONDS = 365 * 24 * 60 * 60
_REMEMBER_SALT = "qwir-remembered-preferences"
INTERFACE_LANGUAGES = ("en", "fr")
# Codes CLDR lists among territories that are no country a title is rated or sold in.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO"})


@dataclass(frozen=True)
class MaturityCap:
    """An age cap: the same promise in every country, read through each country's ratings."""

    slug: str
    label: str
    age: int


MATURITY_CAPS: tuple[MaturityCap, ...] = (
    MaturityCap("all", lazy_gettext("All ages"), 0),
    MaturityCap("10", lazy_gettext("10 and over"), 10),
    MaturityCap("12", lazy_gettext("12 and over"), 12),
    MaturityCap("16", lazy_gettext("16 and over"), 16),
    MaturityCap("18", lazy_gettext("18 and over"), 18),
)
CAPS_BY_SLUG = {cap.slug: cap for cap in MATURITY_CAPS}
# Caps saved before caps were ages, on the US ladders; each keeps out at least what it kept out.
LEGACY_CAPS = {"g": "all", "pg": "10", "pg-13": "12", "r": "16"}


class InvalidPreferences(ValueError):
    """Submitted preferences that do not parse; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {text}" for name, text in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Preferences:
    """What a member chose: a maturity cap (None = no cap), content notes to avoid, discreet mode."""

    max_maturity: str | None = None
    avoid_topics: frozenset[str] = field(default_factory=frozenset)
    discreet: bool = False
    show_unrated: bool = False  # under a cap, titles rated nowhere that counts show only if chosen
    region: str | None = None  # None: from the interface locale, else TMDB_REGION
    language: str | None = None  # the header's language switch; None: Accept-Language

    @property
    def cap(self) -> MaturityCap | None:
        return CAPS_BY_SLUG.get(self.max_maturity or "")

    @property
    def avoided_keyword_ids(self) -> frozenset[int]:
        """The avoided notes' TMDb keyword ids (resolved by name), for queries sent to TMDb."""
        return note_keyword_ids(self.avoid_topics)

    def allows_notes(self, title_notes: Iterable[str]) -> bool:
        """May a title carrying these content notes be shown? Every surface asks this one question."""
        return self.avoid_topics.isdisjoint(title_notes)

    @property
    def is_default(self) -> bool:
        """No safety or display choice: what a member reads is not filtered or changed.

        The language and the country are settings of another kind; a member who chose only
        those is not told that filters are on.
        """
        return dataclasses.replace(self, region=None, language=None) == Preferences()

    def age_allowed(self, age: int | None) -> bool:
        """Within the cap? An unrated title (age None) passes a cap only when the member chose so."""
        return maturity.within_age(age, self.cap.age if self.cap else None, show_unrated=self.show_unrated)

    def as_dict(self) -> dict:
        return {
            "max_maturity": self.max_maturity,
            "avoid": sorted(self.avoid_topics),
            "discreet": self.discreet,
            "show_unrated": self.show_unrated,
            "region": self.region,
            "language": self.language,
        }

    def fingerprint(self) -> str:
        """A short stable hash, part of every ETag whose output these preferences change."""
        encoded = json.dumps(self.as_dict(), sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]


def parse_preferences(values: Mapping[str, object]) -> Preferences:
    """Build preferences from submitted values (a form or a query string); raise on anything unknown.

    `values` may be a werkzeug MultiDict (repeated `avoid` fields) or a plain mapping.
    """
    errors: dict[str, str] = {}
    cap = str(values.get("max_maturity") or "").strip().lower()
    cap = LEGACY_CAPS.get(cap, cap)
    if cap in ("", "none"):
        cap = ""
    elif cap not in CAPS_BY_SLUG:
        errors["max_maturity"] = str(lazy_gettext("Choose one of the listed maturity caps."))
    topics = _listed(values, "avoid")
    unknown = sorted(t for t in topics if t not in NOTES_BY_SLUG)
    if unknown:
        errors["avoid"] = str(lazy_gettext("Unknown topic: %(topics)s", topics=", ".join(unknown)))
    discreet = _switch(values, "discreet", errors, lazy_gettext("Discreet mode is either on or off."))
    show_unrated = _switch(values, "show_unrated", errors,
                           lazy_gettext("Showing unrated titles is either on or off."))
    region = _region(values, errors)
    language = str(values.get("language") or "").strip().lower()
    if language not in ("", *INTERFACE_LANGUAGES):
        errors["language"] = str(lazy_gettext("Choose English or French."))
    if errors:
        raise InvalidPreferences(errors)
    return Preferences(cap or None, frozenset(topics), discreet, show_unrated, region, language or None)


def _switch(values: Mapping[str, object], name: str, errors: dict[str, str], message) -> bool:
    raw = str(values.get(name) or "").strip().lower()
    if raw not in ("", "0", "1", "on", "off", "true", "false"):
        errors[name] = str(message)
    return raw in ("1", "on", "true")


def _region(values: Mapping[str, object], errors: dict[str, str]) -> str | None:
    """A country code Babel knows (upper-cased), or None for "from my language"."""
    raw = str(values.get("region") or "").strip()
    if not raw or raw.lower() == "auto":
        return None
    region = maturity.normalize_region(raw)
    if region is None or region in NOT_COUNTRIES or region not in Locale("en").territories:
        errors["region"] = str(lazy_gettext("Choose a country from the list."))
        return None
    return region


def region_choices(locale: str) -> list[tuple[str, str]]:
    """Every country a member may pick, named in the interface language and sorted by that name."""
    names = Locale.parse(locale).territories
    countries = [(code, name) for code, name in names.items()
                 if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES]
    return sorted(countries, key=lambda pair: pair[1].casefold())


def _listed(values: Mapping[str, object], name: str) -> list[str]:
    getlist = getattr(values, "getlist", None)
    raw = getlist(name) if getlist else values.get(name) or []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def load_preferences() -> Preferences:
    """The current member's preferences: this session's, else the remembered ones, else defaults.

    Anything stale or malformed in a cookie falls back to defaults.
    """
    if "qwir_preferences" not in g:
        stored = session.get(SESSION_KEY)
        if not isinstance(stored, dict):
            stored = _remembered_values()
        g.qwir_preferences = _parsed_or_default(stored)
    return g.qwir_preferences


def _parsed_or_default(stored: object) -> Preferences:
    if not isinstance(stored, dict):
        return Preferences()
    try:
        return parse_preferences(stored)
    except InvalidPreferences:
        return Preferences()


def preferences_remembered() -> bool:
    """Does this device hold a valid "remember" cookie?"""
    return _remembered_values() is not None


def save_preferences(preferences: Preferences, *, remember: bool = False) -> None:
    """Keep the preferences for this session, or for a year on this device when asked to remember."""
    g.qwir_preferences = preferences
    # The language and the country count here too: a member who chose only those keeps them.
    nothing_chosen = preferences == Preferences()
    if remember and not nothing_chosen:
        session.pop(SESSION_KEY, None)
        encoded = _serializer().dumps(preferences.as_dict())
        after_this_request(lambda response: _set_remember_cookie(response, encoded))
        return
    _drop_remember_cookie()
    if nothing_chosen:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = preferences.as_dict()


def forget_preferences() -> None:
    """Remove every stored preference: the session's and the remembered cookie."""
    g.qwir_preferences = Preferences()
    session.pop(SESSION_KEY, None)
    _drop_remember_cookie()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_REMEMBER_SALT)


def _remembered_values() -> dict | None:
    raw = request.cookies.get(REMEMBER_COOKIE)
    if not raw:
        return None
    try:
        values = _serializer().loads(raw, max_age=REMEMBER_SECONDS)
    except BadSignature:
        return None
    return values if isinstance(values, dict) else None


def _cookie_secure() -> bool:
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def _set_remember_cookie(response, encoded: str):
    response.set_cookie(
        REMEMBER_COOKIE, encoded, max_age=REMEMBER_SECONDS, httponly=True, samesite="Lax",
        secure=_cookie_secure(),
    )
    return response


def _drop_remember_cookie() -> None:
    if REMEMBER_COOKIE not in request.cookies:
        return

    def drop(response):
        response.delete_cookie(REMEMBER_COOKIE, httponly=True, samesite="Lax", secure=_cookie_secure())
        return response

    after_this_request(drop)
