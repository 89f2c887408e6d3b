"""Member pages: the feed, the sign-in teaser page, planets, titles and the preferences panel."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.exceptions import BadRequest, NotFound, ServiceUnavailable

from qwir import browse, discretion, titles, widgets
from qwir.blueprints.catalog import tmdb_client
from qwir.content_notes import CONTENT_NOTES
from qwir.errors import handle_http_error, wants_json
from qwir.htmx import hx_trigger, vary_on_htmx, wants_fragment
from qwir.i18n import member_region, safe_next, vary_on_language
from qwir.localized import page_language
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
from qwir.security import DEFAULT_CSP, content_security_policy
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
        "image_url": lambda path, size: f"{image_base}{size}{path}" if path else None,
        "held_back_spotlights": lambda: widgets.held_back_spotlights(current_app.config["FEED_MIN_TITLES"]),
    }


def not_found(error: widgets.NotFound):
    return handle_http_error(NotFound(str(error)))


def unknown_planet(error: browse.UnknownPlanet):
    """The 404 for a planet that does not exist names the ones that do."""
    if wants_json():
        return handle_http_error(NotFound(str(error)))
    page = render_template("errors/error.html", error=NotFound(str(error)), planets=browse.planet_index())
    return member_response((page, 404))


def bad_query(error: widgets.BadQuery):
    return handle_http_error(BadRequest(str(error)))


bp.register_error_handler(browse.UnknownPlanet, unknown_planet)
bp.register_error_handler(widgets.NotFound, not_found)
bp.register_error_handler(widgets.BadQuery, bad_query)


def member_response(rv):
    """Member pages change with the preferences in the session cookie and the member's language."""
    return vary_on_language(current_app.make_response(rv))


@bp.get("/")
@memoized
def feed():
    """The member feed: one section per featured identity, each spotlight lazy-loaded."""
    sections = widgets.feed_sections(min_titles=current_app.config["FEED_MIN_TITLES"])
    return member_response(render_template("pages/feed.html", sections=sections))


@bp.get("/signin")
@memoized
def signin():
    """A sign-in page as a host site would build it, embedding the teaser panel."""
    return member_response(render_template("pages/signin.html"))


@bp.get("/planets/<slug>")
@memoized
def planet(slug: str):
    """One identity's planet: its curated top, then a browse of everything TMDb knows for it.

    htmx filter, sort and page requests get only the browse section. While discreet mode is on, an
    address with an identity word in it (a bookmark) gives way to the opaque one.
    """
    query = browse.parse_browse_query(request.args)
    preferences = load_preferences()
    opaque = discretion.opaque_tag_id(browse.planet_tag(slug))
    if preferences.discreet and slug != opaque and not wants_fragment():
        return redirect(url_for("pages.planet", slug=opaque, **request.args), code=303)
    found = browse.browse(tmdb_client(), slug, query, preferences, region=member_region(),
                          language=page_language())
    if wants_fragment():
        return _tagged(vary_on_htmx(member_response(render_template("planets/_browse.html", browse=found))))
    top = widgets.planet(slug, preferences)
    page = render_template("planets/planet.html", planet=top, browse=found)
    return _tagged(vary_on_htmx(member_response(page)))


def _tagged(response):
    """Pages read from TMDb on demand carry an ETag of their body (which names the language and the
    preferences it was made for): a member revalidating an unchanged page gets a 304, not the page."""
    response.add_etag()
    return response.make_conditional(request)


@bp.get(f"/titles/<any(movie, tv):media_type>/<{ROW_ID}:tmdb_id>")
@memoized
def title(media_type: str, tmdb_id: int):
    """Any title TMDb knows: facts, cast, seasons, content notes, where to watch, identities, more
    like it, a trailer.

    `?show=once` shows a title the member's preferences withhold, for this page view only.
    """
    show_once = request.args.get("show") == "once"
    found = titles.title_page(tmdb_client(), media_type, tmdb_id, load_preferences(), region=member_region(),
                              show_once=show_once)
    response = member_response(render_template("titles/title.html", view=found))
    if found.trailer is not None and not found.withheld:
        # The trailer's frame may load from its own host, and from nowhere else.
        policy = {**DEFAULT_CSP, "frame-src": found.trailer.host}
        response.headers["Content-Security-Policy"] = content_security_policy(policy)
    return _tagged(response)


def title_unavailable(error: titles.TitleUnavailable):
    return handle_http_error(ServiceUnavailable(str(error)))


bp.register_error_handler(titles.TitleUnavailable, title_unavailable)


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
