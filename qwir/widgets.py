"""The read side for members: feed, carousels, random picks, teaser, planets and titles, safety-filtered.

Everything here reads SQL only (never TMDb). Each result carries an `etag` built from what its
output depends on: the lists' generation times, curator overrides and the member's preferences.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from qwir import discretion
from qwir.content_notes import ContentNote, in_panel_order, title_notes
from qwir.extensions import db
from qwir.i18n import locale_and_region, member_region
from qwir.localized import genre_label, spotlight_title
from qwir.models import IdentityTag, ListOverride, MediaItem, MediaList, MediaListItem, SyncAudit
from qwir.preferences import Preferences
from qwir.tmdb import maturity
from qwir.tmdb.normalize import web_link
from qwir.validation import whole_number

try:  # The write side's job queue; the read side still renders (without queueing) when it is absent.
    from qwir.tasks import SyncAlreadyRunning, queue_sync
except ImportError:  # pragma: no cover - only while the job queue is not installed
    queue_sync = None
    SyncAlreadyRunning = RuntimeError

log = logging.getLogger(__name__)

CAROUSEL_SIZE = 12
TEASER_SIZE = 12
FAILED_SYNC_COOLDOWN = dt.timedelta(minutes=1)
POSTER_WIDTHS = (185, 342, 500)
LIVE_IMAGE_BASE_URL = "https://image.tmdb.org/t/p/"
SANDBOX_IMAGE_BASE_URL = "/sandbox/t/p/"
LIST_SLUG = re.compile(r"^(?P<tag>[a-z0-9-]+?)-(?P<kind>series-spotlight|spotlight)-(?P<id>\d+)$")
FORMAT_NAMES = {"movie": lazy_gettext("Films"), "tv": lazy_gettext("Series")}


class NotFound(LookupError):
    """No such list, planet or title (or one the member can never see, such as an adult title)."""


class BadQuery(ValueError):
    """A query parameter that does not parse; the message says which and why."""


# ---------------------------------------------------------------- images and safety


@dataclass(frozen=True)
class PosterSources:
    src: str
    srcset: str


def image_base_url(live: bool) -> str:
    """TMDb's secure image host in live mode, the sandbox's generated posters otherwise."""
    return LIVE_IMAGE_BASE_URL if live else SANDBOX_IMAGE_BASE_URL


def item_poster_sources(item: MediaItem, fallback_base_url: str) -> PosterSources | None:
    """Posters from the image host stored with the item at its sync; older rows, and titles read
    from TMDb on demand (which carry no stored host), use the fallback."""
    return poster_sources(item.poster_path, getattr(item, "image_base_url", None) or fallback_base_url)


def poster_sources(poster_path: str | None, base_url: str) -> PosterSources | None:
    """A w342 `src` and a `srcset` over TMDb's w185/w342/w500 poster sizes; None without a poster."""
    if not poster_path:
        return None
    srcset = ", ".join(f"{base_url}w{width}{poster_path} {width}w" for width in POSTER_WIDTHS)
    return PosterSources(src=f"{base_url}w342{poster_path}", srcset=srcset)


@dataclass(frozen=True)
class ShownRating:
    """The rating a member goes by: their country's, else the US one; `age` None when unknown."""

    country: str
    rating: str
    age: int | None


def shown_rating(item: MediaItem, region: str) -> ShownRating | None:
    """The title's rating for a member in `region`; rows stored before every country was kept
    fall back to their one stored certification."""
    ratings = item.ratings or {}
    if not ratings and item.certification:
        country = item.certification_region or maturity.FALLBACK_COUNTRY
        ratings = {country: {"rating": item.certification,
                             "age": maturity.age_of(country, item.certification)}}
    found = maturity.rating_for_region(ratings, region)
    if found is None:
        return None
    country, rating = found
    return ShownRating(country, rating["rating"], rating.get("age"))


def rating_allowed(item: MediaItem, preferences: Preferences, region: str) -> bool:
    rating = shown_rating(item, region)
    return preferences.age_allowed(rating.age if rating else None)


def is_visible(item: MediaItem, preferences: Preferences, region: str) -> bool:
    """Adult titles never; otherwise within the member's maturity cap and clear of avoided content notes."""
    if item.adult:
        return False
    if not rating_allowed(item, preferences, region):
        return False
    return preferences.allows_notes(title_notes(item))


def visible_items(items: Iterable[MediaItem], preferences: Preferences) -> list[MediaItem]:
    """The items this request's member may see, judged by the ratings of their region."""
    region = member_region()
    return [item for item in items if is_visible(item, preferences, region)]


