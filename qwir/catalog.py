"""The write side: turn TMDb answers into stored spotlight lists, one short transaction per sync.

All TMDb work (keyword resolution, discover, hydration) happens before the write transaction
opens, so a slow or failing TMDb never holds locks and never touches the stored list. The write
itself locks the tag's row, upserts the items and rewrites the list's positions in one go; a
SyncAudit row, committed on its own, records what happened either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from qwir.extensions import cache, db
from qwir.models import (
    IdentityTag,
    ListOverride,
    MediaItem,
    MediaList,
    MediaListItem,
    SyncAudit,
    TmdbKeyword,
    media_item_tags,
    utcnow,
)
from qwir.tmdb import discovery
from qwir.tmdb.normalize import MediaDetails
from qwir.tmdb.redaction import redact
from qwir.tmdb_wiring import build_tmdb_client, tmdb_source

KEYWORDS_FRESH_FOR = dt.timedelta(days=7)
# A running audit older than this belongs to a process that died: it no longer blocks new syncs.
RUNNING_SYNC_EXPIRES_AFTER = dt.timedelta(minutes=10)
MAX_ERROR_MESSAGE = 500
MAX_TITLE_LENGTH = 300


class SyncAlreadyRunning(Exception):
    """A sync of the same tag and media type is under way; `audit` is its running audit row."""

    def __init__(self, audit: SyncAudit | None) -> None:
        super().__init__("A sync of this list is already running.")
        self.audit = audit


class NoKeywordsResolved(Exception):
    """None of a tag's keyword names matched a TMDb keyword, so there is nothing to discover."""


class NoTitlesFound(Exception):
    """TMDb answered with no titles at all for a list that has some stored; the list is kept."""


@dataclasses.dataclass(frozen=True)
class SyncPlan:
    """Everything a sync needs from SQL, read before the TMDb work starts."""

    tag_id: int
    tag_name: str
    list_slug: str
    media_type: str
    limit: int
    filters: discovery.DiscoverFilters
    region: str
    excluded_tmdb_ids: frozenset[int]  # hidden by a curator: never worth hydrating
    pinned_count: int
    source: str


# Public entry point ----------------------------------------------------------------------------


def generate_media_list_for_identity(tag: IdentityTag, *, limit: int = 20, media_type: str = "movie",
                                     client=None, trigger: str = "manual",
                                     audit: SyncAudit | None = None) -> MediaList:
    """Regenerate `tag`'s spotlight list for one media type from TMDb and return it.

    `audit` is a running audit row made by `start_sync` (the queue does that); without one, this
    call starts its own and raises SyncAlreadyRunning when another sync of the list is running.
    Any failure is recorded on the audit and re-raised; the stored list is then left as it was.
    """
    if media_type not in ("movie", "tv"):
        raise ValueError(f"media_type must be 'movie' or 'tv', got {media_type!r}")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    config = current_app.config
    own_client = client is None
    # The client comes first: settings it refuses must not leave a running audit blocking the list.
    client = client or build_tmdb_client(config, cache=cache)
    try:
        audit = audit or start_sync(tag, media_type=media_type, trigger=trigger)
        return _run_sync(tag, audit, client, limit=limit, media_type=media_type, config=config)
    finally:
        if own_client:
            client.close()


def _run_sync(tag: IdentityTag, audit: SyncAudit, client, *, limit: int, media_type: str,
              config) -> MediaList:
    started, requests_before, audit_id = time.monotonic(), client.request_count, audit.id
    outcome: dict[str, Any] = {"requested_count": limit}
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # /configuration goes out while the keywords resolve and discover runs; only the
            # normalisation of the details waits for it.
            images = pool.submit(discovery.image_config, client)
            keyword_ids = ensure_keyword_ids(tag, client)
            plan = _plan(tag, keyword_ids, limit, media_type, config)
            db.session.commit()  # no transaction stays open while TMDb answers
            collection = _collect(client, plan, images.result)
        _refuse_to_empty_a_stored_list(plan, collection.titles)
        media_list = _store_list(plan, collection.titles)
        outcome.update(stored_count=len(media_list.entries), list_id=media_list.id)
    except Exception as error:
        db.session.rollback()
        _finish_audit(audit_id, "failed", started, client.request_count - requests_before,
                      error=error, secrets=[config.get("TMDB_API_KEY")], **outcome)
        raise
    _finish_audit(audit_id, "succeeded", started, client.request_count - requests_before, **outcome)
    return media_list


