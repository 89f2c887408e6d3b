"""Member pages: the feed, the sign-in teaser page, planets, titles and the preferences panel."""

from __future__ import annotations

import dataclasses
from functools import partial

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.exceptions import BadRequest, NotFound

from qwir import discretion, widgets
from qwir.content_notes import CONTENT_NOTES
from qwir.errors import handle_http_error
from qwir.htmx import conditional, hx_trigger, vary_on_htmx, wants_fragment
from qwir.i18n import member_region, safe_next, vary_on_language
from qwir.memo import memoized
from qwir.preferences import (
    MATURITY_CAPS,
    InvalidPreferences,
    Preferences,
    forget_preferences,
    load_preferences,
    parse_preferences,
    preferences_remembered,
    region_choices,
    save_preferences,
)
from qwir.tmdb_wiring import tmdb_source
from qwir.validation import ROW_ID

bp = Blueprint("pages", __name__)

# static/js/qwir.js answers this event by replacing the page with the URL it carries.
RELOAD_EVENT = "qwir:reload"


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
    opaque = discretion.opaque_tag_id(found.tag)
    if load_preferences().discreet and slug != opaque and not fragment:
        # An address with an identity word in it (a bookmark) gives way to the opaque one.
        return redirect(url_for("pages.planet", slug=opaque, **request.args), code=303)
    template = "planets/_results.html" if fragment else "planets/planet.html"
    render = partial(render_template, template, planet=found, sorts=widgets.PLANET_SORTS)
    response = conditional(f"{found.etag}-{int(fragment)}", render)
    return member_response(vary_on_htmx(response))


@bp.get(f"/titles/<any(movie, tv):media_type>/<{ROW_ID}:tmdb_id>")
@memoized
def title(media_type: str, tmdb_id: int):
    """A title page: facts, credits, content notes, where to watch in our region, and its identity tags.

    `?show=once` shows a title the member's preferences withhold, for this page view only.
    """
    show_once = request.args.get("show") == "once"
    found = widgets.title_details(
        media_type, tmdb_id, load_preferences(), region=member_region(), show_once=show_once
    )
    response = conditional(found.etag, partial(render_template, "titles/title.html", view=found))
    return member_response(response)


def _render_preferences(
    preferences: Preferences, errors: dict | None = None, saved: bool = False, remembered: bool | None = None
) -> str:
    template = "pages/_preferences_form.html" if wants_fragment() else "pages/preferences.html"
    return render_template(
        template,
        form_preferences=preferences,
        remembered=preferences_remembered() if remembered is None else remembered,
        forgotten=request.args.get("forgotten") == "1",
        caps=MATURITY_CAPS,
        regions=region_choices(str(get_locale())),
        member_region=member_region(),
        topics=CONTENT_NOTES,
        errors=errors or {},
        saved=saved,
    )


@bp.get("/language/<any(en, fr):code>")
def switch_language(code: str):
    """The header's language switch: a plain link, remembered with the member's preferences."""
    chosen = dataclasses.replace(load_preferences(), language=code)
    save_preferences(chosen, remember=preferences_remembered())
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
    remember = request.form.get("remember") == "on"
    discreet_before = load_preferences().discreet
    # The language comes from the header's switch, not from this form: keep it.
    chosen = dataclasses.replace(chosen, language=load_preferences().language)
    save_preferences(chosen, remember=remember)
    if wants_fragment():
        body = _render_preferences(chosen, saved=True, remembered=remember and chosen != Preferences())
        response = vary_on_htmx(member_response(body))
        if chosen.discreet != discreet_before:
            # The whole page (tab title, icon, header) changes: reload it in place, adding no history entry.
            hx_trigger(response, {RELOAD_EVENT: url_for("pages.preferences", saved="1")})
        return response
    return redirect(url_for("pages.preferences", saved="1"), code=303)


@bp.post("/preferences/forget")
def forget_preferences_view():
    """Forget every stored preference, in this session and on this device."""
    forget_preferences()
    return redirect(url_for("pages.preferences", forgotten="1"), code=303)