def _etag(*parts: object) -> str:
    """Every ETag also names the interface language and the region: both change what is shown."""
    parts = (*parts, locale_and_region())
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]


# ---------------------------------------------------------------- lists


def _list_by_slug(slug: str) -> MediaList | None:
    return db.session.scalar(
        select(MediaList).where(MediaList.slug == slug).options(joinedload(MediaList.tag))
    )


def _items_by_list(lists: Sequence[MediaList]) -> dict[int, list[MediaItem]]:
    """Each list's items in position order, without those a curator hid: three queries for any number."""
    ids = [media_list.id for media_list in lists]
    hidden = {
        tuple(row)
        for row in db.session.execute(
            select(ListOverride.list_id, ListOverride.media_item_id).where(
                ListOverride.list_id.in_(ids), ListOverride.hidden.is_(True)
            )
        )
    }
    entries = db.session.scalars(
        select(MediaListItem)
        .where(MediaListItem.list_id.in_(ids))
        .options(selectinload(MediaListItem.item))
        .order_by(MediaListItem.list_id, MediaListItem.position)
    )
    found: dict[int, list[MediaItem]] = {list_id: [] for list_id in ids}
    for entry in entries:
        if (entry.list_id, entry.media_item_id) not in hidden:
            found[entry.list_id].append(entry.item)
    return found


def _list_items(media_list: MediaList) -> list[MediaItem]:
    return _items_by_list([media_list])[media_list.id]


def _list_versions(lists: Sequence[MediaList]) -> list[str]:
    """What each list's rendering depends on: its revision (bumped by syncs and curator overrides)."""
    return sorted(f"{media_list.id}:{media_list.revision}:{media_list.generated_at}" for media_list in lists)


def _tag_for_list_slug(slug: str) -> tuple[IdentityTag, str] | None:
    """The tag and media type a spotlight slug names, whether or not the list exists yet."""
    match = LIST_SLUG.match(slug)
    tag_id = whole_number(match["id"], low=1) if match else None
    if tag_id is None:
        return None
    tag = db.session.get(IdentityTag, tag_id)
    media_type = "tv" if match["kind"] == "series-spotlight" else "movie"
    if tag is None or tag.list_slug(media_type) != slug or media_type not in (tag.media_types or []):
        return None
    return tag, media_type


def _request_sync(tag: IdentityTag, media_type: str) -> None:
    """Queue a sync for a list members are waiting for, unless one runs or just failed."""
    if queue_sync is None or _recently_failed(tag, media_type):
        return
    try:
        # In the background: a member's read never waits on TMDb (the job runs on a worker).
        queue_sync(tag, media_type=media_type, trigger="fragment", background=True)
    except SyncAlreadyRunning:
        return
    except Exception:
        # A broker that cannot be reached: the audit row says so, and the member keeps the
        # "being prepared" state rather than an error page.
        db.session.rollback()
        log.warning("first sync of %s (%s) could not be queued", tag.slug, media_type, exc_info=True)


def _recently_failed(tag: IdentityTag, media_type: str) -> bool:
    since = dt.datetime.now(dt.UTC) - FAILED_SYNC_COOLDOWN
    failed = db.session.scalar(
        select(func.count(SyncAudit.id)).where(
            SyncAudit.tag_id == tag.id,
            SyncAudit.media_type == media_type,
            SyncAudit.status == "failed",
            SyncAudit.finished_at >= since,
        )
    )
    return bool(failed)


def _list_or_pending(slug: str) -> MediaList | tuple[IdentityTag, str]:
    """The stored list; else, for a known tag, queue its first sync and report it as pending.

    `slug` is the list's own slug or its opaque id (`c3`, `c3-series`), used while discreet.
    """
    slug = discretion.list_slug_from_opaque(slug) or slug
    media_list = _list_by_slug(slug)
    if media_list is not None:
        return media_list
    owner = _tag_for_list_slug(slug)
    if owner is None:
        raise NotFound(gettext("No spotlight list called %(slug)s.", slug=repr(slug)))
    _request_sync(*owner)
    return _list_by_slug(slug) or owner


# ---------------------------------------------------------------- carousels and random picks


