"""Fragments embedded by host pages on other origins: CORS for the origins we trust, absolute links,
and the preferences a host page passes for its members.

A host page (the community site) lazy-loads our fragments with hx-get. From another origin the
browser asks first (htmx sends HX-* headers, so every request is preflighted) and only hands the
answer over when we name that origin; the fragment's own links must then point back at us, on
the configured public URL (qwir/urls.py), never on whatever Host the request carried.

No cookie crosses origins, so a member's own preferences cannot reach an embedded fragment. The
host page passes them as query parameters on the fragment URL instead, each optional:

- `cap`: a maturity cap, `g`, `pg`, `pg-13`, `r` or `none`;
- `avoid`: safety topics to leave out, comma-separated or repeated (`all` for every topic,
  `none` for none);
- `discreet`: `on` or `off`;
- `lang`: the interface language (one of QWIR_LOCALES).

What a cross-origin request does not pass comes from the operator's embed defaults
(EMBED_DEFAULT_PREFERENCES: a PG-13 cap and every topic avoided unless configured otherwise); on
our own pages it comes from the member's session.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from werkzeug.datastructures import MultiDict

from qwir.config import SettingsError
from qwir.content_notes import NOTES_BY_SLUG
from qwir.preferences import InvalidPreferences, Preferences, load_preferences, parse_preferences
from qwir.urls import public_base_url

# The request headers htmx 2 sends; a preflight must allow each of them.
HTMX_REQUEST_HEADERS = (
    "HX-Request", "HX-Trigger", "HX-Trigger-Name", "HX-Target", "HX-Current-URL",
    "HX-Boosted", "HX-History-Restore-Request", "HX-Prompt",
)
PREFLIGHT_MAX_AGE = 600
PREFERENCE_PARAMETERS = ("cap", "avoid", "discreet")


class InvalidEmbedParameters(ValueError):
    """A fragment URL's preference parameters do not parse; the message says which and why."""


def embedding_origin() -> str | None:
    """The requesting origin when it is one of EMBED_ORIGINS (and not ourselves), else None."""
    origin = request.headers.get("Origin", "").strip()
    if not origin or origin == public_base_url():
        return None
    return origin if origin in current_app.config.get("EMBED_ORIGINS", ()) else None


def allow_embedding(response: Response) -> Response:
    """Name a trusted origin on the answer (and on preflights); the answer varies by Origin."""
    _vary_on_origin(response)
    origin = embedding_origin()
    if origin is None:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Allow-Headers"] = ", ".join(HTMX_REQUEST_HEADERS)
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    else:
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response


def _vary_on_origin(response: Response) -> None:
    """Add Origin to Vary on the header string: `response.vary` parses and rebuilds the whole set,
    which costs more than the rest of a memoised fragment's answer."""
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Origin"
    elif "origin" not in (name.strip().lower() for name in vary.split(",")):
        response.headers["Vary"] = f"{vary}, Origin"


def fragment_preferences() -> Preferences:
    """The preferences a fragment renders with: parameters first, then the embed defaults or the session."""
    if "fragment_preferences" not in g:
        # Set first, so the error page for parameters that do not parse renders with the base.
        g.fragment_preferences = operator_defaults() if embedding_origin() else load_preferences()
        g.fragment_preferences = with_parameters(g.fragment_preferences, request.args)
    return g.fragment_preferences


def operator_defaults() -> Preferences:
    return with_parameters(Preferences(), current_app.config["EMBED_DEFAULT_PREFERENCES"])


def with_parameters(base: Preferences, args) -> Preferences:
    """`base` with each preference parameter present in `args` replacing its field."""
    given = {name: args.get(name) for name in PREFERENCE_PARAMETERS if args.get(name) is not None}
    if not given:
        return base
    values = MultiDict({
        "max_maturity": given.get("cap", base.max_maturity or ""),
        "discreet": given.get("discreet", "on" if base.discreet else "off"),
    })
    for topic in _avoided(args) if "avoid" in given else sorted(base.avoid_topics):
        values.add("avoid", topic)
    try:
        return parse_preferences(values)
    except InvalidPreferences as invalid:
        raise InvalidEmbedParameters(str(invalid).replace("max_maturity", "cap")) from None


def check_operator_defaults(app: Flask) -> None:
    """Refuse to start with embed defaults that do not parse, rather than answer 400 to every host page."""
    try:
        with_parameters(Preferences(), app.config["EMBED_DEFAULT_PREFERENCES"])
    except InvalidEmbedParameters as invalid:
        raise SettingsError(f"QWIR_EMBED_CAP, QWIR_EMBED_AVOID or QWIR_EMBED_DISCREET: {invalid}") from None


def _avoided(args) -> list[str]:
    raw = args.getlist("avoid") if hasattr(args, "getlist") else [args.get("avoid")]
    topics = [part.strip() for item in raw for part in str(item).split(",") if part.strip()]
    if topics == ["all"]:
        return sorted(NOTES_BY_SLUG)
    return [] if topics == ["none"] else topics
