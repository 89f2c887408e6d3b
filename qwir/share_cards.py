"""Which share card a page gets, its version, and the cached PNG: drawn once per list revision and language.

The version names everything the drawing depends on (lists' revisions, the tag's last edit, the
language, the design), so a sync makes a new version, a new cache key and a new ETag.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from PIL import Image

from qwir import spotlights, widgets
from qwir.config import key_prefix
from qwir.extensions import cache
from qwir.models import IdentityTag
from qwir.preferences import Preferences
from qwir.share_images import MAX_POSTERS, CardPoster, ShareCard, draw_share_card
from qwir.singleflight import single_flight_from_url
from qwir.tmdb.images import fetch_image
from qwir.tmdb.sandbox import UnknownImageError
from qwir.tmdb.sandbox.raster import render_poster_png
from qwir.tmdb_wiring import tmdb_source

DESIGN = "2"  # bump when the drawing changes, so every cached card is drawn again
CARD_CACHE_SECONDS = 30 * 24 * 3600
POSTER_CACHE_SECONDS = 7 * 24 * 3600
# Unfurlers never send our cookie, so a card shows what a visitor with default preferences sees.
VISITOR = Preferences()


@dataclass(frozen=True)
class CardSource:
    """What a card shows and the version of it; `card()` gathers the posters only when drawing."""

    version: str
    card: Callable[[], ShareCard]


def _version(*parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, (DESIGN, get_locale(), *parts))).encode())
    return digest.hexdigest()[:20]


def _posters(items) -> tuple[CardPoster, ...]:
    return tuple(CardPoster(item.poster_path, item.title, item.source) for item in items[:MAX_POSTERS])


def from_sandbox(item) -> bool:
    """Whether the item's images are the demo catalog's: stored with it at its sync, else today's mode."""
    # Titles read from TMDb on demand carry no stored source: they come from the configured one.
    return (getattr(item, "source", None) or tmdb_source(current_app.config)) == "sandbox"


def spotlight_source(slug: str) -> CardSource:
    found = spotlights.stored_spotlight(slug, VISITOR, size=MAX_POSTERS)
    tag = found.tag
    return CardSource(
        _version("spotlight", found.etag, tag.updated_at),
        lambda: ShareCard(_("Spotlight"), tag.name, tag.description or found.title, tag.theme,
                          _posters(found.items)),
    )


def planet_source(tag: IdentityTag) -> CardSource:
    """The planet's card; its version needs only the tag and its lists, its posters load when drawing."""
    subtitle = tag.description or _("Films and series in the %(name)s spotlights", name=tag.name)
    lists = sorted(f"{each.id}:{each.revision}:{each.generated_at}" for each in tag.lists)

    def card() -> ShareCard:
        found = widgets.planet(tag.slug, VISITOR)
        return ShareCard(_("Planet"), tag.name, subtitle, tag.theme, _posters(found.items))

    return CardSource(_version("planet", tag.id, tag.updated_at, lists), card)


def site_source() -> CardSource:
    found = widgets.teaser(VISITOR, size=MAX_POSTERS)
    subtitle = _("Film and series spotlights for every one of us")
    return CardSource(
        _version("site", found.etag),
        lambda: ShareCard(_("Spotlights"), "Qwir", subtitle, "default", _posters(found.items)),
    )


def neutral_source() -> CardSource:
    """For discreet mode: no identity word and no posters."""
    return CardSource(
        _version("neutral"),
        lambda: ShareCard(_("Notes"), _("Film notes"), _("Films and series worth watching"), "comet"),
    )


def card_png(source: CardSource) -> bytes:
    """The card's PNG from the shared cache; drawn on first use by one worker while the others wait."""
    key = f"share-card:{source.version}"
    png = cache.get(key)
    if png is not None:
        return png
    with _drawing_locks()(key):
        png = cache.get(key)
        if png is None:
            png = draw_share_card(source.card(), load_poster)
            cache.set(key, png, timeout=CARD_CACHE_SECONDS)
    return png


def _drawing_locks():
    """One lock per card: across every process when Redis is configured, else within this one."""
    extensions = current_app.extensions
    if "share_card_locks" not in extensions:
        config = current_app.config
        extensions["share_card_locks"] = single_flight_from_url(
            config.get("CACHE_REDIS_URL"), prefix=f"{key_prefix(config)}lock:share-card:", wait=10.0
        )
    return extensions["share_card_locks"]


def load_poster(poster: CardPoster) -> Image.Image | None:
    """The demo poster drawn to PNG, or the live one from TMDb's CDN (cached); None if neither."""
    if not poster.poster_path:
        return None
    # The item's own source decides (older rows fall back on the settings): a demo poster stays a
    # demo poster after a switch to a real key.
    if (poster.source or tmdb_source(current_app.config)) == "sandbox":
        try:
            return render_poster_png(poster.poster_path, 156)
        except (UnknownImageError, ValueError):
            return None
    data = _cdn_poster(poster.poster_path)
    if not data:
        return None
    try:
        return Image.open(io.BytesIO(data)).convert("RGB")
    except (OSError, Image.DecompressionBombError):
        return None


def _cdn_poster(poster_path: str) -> bytes | None:
    key = f"tmdb-poster:w185:{poster_path}"
    data = cache.get(key)
    if data is None:
        data = fetch_image(poster_path, "w185")
        if data:
            cache.set(key, data, timeout=POSTER_CACHE_SECONDS)
    return data