@dataclass
class Carousel:
    """A spotlight's first visible titles, or a pending state while its first sync runs.

    The titles load on first use, so a request answered from its ETag or from a cached
    rendering costs one query.
    """

    slug: str
    title: str
    tag: IdentityTag
    media_type: str
    generated_at: dt.datetime | None = None
    etag: str | None = None
    source: MediaList | None = field(default=None, repr=False)
    preferences: Preferences | None = field(default=None, repr=False)
    size: int = CAROUSEL_SIZE

    @property
    def pending(self) -> bool:
        return self.source is None

    @property
    def format_name(self) -> str:
        return str(FORMAT_NAMES[self.media_type])

    @cached_property
    def _selection(self) -> tuple[list[MediaItem], int]:
        if self.source is None or self.preferences is None:
            return [], 0
        items = _list_items(self.source)
        shown = visible_items(items, self.preferences)
        return shown[: self.size], len(items) - len(shown)

    @property
    def items(self) -> list[MediaItem]:
        return self._selection[0]

    @property
    def filtered_out(self) -> int:
        """How many of the list's titles the member's preferences leave out."""
        return self._selection[1]

    @property
    def single_title(self) -> bool:
        """A surprise pick needs a choice: with one title there is nothing to surprise anyone with."""
        return len(self.items) == 1


def carousel(slug: str, preferences: Preferences, *, size: int = CAROUSEL_SIZE) -> Carousel:
    """The first `size` titles of a spotlight the member may see, filling up from later entries."""
    found = _list_or_pending(slug)
    if not isinstance(found, MediaList):
        tag, media_type = found
        return Carousel(slug, spotlight_title(tag, media_type), tag, media_type)
    return Carousel(
        slug=slug,
        title=spotlight_title(found.tag, found.media_type),
        tag=found.tag,
        media_type=found.media_type,
        generated_at=found.generated_at,
        etag=_etag(
            "carousel", slug, _list_versions([found]), found.tag.updated_at, preferences.fingerprint(), size
        ),
        source=found,
        preferences=preferences,
        size=size,
    )


@dataclass
class RandomPick:
    slug: str
    carousel: Carousel
    item: MediaItem | None


def random_pick(
    slug: str, preferences: Preferences, *, exclude: int | None = None, rng: random.Random | None = None
) -> RandomPick:
    """One visible title of the spotlight at random, other than `exclude` when there is a choice."""
    found = carousel(slug, preferences, size=10_000)
    choices = [item for item in found.items if item.tmdb_id != exclude] or found.items
    item = (rng or random).choice(choices) if choices else None
    return RandomPick(slug, found, item)


# ---------------------------------------------------------------- feed and teaser


@dataclass
class FeedShelf:
    slug: str
    title: str
    media_type: str
    tag: IdentityTag | None = field(default=None, repr=False)


@dataclass
class FeedSection:
    tag: IdentityTag
    shelves: list[FeedShelf]


@dataclass
class HeldBack:
    """A stored spotlight the feed leaves out because it holds too few titles to feature."""

    media_list: MediaList
    size: int
    minimum: int


def _featured_tags() -> Sequence[IdentityTag]:
    return db.session.scalars(
        select(IdentityTag)
        .where(IdentityTag.featured.is_(True))
        .options(selectinload(IdentityTag.lists))
        .order_by(IdentityTag.feature_position, IdentityTag.name)
    ).all()


def _shelves(tag: IdentityTag, held_back: frozenset[int] = frozenset()) -> list[FeedShelf]:
    """The movie spotlight always (pending until synced); the series one where a list exists.

    Lists in `held_back` (stored, but too thin to feature) are left out.
    """
    stored = {media_list.media_type: media_list for media_list in tag.lists}
    shelves = []
    for media_type in ("movie", "tv"):
        media_list = stored.get(media_type)
        wanted = media_type == "movie" and media_type in (tag.media_types or [])
        if media_list is not None and media_list.id in held_back:
            continue
        if media_list is not None or wanted:
            title = spotlight_title(tag, media_type)
            shelves.append(FeedShelf(tag.list_slug(media_type), title, media_type, tag))
    return shelves


def _list_sizes(list_ids: Sequence[int]) -> dict[int, int]:
    """How many titles each list shows before member filters: its entries less those hidden."""
    entries = dict(
        db.session.execute(
            select(MediaListItem.list_id, func.count())
            .where(MediaListItem.list_id.in_(list_ids))
            .group_by(MediaListItem.list_id)
        ).all()
    )
    hidden = dict(
        db.session.execute(
            select(ListOverride.list_id, func.count())
            .where(ListOverride.list_id.in_(list_ids), ListOverride.hidden.is_(True))
            .group_by(ListOverride.list_id)
        ).all()
    )
    return {list_id: entries.get(list_id, 0) - hidden.get(list_id, 0) for list_id in list_ids}


