"""Sharing: spotlight pages, share images, Atom feeds, oEmbed, the embed page, sitemap and robots.txt."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from werkzeug.exceptions import HTTPException

from qwir import discretion, share_cards, spotlights, widgets
from qwir.blueprints.pages import bad_query, member_response, not_found
from qwir.extensions import cache
from qwir.htmx import conditional
from qwir.i18n import member_region
from qwir.preferences import load_preferences
from qwir.security import allow_framing
from qwir.share_images import HEIGHT, PNG_COMPRESSION, WIDTH
from qwir.tmdb.sandbox import UnknownImageError
from qwir.tmdb.sandbox.raster import render_poster_png
from qwir.urls import public_base_url, public_url_for
from qwir.validation import ROW_ID, whole_number

bp = Blueprint("sharing", __name__)
bp.register_error_handler(widgets.NotFound, not_found)
bp.register_error_handler(widgets.BadQuery, bad_query)

WHOLE_LIST = 10_000
VERSIONED_IMAGE = "public, max-age=31536000, immutable"
UNVERSIONED_IMAGE = "public, max-age=3600"
OEMBED_SIZE = (640, 480)
OEMBED_PAGES = {"sharing.spotlight", "sharing.embed_spotlight", "pages.planet"}


def _region() -> str:
    return current_app.config.get("TMDB_REGION") or "US"


@bp.get("/spotlights/<slug>")
def spotlight(slug: str):
    """One spotlight in its curated order: each title's year, rating and where to watch it.

    Like the feed's carousels, a known spotlight not yet synced queues its first sync and says so.
    """
    found = widgets.carousel(slug, load_preferences(), size=WHOLE_LIST)
    opaque = discretion.opaque_list_id(found.tag, found.media_type)
    if load_preferences().discreet and slug != opaque:
        # An address with an identity word in it (a bookmark) gives way to the opaque one.
        return redirect(url_for("sharing.spotlight", slug=opaque), code=303)
    render = partial(render_template, "spotlights/spotlight.html", spotlight=found, region=member_region())
    if found.pending:
        response = member_response(render())
        response.cache_control.no_store = True
        return response
    etag = found.etag  # names the language and the member's region
    return member_response(conditional(etag, render))


@bp.get("/spotlights/<slug>/feed.atom")
def spotlight_feed(slug: str):
    """An Atom feed of the spotlight; titles a sync added come first."""
    found = spotlights.stored_spotlight(slug, load_preferences(), size=WHOLE_LIST)
    entries = spotlights.feed_entries(found)
    body = render_template("spotlights/feed.atom.xml", spotlight=found, entries=entries,
                           updated=spotlights.feed_updated(found, entries))
    response = conditional(f"{found.etag}-feed-{get_locale()}", lambda: body)
    response.mimetype = "application/atom+xml"
    return member_response(response)


# ---------------------------------------------------------------- share images


def _png(body: bytes, etag: str, versioned: bool) -> Response:
    """A PNG with its ETag; long-lived when the URL names its version, an hour otherwise."""
    response = Response(status=304) if etag in request.if_none_match else Response(body, mimetype="image/png")
    response.set_etag(etag)
    response.headers["Cache-Control"] = VERSIONED_IMAGE if versioned else UNVERSIONED_IMAGE
    response.vary.add("Accept-Language")
    return response


def _card_response(card_source: Callable[[], share_cards.CardSource]) -> Response:
    """The card in the language its URL names (`lang`), else the request's; a pure function of the URL."""
    asked = request.args.get("lang", "")
    language = asked if asked in current_app.config["QWIR_LOCALES"] else str(get_locale())
    with force_locale(language):
        source = card_source()
        versioned = request.args.get("v") == source.version
        if source.version in request.if_none_match:
            return _png(b"", source.version, versioned)
        return _png(share_cards.card_png(source), source.version, versioned)


@bp.get("/share/spotlights/<slug>.png")
def spotlight_image(slug: str):
    """The spotlight's 1200x630 share card."""
    return _card_response(partial(share_cards.spotlight_source, slug))


@bp.get("/share/planets/<slug>.png")
def planet_image(slug: str):
    """The planet's 1200x630 share card."""
    return _card_response(lambda: share_cards.planet_source(spotlights.planet_tag(slug)))


@bp.get("/share/site.png")
def site_image():
    """The feed's share card."""
    return _card_response(share_cards.site_source)