def _plan(tag: IdentityTag, keyword_ids: list[int], limit: int, media_type: str, config) -> SyncPlan:
    excluded, pinned = _override_summary(tag.id, media_type)
    filters = discovery.DiscoverFilters(
        with_keywords=tuple(keyword_ids),
        without_keywords=() if tag.include_adult else discovery.EXPLICIT_CONTENT_KEYWORD_IDS,
        include_adult=bool(tag.include_adult),
        language=config.get("TMDB_LANGUAGE"),
        original_language=tag.language or None,
        region=config.get("TMDB_REGION"),
        date_from=tag.date_from,
        date_to=tag.date_to,
        max_certification=tag.max_certification,
    )
    return SyncPlan(tag_id=tag.id, tag_name=tag.name, list_slug=tag.list_slug(media_type),
                    media_type=media_type, limit=limit, filters=filters,
                    region=config.get("TMDB_REGION") or "US", excluded_tmdb_ids=excluded,
                    pinned_count=pinned, source=tmdb_source(config))


def _override_summary(tag_id: int, media_type: str) -> tuple[frozenset[int], int]:
    rows = db.session.execute(
        select(MediaItem.tmdb_id, ListOverride.hidden, ListOverride.pinned_position)
        .join(ListOverride, ListOverride.media_item_id == MediaItem.id)
        .join(MediaList, MediaList.id == ListOverride.list_id)
        .where(MediaList.tag_id == tag_id, MediaList.media_type == media_type)
    ).all()
    hidden = frozenset(tmdb_id for tmdb_id, is_hidden, _ in rows if is_hidden)
    pinned = sum(1 for _, is_hidden, position in rows if not is_hidden and position is not None)
    return hidden, pinned


def _refuse_to_empty_a_stored_list(plan: SyncPlan, titles: Sequence[MediaDetails]) -> None:
    """An answer with no titles at all is more likely a TMDb or keyword problem than the truth."""
    if titles:
        return
    stored = db.session.scalar(
        select(func.count(MediaListItem.id)).join(MediaList, MediaList.id == MediaListItem.list_id)
        .where(MediaList.tag_id == plan.tag_id, MediaList.media_type == plan.media_type)
    )
    if stored:
        raise NoTitlesFound(
            f"TMDb returned no titles for {plan.list_slug}; the {stored} stored titles were kept."
        )


def _collect(client, plan: SyncPlan, images) -> discovery.Found:
    # Pinned titles may also come back from TMDb; asking for that many more keeps the list full.
    return discovery.collect_titles(
        client, plan.media_type, plan.filters, count=plan.limit + plan.pinned_count,
        region=plan.region, images=images, exclude_ids=plan.excluded_tmdb_ids,
    )


# Keywords --------------------------------------------------------------------------------------


def ensure_keyword_ids(tag: IdentityTag, client, *, force: bool = False) -> list[int]:
    """The tag's TMDb keyword ids, re-resolved by name when missing, stale or `force`d; persisted."""
    if not force and tag.keyword_ids and _is_fresh(tag.keywords_resolved_at):
        return list(tag.keyword_ids)
    names = list(tag.keyword_names or [])
    keywords = discovery.resolve_keywords(client, names)
    if not keywords:
        raise NoKeywordsResolved(
            f"None of the keyword names of {tag.name!r} ({', '.join(names) or 'none given'}) "
            "matched a TMDb keyword."
        )
    now = utcnow()
    _upsert_keywords(keywords, now)
    tag.keyword_ids = [k.id for k in keywords]
    tag.keywords_resolved_at = now
    db.session.commit()
    return list(tag.keyword_ids)


