"""Member pages: the feed, the sign-in teaser page, planets, titles and the preferences panel."""

from __future__ import annotations

import dataclasses
from functools import partial

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.exceptions import BadRequest, NotFound

from qwir import widgets
from qwir.errors import handle_http_error
from qwir.htmx import conditional, vary_on_htmx, wants_fragment
from qwir.i18n import member_region, safe_next, vary_on_language
from qwir.memo import memoized
from qwir.preferences import (
    MATURITY_CAPS,
    InvalidPreferences,
    Preferences,
    load_preferences,
    parse_preferences,
    region_choices,
    save_preferences,
)
from qwir.safety_topics import SAFETY_TOPICS
from qwir.tmdb_wiring import tmdb_source
from qwir.validation import ROW_ID

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def member_context() -> dict:
    """What every template (ours and the admin's) may use: preferences, demo notice, image helpers."""
    live = tmdb_source(current_app.config) == "live"
    image_base = widgets.image_base_url(live)
    return {
        "preferences": load_preferences(),
        "demo_catalog": not live,
        "wants_fragment": wants_fragment,
        "poster_sources": lambda item: widgets.item_poster_sources(item, image_base),
    }


def not_found(error: widgets.NotFound):
    return handle_http_error(NotFound(str(error)))


def bad_query(error: widgets.BadQuery):
    return handle_http_error(BadRequest(str(error)))


bp.register_error_handler(widgets.NotFound, not_found)
bp.register_error_handler(widgets.BadQuery, bad_query)


def member_response(rv):
    """Member pages change with the preferences in the session cookie and the member's language."""
    return vary_on_language(current_app.make_response(rv))


@bp.get("/")
@memoized
def feed():
    """The member feed: one section per featured identity, each spotlight lazy-loaded."""
    sections = widgets.feed_sections()
    return member_response(render_template("pages/feed.html", sections=sections))


@bp.get("/signin")
@memoized
def signin():
    """A sign-in page as a host site would build it, embedding the teaser panel."""
    return member_response(render_template("pages/signin.html"))


@bp.get("/planets/<slug>")
@memoized
def planet(slug: str):
    """One identity's planet; htmx filter, sort and page links get only the browse section."""
    query = widgets.parse_planet_query(request.args)
    found = widgets.planet(slug, load_preferences(), query)
    fragment = wants_fragment()
    template = "planets/_results.html" if fragment else "planets/planet.html"
    render = partial(render_template, template, planet=found, sorts=widgets.PLANET_SORTS)
    response = conditional(f"{found.etag}-{int(fragment)}", render)
    return member_response(vary_on_htmx(response))


@bp.get(f"/titles/<any(movie, tv):media_type>/<{ROW_ID}:tmdb_id>")
@memoized
def title(media_type: str, tmdb_id: int):
    """A title page: facts, credits, where to watch in our region, and its identity tags."""
    found = widgets.title_details(media_type, tmdb_id, load_preferences(), region=member_region())
    response = conditional(found.etag, partial(render_template, "titles/title.html", view=found))
    return member_response(response)


def _render_preferences(preferences: Preferences, errors: dict | None = None, saved: bool = False) -> str:
    template = "pages/_preferences_form.html" if wants_fragment() else "pages/preferences.html"
    return render_template(
        template,
        form_preferences=preferences,
        caps=MATURITY_CAPS,
        regions=region_choices(str(get_locale())),
        member_region=member_region(),
        topics=SAFETY_TOPICS,
        errors=errors or {},
        saved=saved,
    )


@bp.get("/language/<any(en, fr):code>")
def switch_language(code: str):
    """The header's language switch: a plain link, remembered with the member's preferences."""
    save_preferences(dataclasses.replace(load_preferences(), language=code))
    response = redirect(safe_next(request.args.get("next")), code=303)
    response.cache_control.no_store = True
    return response


@bp.get("/preferences")
def preferences():
    """The safety and display preferences panel."""
    body = _render_preferences(load_preferences(), saved=request.args.get("saved") == "1")
    return vary_on_htmx(member_response(body))


@bp.post("/preferences")
def save_preferences_view():
    """Store the member's preferences in the session; 422 with the form when they do not parse."""
    try:
        chosen = parse_preferences(request.form)
    except InvalidPreferences as invalid:
        body = _render_preferences(load_preferences(), invalid.errors)
        return vary_on_htmx(member_response((body, 422)))
    # The language comes from the header's switch, not from this form: keep it.
    chosen = dataclasses.replace(chosen, language=load_preferences().language)
    save_preferences(chosen)
    if wants_fragment():
        return vary_on_htmx(member_response(_render_preferences(chosen, saved=True)))
    return redirect(url_for("pages.preferences", saved="1"), code=303)
