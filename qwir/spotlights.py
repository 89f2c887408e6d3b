"""The read side of sharing: a spotlight's feed entries (newest additions first) and the sitemap's pages.

SQL only, like widgets.py; the spotlight itself is widgets.carousel() with no size limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from qwir import discretion, widgets
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem, MediaList, MediaListItem
from qwir.preferences import Preferences
from qwir.widgets import Carousel

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def stored_spotlight(slug: str, preferences: Preferences, *, size: int) -> Carousel:
    """A spotlight that has been synced; NotFound otherwise, without queueing a first sync.

    Feeds, embeds, oEmbed and share cards are fetched by machines: they must not start syncs.
    """
    stored_slug = discretion.list_slug_from_opaque(slug) or slug
    if db.session.scalar(select(MediaList.id).where(MediaList.slug == stored_slug)) is None:
        raise widgets.NotFound(f"No spotlight list called {slug!r} yet.")
    return widgets.carousel(slug, preferences, size=size)


def planet_tag(slug: str) -> IdentityTag:
    """The identity tag of a planet (NotFound without one)."""
    tag = db.session.scalar(select(IdentityTag).where(IdentityTag.slug == slug))
    if tag is None:
        raise widgets.NotFound(f"No planet called {slug!r}.")
    return tag


@dataclass(frozen=True)
class FeedEntry:
    item: MediaItem
    position: int  # 1-based place in the curated order
    added_at: dt.datetime


def _aware(moment: dt.datetime | None) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None:
        return EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def feed_entries(spotlight: Carousel) -> list[FeedEntry]:
    """The spotlight's visible titles, the most recently added first, then in curated order."""
    if spotlight.source is None:
        return []
    added = dict(db.session.execute(
        select(MediaListItem.media_item_id, MediaListItem.added_at)
        .where(MediaListItem.list_id == spotlight.source.id)
    ).all())
    entries = [FeedEntry(item, position, _aware(added.get(item.id)))
               for position, item in enumerate(spotlight.items, start=1)]
    return sorted(entries, key=lambda entry: (-entry.added_at.timestamp(), entry.position))


def feed_updated(spotlight: Carousel, entries: list[FeedEntry]) -> dt.datetime:
    """The feed changed when the list was last generated or a title last joined it."""
    return max([_aware(spotlight.generated_at), *(entry.added_at for entry in entries)])


def atom_date(moment: dt.datetime | None) -> str:
    """RFC 3339 in UTC, as Atom wants it."""
    return _aware(moment).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SitemapPages:
    planets: list[IdentityTag]
    spotlights: list[MediaList]
    titles: list[tuple[str, int, dt.datetime | None]]  # media type, TMDb id, last fetched


def sitemap_pages() -> SitemapPages:
    """Every planet with a stored list, every stored list and every stored title that is not adult."""
    spotlights = db.session.scalars(select(MediaList).order_by(MediaList.slug)).all()
    planets = db.session.scalars(
        select(IdentityTag).where(IdentityTag.id.in_({media_list.tag_id for media_list in spotlights}))
        .order_by(IdentityTag.slug)
    ).all()
    titles = db.session.execute(
        select(MediaItem.media_type, MediaItem.tmdb_id, MediaItem.fetched_at)
        .where(MediaItem.adult.is_(False))
        .order_by(MediaItem.media_type, MediaItem.tmdb_id)
    ).all()
    return SitemapPages(list(planets), list(spotlights), [tuple(row) for row in titles])