def _is_fresh(resolved_at: dt.datetime | None) -> bool:
    if resolved_at is None:
        return False
    if resolved_at.tzinfo is None:  # SQLite hands back naive values; they were stored as UTC
        resolved_at = resolved_at.replace(tzinfo=dt.UTC)
    return utcnow() - resolved_at < KEYWORDS_FRESH_FOR


def _upsert_keywords(keywords: Iterable[discovery.Keyword], now: dt.datetime) -> None:
    rows = [{"tmdb_id": k.id, "name": k.name[:200], "resolved_at": now}
            for k in sorted(keywords, key=lambda k: k.id)]
    upsert = _upsert(_dialect(), TmdbKeyword.__table__, ("tmdb_id",), ("name", "resolved_at"))
    db.session.execute(upsert, rows)


# The write transaction -------------------------------------------------------------------------


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _insert(model):
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite both do)."""
    return (postgresql.insert if _dialect() == "postgresql" else sqlite.insert)(model)


@functools.cache
def _upsert(dialect: str, table, keys: tuple[str, ...], refreshed: tuple[str, ...]):
    """INSERT .. ON CONFLICT (keys) DO UPDATE (or NOTHING), built once per process and run with
    many parameter sets: SQLAlchemy then reuses its compiled form instead of compiling 20 rows anew."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    if not refreshed:
        return statement.on_conflict_do_nothing()
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in refreshed}
    )


def _lock_tag(tag_id: int) -> None:
    """Serialise writers of one tag: a row lock on PostgreSQL (SQLite locks the file at the first write)."""
    db.session.execute(select(IdentityTag.id).where(IdentityTag.id == tag_id).with_for_update())


def _store_list(plan: SyncPlan, titles: Sequence[MediaDetails]) -> MediaList:
    """Upsert the items, tag them and rewrite the list, in one transaction."""
    now = utcnow()
    _lock_tag(plan.tag_id)
    item_ids = _upsert_items(plan.media_type, titles, now)
    _tag_items(plan.tag_id, item_ids.values())
    list_id = _upsert_list(plan, now)
    discovered = [item_ids[t.tmdb_id] for t in titles]
    _write_positions(list_id, arrange(discovered, _overrides(list_id), plan.limit))
    db.session.commit()
    return db.session.execute(
        select(MediaList).where(MediaList.id == list_id).execution_options(populate_existing=True)
    ).scalar_one()


def _item_row(details: MediaDetails, now: dt.datetime) -> dict[str, Any]:
    return {
        "media_type": details.media_type,
        "tmdb_id": details.tmdb_id,
        "title": (details.title or "")[:MAX_TITLE_LENGTH],
        "original_title": (details.original_title or None) and details.original_title[:MAX_TITLE_LENGTH],
        "original_language": details.original_language,
        "release_date": details.release_date,
        "year": details.year,
        "runtime": details.runtime,
        "overview": details.overview or "",
        "genres": list(details.genres),
        "keywords": list(details.keywords),
        "poster_path": details.poster_path,
        "backdrop_path": details.backdrop_path,
        "certification": details.certification,
        "certification_region": details.certification_region,
        "providers": {region: dataclasses.asdict(p) for region, p in details.providers.items()},
        "directors": list(details.directors),
        "cast": [dataclasses.asdict(member) for member in details.cast],
        "imdb_id": details.imdb_id,
        "vote_average": details.vote_average,
        "vote_count": details.vote_count,
        "popularity": details.popularity,
        "adult": bool(details.adult),
        "fetched_at": now,
    }