@bp.get("/share/neutral.png")
def neutral_image():
    """The card every page shares while discreet mode is on."""
    return _card_response(share_cards.neutral_source)


@bp.get(f"/share/titles/<any(movie, tv):media_type>/<{ROW_ID}:tmdb_id>.png")
def title_image(media_type: str, tmdb_id: int):
    """A demo title's poster as PNG (link previews cannot show SVG); 404 for live titles or without one."""
    view = widgets.title_details(media_type, tmdb_id, share_cards.VISITOR, region=_region())
    path = view.item.poster_path
    if not share_cards.from_sandbox(view.item) or not path or view.withheld:
        abort(404)
    etag = hashlib.sha256(f"{share_cards.DESIGN}|{path}".encode()).hexdigest()[:20]
    key = f"share-poster:{etag}"
    body = cache.get(key)
    if body is None:
        body = _poster_png(path)
        cache.set(key, body, timeout=share_cards.CARD_CACHE_SECONDS)
    return _png(body, etag, versioned=True)


def _poster_png(path: str) -> bytes:
    try:
        image = render_poster_png(path, 500)
    except (UnknownImageError, ValueError):
        abort(404)
    output = io.BytesIO()
    image.save(output, format="PNG", compress_level=PNG_COMPRESSION)
    return output.getvalue()


# ---------------------------------------------------------------- oEmbed and the embed page


def _whole(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    number = whole_number(raw, low=1, high=10_000)
    if number is None:
        raise widgets.BadQuery(f"{name} must be a whole number of pixels.")
    return number


def _slug_for_page(url: str) -> str:
    """The spotlight a page URL of ours shows: a spotlight or embed page, or a planet's film spotlight."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != public_base_url():
        raise widgets.NotFound("Only Qwir's own spotlight and planet pages have an embed.")
    try:
        endpoint, args = current_app.url_map.bind("qwir").match(parts.path, method="GET")
    except HTTPException:
        raise widgets.NotFound("No spotlight or planet at that address.") from None
    if endpoint not in OEMBED_PAGES:
        raise widgets.NotFound("Only spotlight and planet pages have an embed.")
    if endpoint == "pages.planet":
        return spotlights.planet_tag(args["slug"]).list_slug("movie")
    return args["slug"]


@bp.get("/oembed")
def oembed():
    """oEmbed (JSON, type rich) for spotlight and planet pages: an iframe of the embed page."""
    if request.args.get("format", "json") != "json":
        abort(501)
    slug = _slug_for_page(request.args.get("url", "").strip())
    found = spotlights.stored_spotlight(slug, share_cards.VISITOR, size=1)
    width = min(_whole("maxwidth") or OEMBED_SIZE[0], OEMBED_SIZE[0])
    height = min(_whole("maxheight") or OEMBED_SIZE[1], OEMBED_SIZE[1])
    image = public_url_for("sharing.spotlight_image", slug=slug, lang=str(get_locale()))
    html = render_template("embed/_iframe.html", spotlight=found, width=width, height=height)
    response = jsonify({
        "version": "1.0", "type": "rich", "title": found.title,
        "provider_name": "Qwir", "provider_url": public_base_url() + "/",
        "html": html.strip(), "width": width, "height": height, "cache_age": 3600,
        "thumbnail_url": image, "thumbnail_width": WIDTH, "thumbnail_height": HEIGHT,
    })
    response.vary.add("Accept-Language")
    return response


@bp.get("/embed/spotlights/<slug>")
def embed_spotlight(slug: str):
    """The spotlight for an iframe on a host page: no script, links open Qwir in a new tab."""
    found = spotlights.stored_spotlight(slug, load_preferences(), size=WHOLE_LIST)
    render = partial(render_template, "embed/spotlight.html", spotlight=found)
    response = conditional(f"{found.etag}-embed-{get_locale()}", render)
    return allow_framing(member_response(response))


# ---------------------------------------------------------------- discovery files


@bp.get("/sitemap.xml")
def sitemap():
    """Planets, spotlights and stored titles, each in every interface language."""
    body = render_template("sharing/sitemap.xml", pages=spotlights.sitemap_pages(),
                           locales=current_app.config["QWIR_LOCALES"])
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """Crawlers: everything public, not the admin or the API; where the sitemap is."""
    body = render_template("sharing/robots.txt", sitemap=public_url_for("sharing.sitemap"))
    return Response(body, mimetype="text/plain")

