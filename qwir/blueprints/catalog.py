"""Finding your way through the whole catalog: the planets index, search, and the browse "load more"."""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from werkzeug.exceptions import BadRequest, NotFound

from qwir import browse, search, widgets
from qwir.errors import handle_http_error
from qwir.extensions import cache
from qwir.i18n import member_region, vary_on_language
from qwir.localized import page_language
from qwir.preferences import load_preferences
from qwir.tmdb_wiring import build_tmdb_client

bp = Blueprint("catalog", __name__)


@bp.errorhandler(widgets.NotFound)
def not_found(error: widgets.NotFound):
    return handle_http_error(NotFound(str(error)))


@bp.errorhandler(widgets.BadQuery)
def bad_query(error: widgets.BadQuery):
    return handle_http_error(BadRequest(str(error)))


_client_guard = threading.Lock()


def tmdb_client():
    """The app's one TMDb client (thread-safe), built on first use over the app's shared cache."""
    clients = current_app.extensions
    with _client_guard:
        if "qwir_tmdb_client" not in clients:
            clients["qwir_tmdb_client"] = build_tmdb_client(current_app.config, cache=cache)
    return clients["qwir_tmdb_client"]


@bp.app_context_processor
def browse_choices() -> dict:
    """The browse form's choices; language names in the member's interface language."""
    names = get_locale().languages if get_locale() else {}
    return {
        "formats": browse.FORMATS,
        "sorts": browse.SORTS,
        "decades": range(browse.LAST_DECADE, browse.FIRST_DECADE - 10, -10),
        "languages": [(code, names.get(code, code)) for code in browse.LANGUAGES],
    }


def _member_page(body, status: int = 200):
    """These pages change with the preferences in the session cookie and the member's language."""
    return vary_on_language(current_app.make_response((body, status)))


@bp.get("/planets")
def planets():
    """Every planet: name, description, how many titles its spotlights hold, and its colour."""
    return _member_page(render_template("planets/index.html", planets=browse.planet_index()))


@bp.get("/fragments/planets/<slug>/more")
def planet_more(slug: str):
    """The next browse page's titles, the count out of band, and the next "load more"."""
    query = browse.parse_browse_query(request.args)
    preferences = load_preferences()
    found = browse.browse(tmdb_client(), slug, query, preferences, region=member_region(),
                          language=page_language())
    return _member_page(render_template("planets/_more.html", browse=found))


@bp.get("/search")
def search_page():
    """Search films and series; a plain form without JavaScript, results as you type with it."""
    preferences = load_preferences()
    found = search.search(tmdb_client(), request.args.get("q"), preferences, region=member_region(),
                          language=page_language())
    return _member_page(render_template("search/search.html", found=found), found.status)


@bp.get("/fragments/search")
def search_results():
    """Only the results region of the search page, for the active search."""
    preferences = load_preferences()
    found = search.search(tmdb_client(), request.args.get("q"), preferences, region=member_region(),
                          language=page_language())
    return _member_page(render_template("search/_results.html", found=found), found.status)