def _upsert_items(media_type: str, titles: Sequence[MediaDetails], now: dt.datetime) -> dict[int, int]:
    """Insert or refresh the items; returns tmdb_id -> media_items.id."""
    if not titles:
        return {}
    # One row per title, in id order: concurrent writers then take row locks in the same order.
    unique = {t.tmdb_id: t for t in titles}
    rows = [_item_row(unique[tmdb_id], now) for tmdb_id in sorted(unique)]
    keys = ("media_type", "tmdb_id")
    refreshed = tuple(name for name in rows[0] if name not in keys)
    db.session.execute(_upsert(_dialect(), MediaItem.__table__, keys, refreshed), rows)
    found = db.session.execute(
        select(MediaItem.tmdb_id, MediaItem.id)
        .where(MediaItem.media_type == media_type, MediaItem.tmdb_id.in_(list(unique)))
    ).all()
    return dict(found)


def _tag_items(tag_id: int, item_ids: Iterable[int]) -> None:
    rows = [{"media_item_id": item_id, "identity_tag_id": tag_id} for item_id in sorted(item_ids)]
    if rows:
        db.session.execute(_upsert(_dialect(), media_item_tags, (), ()), rows)


def _list_title(tag_name: str, media_type: str) -> str:
    return f"{tag_name} spotlight" if media_type == "movie" else f"{tag_name} series spotlight"


def _upsert_list(plan: SyncPlan, now: dt.datetime) -> int:
    values = {"slug": plan.list_slug, "title": _list_title(plan.tag_name, plan.media_type),
              "tag_id": plan.tag_id, "media_type": plan.media_type, "generated_at": now,
              "source": plan.source}
    statement = _insert(MediaList).values(values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["tag_id", "media_type"],
        set_={**{name: statement.excluded[name] for name in ("slug", "title", "generated_at", "source")},
              "revision": MediaList.revision + 1},
    ))
    return db.session.execute(
        select(MediaList.id).where(MediaList.tag_id == plan.tag_id, MediaList.media_type == plan.media_type)
    ).scalar_one()


def _overrides(list_id: int) -> list[ListOverride]:
    return list(db.session.scalars(select(ListOverride).where(ListOverride.list_id == list_id)))


def arrange(discovered: Sequence[int], overrides: Iterable[ListOverride], limit: int) -> list[int]:
    """The list's item ids in order: TMDb's order without hidden items, pinned items at their places.

    Pinned items stay even when TMDb no longer returns them; the rest fill up to `limit`.
    """
    hidden = {o.media_item_id for o in overrides if o.hidden}
    pins = sorted((o.pinned_position, o.media_item_id) for o in overrides
                  if o.pinned_position is not None and not o.hidden)
    pinned = {item_id for _, item_id in pins}
    order = [i for i in dict.fromkeys(discovered) if i not in hidden and i not in pinned]
    order = order[:max(limit - len(pins), 0)]
    for position, item_id in pins:
        order.insert(min(position, len(order)), item_id)
    return order


def _write_positions(list_id: int, item_ids: Sequence[int]) -> None:
    """Replace the list's rows: deleting first means unique(list, position) never clashes midway."""
    db.session.execute(delete(MediaListItem).where(MediaListItem.list_id == list_id))
    if item_ids:
        db.session.execute(
            MediaListItem.__table__.insert(),
            [{"list_id": list_id, "media_item_id": item_id, "position": position}
             for position, item_id in enumerate(item_ids)],
        )


# Audits ----------------------------------------------------------------------------------------


def start_sync(tag: IdentityTag, *, media_type: str, trigger: str) -> SyncAudit:
    """Record a running sync, or raise SyncAlreadyRunning when one is under way for this list.

    A partial unique index allows one running audit per tag and media type, so the check holds
    across processes; running audits past RUNNING_SYNC_EXPIRES_AFTER are closed as abandoned first.
    """
    _abandon_stale_syncs(tag.id, media_type)  # in the same transaction as the new audit
    audit = SyncAudit(tag_id=tag.id, media_type=media_type, trigger=trigger, status="running",
                      started_at=utcnow())
    db.session.add(audit)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SyncAlreadyRunning(running_sync(tag.id, media_type)) from None
    return audit