def held_back_spotlights(minimum: int, tags: Sequence[IdentityTag] | None = None) -> list[HeldBack]:
    """Stored spotlights of featured tags with fewer than `minimum` titles, which the feed skips."""
    tags = _featured_tags() if tags is None else tags
    lists = [media_list for tag in tags for media_list in tag.lists]
    sizes = _list_sizes([media_list.id for media_list in lists])
    return [
        HeldBack(media_list, sizes[media_list.id], minimum)
        for media_list in lists
        if sizes[media_list.id] < minimum
    ]


def feed_sections(min_titles: int = 0) -> list[FeedSection]:
    """One section per featured identity tag, in feature order, with the spotlights worth featuring."""
    tags = _featured_tags()
    held_back = frozenset(held.media_list.id for held in held_back_spotlights(min_titles, tags))
    sections = [FeedSection(tag, _shelves(tag, held_back)) for tag in tags]
    return [section for section in sections if section.shelves]


@dataclass
class Teaser:
    """A poster wall drawn in turn from every featured spotlight, so each identity shows.

    The posters load on first use: a revalidation or a cached rendering needs only the lists.
    """

    lists: list[MediaList]
    preferences: Preferences = field(repr=False)
    size: int = TEASER_SIZE

    @property
    def etag(self) -> str:
        return _etag("teaser", _list_versions(self.lists), self.preferences.fingerprint(), self.size)

    @cached_property
    def items(self) -> list[MediaItem]:
        stored = _items_by_list(self.lists)
        columns = [visible_items(stored[media_list.id], self.preferences) for media_list in self.lists]
        chosen: dict[int, MediaItem] = {}
        for row in range(max((len(column) for column in columns), default=0)):
            for column in columns:
                if row < len(column) and len(chosen) < self.size:
                    chosen.setdefault(column[row].id, column[row])
        return list(chosen.values())


def teaser(preferences: Preferences, *, size: int = TEASER_SIZE) -> Teaser:
    """The teaser of every featured spotlight, for the member's preferences."""
    lists = [media_list for tag in _featured_tags() for media_list in tag.lists]
    return Teaser(lists, preferences, size)


# ---------------------------------------------------------------- planets


@dataclass
class Facet:
    value: object
    label: str
    count: int


@dataclass
class Planet:
    """A planet's curated top: its spotlights once, then genre rails that repeat none of their titles.

    The browse section below it answers from TMDb (qwir.browse), not from here.
    """

    tag: IdentityTag
    spotlight_slugs: list[FeedShelf]
    items: list[MediaItem]  # the spotlights' titles the member may see, films and series interleaved
    formats: list[Facet]
    genre_shelves: list[tuple[str, list[MediaItem]]]
    generated_at: dt.datetime | None
    etag: str


def _tag_by_slug(slug: str) -> IdentityTag:
    """The tag a planet URL names, by its slug or by its opaque id (`c3`), used while discreet."""
    opaque = discretion.tag_from_opaque(slug)
    if opaque is not None:
        return opaque
    tag = db.session.scalar(
        select(IdentityTag).where(IdentityTag.slug == slug).options(selectinload(IdentityTag.lists))
    )
    if tag is None:
        raise NotFound(gettext("No planet called %(slug)s.", slug=repr(slug)))
    return tag


def _planet_pool(tag: IdentityTag, preferences: Preferences) -> tuple[list[MediaItem], set[int]]:
    """Films and series of the tag's spotlights interleaved by position, filtered for the member,
    and the ids of those the spotlight rails themselves show (their first CAROUSEL_SIZE)."""
    ranked: list[tuple[int, str, MediaItem]] = []
    in_spotlights: set[int] = set()
    items = _items_by_list(tag.lists)
    for media_list in tag.lists:
        visible = visible_items(items[media_list.id], preferences)
        in_spotlights.update(item.id for item in visible[:CAROUSEL_SIZE])
        ranked.extend((position, media_list.media_type, item) for position, item in enumerate(visible))
    ranked.sort(key=lambda entry: entry[:2])
    return [item for _, _, item in ranked], in_spotlights


