"""Spotlight health: what a tag's keywords resolved to, how full and how distinct its lists are, how old.

Read from SQL only (a health check never asks TMDb): the last resolution and the last sync of each
list hold everything. Each finding that needs a curator's eye becomes a `HealthWarning`, shown on the
admin page, in the API and by `flask qwir bootstrap` / `sync`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem, MediaList, MediaListItem, utcnow

# TMDb's terms allow caching its data for six months; warn a month before.
TMDB_RETENTION = dt.timedelta(days=182)
AGE_WARNING = dt.timedelta(days=150)
THIN_SHARE = 0.5  # a list with fewer titles than half its target is thin
HEAVY_OVERLAP_SHARE = 0.5  # sharing half a list's titles with another spotlight is heavy
MIN_OVERLAP_TITLES = 3


@dataclass(frozen=True)
class HealthWarning:
    """One finding for curators: a stable `code` for scripts and a sentence for people."""

    code: str
    message: str


@dataclass(frozen=True)
class KeywordStatus:
    name: str
    ids: list[int] | None  # None: never resolved yet; []: TMDb has no keyword by that name

    @property
    def found(self) -> bool:
        return bool(self.ids)


@dataclass(frozen=True)
class Overlap:
    list_slug: str
    tag_name: str
    shared: int


@dataclass(frozen=True)
class ListHealth:
    media_type: str
    slug: str
    size: int
    target: int
    generated_at: dt.datetime | None
    oldest_data_at: dt.datetime | None
    overlaps: list[Overlap]
    heads_also: list[str]  # other spotlights whose first title is this list's first title
    excluded: list[dict]
    kept: list[int]
    missing_titles: list[str]  # titles TMDb answered 404 for at their last refresh

    @property
    def data_age(self) -> dt.timedelta | None:
        return utcnow() - _aware(self.oldest_data_at) if self.oldest_data_at else None


@dataclass(frozen=True)
class SpotlightHealth:
    tag: IdentityTag
    keywords: list[KeywordStatus]
    lists: list[ListHealth]
    warnings: list[HealthWarning] = field(default_factory=list)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive values; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def spotlight_health(tag: IdentityTag) -> SpotlightHealth:
    """Everything the health page shows for one tag, with its warnings."""
    memberships = _list_memberships()
    keywords = _keyword_statuses(tag)
    lists = [_list_health(media_list, memberships) for media_list in _lists_of(tag)]
    warnings = _keyword_warnings(keywords) + [w for health in lists for w in _list_warnings(health)]
    warnings += _missing_list_warnings(tag, lists)
    return SpotlightHealth(tag=tag, keywords=keywords, lists=lists, warnings=warnings)


def all_warnings(tags: list[IdentityTag]) -> list[tuple[IdentityTag, HealthWarning]]:
    """Every tag's warnings, for the command line."""
    return [(tag, warning) for tag in tags for warning in spotlight_health(tag).warnings]


# ------------------------------------------------------------------ keywords


def _keyword_statuses(tag: IdentityTag) -> list[KeywordStatus]:
    matches = tag.keyword_matches or {}
    return [KeywordStatus(name, matches.get(name) if tag.keywords_resolved_at else None)
            for name in tag.keyword_names or []]


def _keyword_warnings(keywords: list[KeywordStatus]) -> list[HealthWarning]:
    return [HealthWarning("keyword-not-found",
                          _("The keyword name “%(name)s” matches no TMDb keyword.", name=status.name))
            for status in keywords if status.ids == []]


# ------------------------------------------------------------------ lists


def _lists_of(tag: IdentityTag) -> list[MediaList]:
    query = select(MediaList).where(MediaList.tag_id == tag.id).order_by(MediaList.media_type)
    return [media_list for media_list in db.session.scalars(query)
            if media_list.media_type in (tag.media_types or [])]


@dataclass
class _Memberships:
    items_by_list: dict[int, list[int]]  # list id -> item ids in order
    lists: dict[int, MediaList]


def _list_memberships() -> _Memberships:
    """Every stored list's items in order, in one query (overlaps compare each list with all others)."""
    rows = db.session.execute(
        select(MediaListItem.list_id, MediaListItem.media_item_id).order_by(MediaListItem.list_id,
                                                                            MediaListItem.position)
    ).all()
    items: dict[int, list[int]] = defaultdict(list)
    for list_id, item_id in rows:
        items[list_id].append(item_id)
    lists = {media_list.id: media_list for media_list in db.session.scalars(select(MediaList))}
    return _Memberships(items, lists)


def _list_health(media_list: MediaList, memberships: _Memberships) -> ListHealth:
    own = memberships.items_by_list.get(media_list.id, [])
    overlaps, heads = [], []
    for other_id, other_items in memberships.items_by_list.items():
        other = memberships.lists[other_id]
        if other_id == media_list.id or other.media_type != media_list.media_type:
            continue
        shared = len(set(own) & set(other_items))
        if shared:
            overlaps.append(Overlap(other.slug, other.tag.name, shared))
        if own and other_items and own[0] == other_items[0]:
            heads.append(other.tag.name)
    oldest = None
    if own:
        oldest = db.session.scalar(select(func.min(MediaItem.fetched_at)).where(MediaItem.id.in_(own)))
    return ListHealth(
        media_type=media_list.media_type, slug=media_list.slug, size=len(own),
        target=media_list.target_size or media_list.tag.list_size or 20,
        generated_at=media_list.generated_at, oldest_data_at=oldest,
        overlaps=sorted(overlaps, key=lambda o: -o.shared), heads_also=sorted(heads),
        excluded=list(media_list.excluded_titles or []), kept=list(media_list.kept_tmdb_ids or []),
        missing_titles=[entry.item.title for entry in media_list.entries if entry.item.missing_since],
    )


def _kind(media_type: str) -> str:
    return _("series") if media_type == "tv" else _("films")


def _list_warnings(health: ListHealth) -> list[HealthWarning]:
    kind, warnings = _kind(health.media_type), []
    if health.size < health.target * THIN_SHARE:
        warnings.append(HealthWarning("thin-list", _(
            "The %(kind)s list holds %(size)d of its %(target)d titles.",
            kind=kind, size=health.size, target=health.target)))
    for overlap in health.overlaps:
        if overlap.shared >= MIN_OVERLAP_TITLES and overlap.shared >= health.size * HEAVY_OVERLAP_SHARE:
            warnings.append(HealthWarning("heavy-overlap", _(
                "The %(kind)s list shares %(shared)d of its %(size)d titles with %(other)s.",
                kind=kind, shared=overlap.shared, size=health.size, other=overlap.tag_name)))
    for title in health.missing_titles:
        warnings.append(HealthWarning("gone-from-tmdb", _(
            "TMDb no longer has “%(title)s” (%(kind)s list): unpin or hide it.", title=title, kind=kind)))
    if health.data_age is not None and health.data_age >= AGE_WARNING:
        days_left = max(TMDB_RETENTION.days - health.data_age.days, 0)
        warnings.append(HealthWarning("data-ageing", _(
            "Some %(kind)s data is %(days)d days old: TMDb's six-month limit is %(left)d days away.",
            kind=kind, days=health.data_age.days, left=days_left)))
    return warnings


def _missing_list_warnings(tag: IdentityTag, lists: list[ListHealth]) -> list[HealthWarning]:
    stored = {health.media_type for health in lists}
    return [HealthWarning("never-synced", _("The %(kind)s list has never been generated.", kind=_kind(kind)))
            for kind in tag.media_types or [] if kind not in stored]