def running_sync(tag_id: int, media_type: str) -> SyncAudit | None:
    return db.session.scalars(
        select(SyncAudit).where(SyncAudit.tag_id == tag_id, SyncAudit.media_type == media_type,
                                SyncAudit.status == "running")
    ).first()


def _abandon_stale_syncs(tag_id: int, media_type: str) -> None:
    now = utcnow()
    db.session.execute(
        update(SyncAudit)
        .where(SyncAudit.tag_id == tag_id, SyncAudit.media_type == media_type,
               SyncAudit.status == "running", SyncAudit.started_at < now - RUNNING_SYNC_EXPIRES_AFTER)
        .values(status="failed", finished_at=now, error_class="SyncAbandoned",
                error_message="The sync never reported back (its process probably stopped).")
    )


def _finish_audit(audit_id: int, status: str, started: float, tmdb_requests: int, *,
                  error: BaseException | None = None, secrets: Sequence[str | None] = (),
                  **counts: Any) -> None:
    # Through the ORM, so the sync log line (an ORM event) sees every finished audit.
    audit = db.session.get(SyncAudit, audit_id, populate_existing=True)
    values = {"status": status, "finished_at": utcnow(), "tmdb_requests": tmdb_requests,
              "duration_ms": round((time.monotonic() - started) * 1000), **counts}
    if error is not None:
        values["error_class"] = type(error).__name__
        values["error_message"] = redact(str(error), [s for s in secrets if s])[:MAX_ERROR_MESSAGE]
    for name, value in values.items():
        setattr(audit, name, value)
    db.session.commit()


# Curator overrides -----------------------------------------------------------------------------


def pin_item(media_list: MediaList, item: MediaItem, position: int) -> ListOverride:
    """Pin `item` at `position` (0-based) in this list now and in every later regeneration."""
    if position < 0:
        raise ValueError("position must be 0 or more")
    override = _set_override(media_list, item, pinned_position=position, hidden=False)
    order = [i for i in _current_order(media_list.id) if i != item.id]
    order.insert(min(position, len(order)), item.id)
    return _apply(media_list.id, order, override)


def hide_item(media_list: MediaList, item: MediaItem) -> ListOverride:
    """Take `item` out of this list now and keep it out of later regenerations."""
    override = _set_override(media_list, item, pinned_position=None, hidden=True)
    order = [i for i in _current_order(media_list.id) if i != item.id]
    return _apply(media_list.id, order, override)


def clear_override(media_list: MediaList, item: MediaItem) -> None:
    """Forget the curator's decision; the item takes TMDb's place again at the next regeneration."""
    _lock_tag(media_list.tag_id)
    db.session.execute(delete(ListOverride).where(ListOverride.list_id == media_list.id,
                                                  ListOverride.media_item_id == item.id))
    _bump_revision(media_list.id)
    db.session.commit()


def _set_override(media_list: MediaList, item: MediaItem, **values: Any) -> ListOverride:
    _lock_tag(media_list.tag_id)
    statement = _insert(ListOverride).values(list_id=media_list.id, media_item_id=item.id,
                                             created_at=utcnow(), **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["list_id", "media_item_id"],
                                                       set_=values))
    return db.session.execute(
        select(ListOverride).where(ListOverride.list_id == media_list.id,
                                   ListOverride.media_item_id == item.id)
        .execution_options(populate_existing=True)
    ).scalar_one()


def _current_order(list_id: int) -> list[int]:
    return list(db.session.scalars(
        select(MediaListItem.media_item_id).where(MediaListItem.list_id == list_id)
        .order_by(MediaListItem.position)
    ))


def _apply(list_id: int, order: Sequence[int], override: ListOverride) -> ListOverride:
    _write_positions(list_id, order)
    _bump_revision(list_id)
    db.session.commit()
    return override


def _bump_revision(list_id: int) -> None:
    """Tell readers (ETags, cached fragments) that this list's rendering has changed."""
    db.session.execute(update(MediaList).where(MediaList.id == list_id)
                       .values(revision=MediaList.revision + 1))
