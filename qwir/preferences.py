"""A member's safety and display preferences, kept in signed cookies (no account needed).

By default they live in the session cookie and end with the browser session. A member who asks
to be remembered gets them in a separate signed cookie that lasts a year on this device; the
session then holds nothing of them. "Forget everything" removes both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask import after_this_request, current_app, g, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from qwir.content_notes import NOTES_BY_SLUG
from qwir.title_notes import note_keyword_ids

SESSION_KEY = "qwir_prefs"
REMEMBER_COOKIE = "qwir_remember"
REMEMBER_SECONDS = 365 * 24 * 60 * 60
_REMEMBER_SALT = "qwir-remembered-preferences"

# US ratings for film and TV on one shared ladder: a cap at a rung admits that rung and below.
MOVIE_RATINGS = {"G": 0, "PG": 1, "PG-13": 2, "R": 3, "NC-17": 4}
TV_RATINGS = {"TV-Y": 0, "TV-Y7": 0, "TV-G": 0, "TV-PG": 1, "TV-14": 2, "TV-MA": 3}


@dataclass(frozen=True)
class MaturityCap:
    slug: str
    label: str
    rung: int


MATURITY_CAPS: tuple[MaturityCap, ...] = (
    MaturityCap("g", "Up to G / TV-G", 0),
    MaturityCap("pg", "Up to PG / TV-PG", 1),
    MaturityCap("pg-13", "Up to PG-13 / TV-14", 2),
    MaturityCap("r", "Up to R / TV-MA", 3),
)
CAPS_BY_SLUG = {cap.slug: cap for cap in MATURITY_CAPS}


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
        return self == Preferences()

    def rating_allowed(self, media_type: str, certification: str | None) -> bool:
        """Within the cap? Unrated titles (or ratings off the US ladders) pass only when no cap is set."""
        if self.cap is None:
            return True
        ladder = TV_RATINGS if media_type == "tv" else MOVIE_RATINGS
        rung = ladder.get((certification or "").strip().upper())
        return rung is not None and rung <= self.cap.rung

    def as_dict(self) -> dict:
        return {
            "max_maturity": self.max_maturity,
            "avoid": sorted(self.avoid_topics),
            "discreet": self.discreet,
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
    cap = str(values.get("max_maturity") or "").strip()
    if cap in ("", "none"):
        cap = ""
    elif cap not in CAPS_BY_SLUG:
        errors["max_maturity"] = "Choose one of the listed maturity caps."
    topics = _listed(values, "avoid")
    unknown = sorted(t for t in topics if t not in NOTES_BY_SLUG)
    if unknown:
        errors["avoid"] = "Unknown topic: " + ", ".join(unknown)
    discreet = str(values.get("discreet") or "").strip().lower()
    if discreet not in ("", "0", "1", "on", "off", "true", "false"):
        errors["discreet"] = "Discreet mode is either on or off."
    if errors:
        raise InvalidPreferences(errors)
    return Preferences(cap or None, frozenset(topics), discreet in ("1", "on", "true"))


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
    if remember and not preferences.is_default:
        session.pop(SESSION_KEY, None)
        encoded = _serializer().dumps(preferences.as_dict())
        after_this_request(lambda response: _set_remember_cookie(response, encoded))
        return
    _drop_remember_cookie()
    if preferences.is_default:
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
