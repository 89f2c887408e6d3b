"""Fragments that our pages and host sites lazy-load with hx-get; each has one root element with an id."""

from __future__ import annotations

import hashlib
from functools import partial

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import get_locale, gettext

from qwir import widgets
from qwir.blueprints.pages import bad_query, member_response, not_found
from qwir.embedding import (
    PREFERENCE_PARAMETERS,
    InvalidEmbedParameters,
    allow_embedding,
    embedding_origin,
    fragment_preferences,
)
from qwir.extensions import cache
from qwir.htmx import conditional
from qwir.i18n import supported_locales
from qwir.memo import memoized
from qwir.tmdb_wiring import tmdb_source
from qwir.urls import public_base_url, public_url, public_url_for
from qwir.validation import whole_number

bp = Blueprint("fragments", __name__, url_prefix="/fragments")
bp.register_error_handler(widgets.NotFound, not_found)
bp.register_error_handler(widgets.BadQuery, bad_query)
bp.register_error_handler(InvalidEmbedParameters, lambda error: bad_query(widgets.BadQuery(str(error))))
bp.after_request(allow_embedding)


@bp.before_request
def check_embed_parameters() -> None:
    """Refuse an unknown `lang` or preference parameter with a 400 before any work is done."""
    lang = request.args.get("lang")
    if lang is not None and lang.strip().lower() not in supported_locales():
        raise widgets.BadQuery("lang must be one of: " + ", ".join(supported_locales()))
    if any(name in request.args for name in PREFERENCE_PARAMETERS):
        fragment_preferences()  # parses them, raising InvalidEmbedParameters (a 400) when they do not


@bp.context_processor
def fragment_context() -> dict:
    """The fragment's own preferences; embedded on another origin, links and posters point back at us."""
    try:
        context = {"preferences": fragment_preferences()}
    except InvalidEmbedParameters:  # an error page about those parameters: render with their base
        context = {"preferences": g.fragment_preferences}
    if embedding_origin() is None:
        return context
    fallback = widgets.image_base_url(tmdb_source(current_app.config) == "live")

    def absolute_poster_sources(item):
        return widgets.poster_sources(item.poster_path, public_url(item.image_base_url or fallback))

    return {**context, "url_for": public_url_for, "poster_sources": absolute_poster_sources}


def _variant(etag: str) -> str:
    """The key of a rendering, in caches and ETags: what it shows (`etag`), its language, and
    for host pages the origin its absolute links are built on."""
    variant = f"{etag}-{get_locale()}"
    if embedding_origin() is None:
        return variant
    return f"{variant}-embedded-{hashlib.sha256(public_base_url().encode()).hexdigest()[:12]}"

# Rendered fragments are shared by every worker through the app cache. Their key is the ETag,
# which already names everything the output depends on (list revisions, preferences, size), so
# a sync or an override makes a new key; the lifetime only bounds stale templates after a deploy.
FRAGMENT_CACHE_SECONDS = 600


def _cached_render(kind: str, etag: str, render):
    key = f"fragment:{kind}:{etag}"
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, timeout=FRAGMENT_CACHE_SECONDS)
    return body


def _uncached(body: str):
    """Answers that change on every request (random picks, pending lists) must not be stored."""
    response = member_response(body)
    response.cache_control.no_store = True
    return response


@bp.get("/teaser")
@memoized
def teaser():
    """The sign-in teaser: a poster wall drawn from several spotlights."""
    found = widgets.teaser(fragment_preferences())
    render = partial(render_template, "feed/_teaser.html", teaser=found)
    etag = _variant(found.etag)
    return member_response(conditional(etag, partial(_cached_render, "teaser", etag, render)))


@bp.get("/carousel/<slug>")
@memoized
def carousel(slug: str):
    """One spotlight as a scrollable rail; while its first sync runs, a placeholder that polls."""
    found = widgets.carousel(slug, fragment_preferences())
    if found.pending:
        return _uncached(render_template("feed/_pending.html", carousel=found))
    render = partial(render_template, "feed/_carousel.html", carousel=found)
    etag = _variant(found.etag)
    return member_response(conditional(etag, partial(_cached_render, "carousel", etag, render)))


@bp.get("/random/<slug>")
def random_pick(slug: str):
    """A random title from a spotlight, different from the one shown (`exclude`) when possible."""
    exclude = request.args.get("exclude", "").strip()
    exclude_id = whole_number(exclude) if exclude else None
    if exclude and exclude_id is None:
        raise widgets.BadQuery(gettext("exclude must be a TMDb id (a whole number)."))
    pick = widgets.random_pick(slug, fragment_preferences(), exclude=exclude_id)
    return _uncached(render_template("feed/_random.html", pick=pick))