def _genre_facets(items: list[MediaItem]) -> list[Facet]:
    """Genres by how many titles carry them, named from TMDb's genre list in the member's language."""
    genres = {genre["id"]: genre for item in items for genre in item.genres or [] if "id" in genre}
    counts = Counter(genre["id"] for item in items for genre in item.genres or [] if "id" in genre)
    named = {genre_id: str(genre_label(genre)) for genre_id, genre in genres.items()}
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], named[pair[0]]))
    return [Facet(genre_id, named[genre_id], count) for genre_id, count in ranked]


def _format_facets(items: list[MediaItem]) -> list[Facet]:
    counts = Counter(item.media_type for item in items)
    return [Facet(kind, str(FORMAT_NAMES[kind]), counts[kind]) for kind in ("movie", "tv") if counts[kind]]


def _genre_shelves(items: list[MediaItem], genres: list[Facet], shown: set[int], count: int = 3,
                   size: int = 8) -> list[tuple[str, list[MediaItem]]]:
    """Up to `count` genre rails of titles not already on screen (spotlights or an earlier rail)."""
    shown = set(shown)
    shelves = []
    for facet in genres:
        members = [
            item for item in items
            if item.id not in shown and facet.value in {g.get("id") for g in item.genres or []}
        ][:size]
        if len(members) < 2:
            continue
        shown.update(item.id for item in members)
        shelves.append((facet.label, members))
        if len(shelves) == count:
            break
    return shelves


def planet(slug: str, preferences: Preferences) -> Planet:
    """A planet's hero facts, its spotlights and its genre rails."""
    tag = _tag_by_slug(slug)
    pool, in_spotlights = _planet_pool(tag, preferences)
    versions = _list_versions(tag.lists)
    generated = [media_list.generated_at for media_list in tag.lists if media_list.generated_at]
    return Planet(
        tag=tag,
        spotlight_slugs=_shelves(tag),
        items=pool,
        formats=_format_facets(pool),
        genre_shelves=_genre_shelves(pool, _genre_facets(pool), in_spotlights),
        generated_at=max(generated, default=None),
        etag=_etag("planet", slug, tag.id, tag.updated_at, versions, preferences.fingerprint()),
    )


# ---------------------------------------------------------------- titles


@dataclass
class TitleView:
    item: MediaItem
    tags: list[IdentityTag]
    region: str
    rating: ShownRating | None
    providers: dict
    notes: list[ContentNote]
    avoided_topics: list[ContentNote]
    above_cap: bool
    etag: str
    shown_once: bool = False

    @property
    def withheld(self) -> bool:
        """True when the member's preferences keep this title's poster and details out of sight,
        unless they asked to see it this once."""
        return (bool(self.avoided_topics) or self.above_cap) and not self.shown_once

    @property
    def note_text(self) -> str:
        return self.item.curated_notes.text if self.item.curated_notes else ""

    @property
    def tmdb_url(self) -> str:
        return f"https://www.themoviedb.org/{self.item.media_type}/{self.item.tmdb_id}"

    @property
    def imdb_url(self) -> str | None:
        return f"https://www.imdb.com/title/{self.item.imdb_id}/" if self.item.imdb_id else None


def title_details(
    media_type: str, tmdb_id: int, preferences: Preferences, *, region: str, show_once: bool = False
) -> TitleView:
    """One title with its tags, notes and where to watch it in `region`; adult titles do not exist here.

    `show_once` shows a title the preferences withhold, for this one answer: never remembered.
    """
    item = db.session.scalar(
        select(MediaItem)
        .where(MediaItem.media_type == media_type, MediaItem.tmdb_id == tmdb_id)
        .options(selectinload(MediaItem.tags))
    )
    if item is None or item.adult:
        raise NotFound(gettext("No title with TMDb id %(id)d.", id=tmdb_id))
    providers = (item.providers or {}).get(region) or {}
    if providers:
        # Rows stored before links were checked at sync time may still hold a javascript: link.
        providers = {**providers, "link": web_link(providers.get("link"))}
    notes = title_notes(item)
    curated_at = item.curated_notes.updated_at if item.curated_notes else None
    rating = shown_rating(item, region)
    return TitleView(
        item=item,
        tags=sorted(item.tags, key=lambda tag: tag.name),
        region=region,
        rating=rating,
        providers=providers,
        notes=in_panel_order(notes),
        avoided_topics=in_panel_order(notes & preferences.avoid_topics),
        above_cap=not preferences.age_allowed(rating.age if rating else None),
        etag=_etag(
            "title", item.id, item.fetched_at, curated_at, region, preferences.fingerprint(), show_once
        ),
        shown_once=show_once,
    )
