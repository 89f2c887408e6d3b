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
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from qwir.extensions import cache, db
from qwir.models import (
    GenreName,
    IdentityTag,
    ListOverride,
    MediaItem,
    MediaList,
    MediaListItem,
    SyncAudit,
    TmdbConfiguration,
    TmdbKeyword,
    media_item_tags,
    utcnow,
)
from qwir.sync_heartbeat import heartbeat, is_dead
from qwir.tmdb import discovery, maturity
from qwir.tmdb.normalize import ImageConfig, MediaDetails
from qwir.tmdb.redaction import redact
from qwir.tmdb_wiring import build_tmdb_client, tmdb_source

KEYWORDS_FRESH_FOR = dt.timedelta(days=7)
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
    languages: tuple[str, ...] = ("en",)  # whose TMDb text is stored (QWIR_LANGUAGES)
    kept_tmdb_ids: tuple[int, ...] = ()  # removed by the explicit-content exclusion, kept by a curator


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
        # Only keywords -> discover -> details depend on one another. Everything else goes out beside
        # them, so it adds no round trip: /configuration and the certification list (cached a week)
        # while the keywords resolve, and the explicit-content exclusion's discover page beside the
        # list's own.
        with heartbeat(db.engine, audit_id), ThreadPoolExecutor(max_workers=3) as pool:
            configuration = pool.submit(client.configuration)
            ages = pool.submit(discovery.age_table, client, media_type)
            keyword_ids = ensure_keyword_ids(tag, client)
            plan = _plan(tag, keyword_ids, limit, media_type, config)
            db.session.commit()  # no transaction stays open while TMDb answers
            images = store_configuration(plan.source, configuration.result())
            exclusion = pool.submit(discovery.excluded_by_keywords, client, media_type, plan.filters)
            collection = _collect(client, plan, images)
            excluded = _second_turn_if_crowded_out(
                exclusion, lambda: discovery.excluded_by_keywords(client, media_type, plan.filters))
            titles = _with_kept_titles(client, plan, images, collection.titles, excluded)
        _refuse_to_empty_a_stored_list(plan, titles)
        media_list = _store_list(plan, titles, images, excluded, ages.result())
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
    kept = db.session.scalar(select(MediaList.kept_tmdb_ids).where(
        MediaList.tag_id == tag.id, MediaList.media_type == media_type)) or []
    return SyncPlan(tag_id=tag.id, tag_name=tag.name, list_slug=tag.list_slug(media_type),
                    media_type=media_type, limit=limit, filters=filters,
                    region=config.get("TMDB_REGION") or "US", excluded_tmdb_ids=excluded,
                    pinned_count=pinned, source=tmdb_source(config),
                    languages=tuple(config.get("QWIR_LANGUAGES") or ("en",)),
                    kept_tmdb_ids=tuple(int(i) for i in kept) if not tag.include_adult else ())


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


def _second_turn_if_crowded_out(side_request: Future, again: Callable[[], Any]) -> Any:
    """The answer of a request sent beside the details, or of one more try on its own.

    Beside twenty details requests, a 429 burst can hit the same call twice and spend its deadline;
    alone afterwards it gets a fresh one, as `discovery.hydrate` gives a title that lost out.
    """
    try:
        return side_request.result()
    except discovery.TRANSIENT_ERRORS:
        return again()


def _with_kept_titles(client, plan: SyncPlan, images: ImageConfig, titles: list[MediaDetails],
                      excluded: list[dict[str, Any]]) -> list[MediaDetails]:
    """Titles a curator kept despite the explicit-content exclusion, at the rank TMDb gives them."""
    present = {t.tmdb_id for t in titles}
    wanted = [i for i in plan.kept_tmdb_ids if i not in present and i not in plan.excluded_tmdb_ids]
    if not wanted:
        return titles
    ranks = {entry["tmdb_id"]: entry["rank"] for entry in excluded}
    kept = discovery.hydrate(client, plan.media_type, wanted, region=plan.region, images=images)
    merged = list(titles)
    for hydrated in sorted(kept, key=lambda h: ranks.get(h.details.tmdb_id, len(merged))):
        rank = ranks.get(hydrated.details.tmdb_id, len(merged))
        merged.insert(min(rank, len(merged)), hydrated.details)
    return merged


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
    per_name = discovery.resolve_keyword_names(client, names)
    keywords = list({k.id: k for found in per_name.values() for k in found}.values())
    now = utcnow()
    # Kept even when nothing matched, so the health page can say which names TMDb does not know.
    tag.keyword_matches = {name: [k.id for k in found] for name, found in per_name.items()}
    if keywords:
        _upsert_keywords(keywords, now)
    tag.keyword_ids = [k.id for k in keywords]
    tag.keywords_resolved_at = now
    db.session.commit()
    if not keywords:
        raise NoKeywordsResolved(
            f"None of the keyword names of {tag.name!r} ({', '.join(names) or 'none given'}) "
            "matched a TMDb keyword."
        )
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


def store_configuration(source: str, payload: dict[str, Any]) -> ImageConfig:
    """Keep TMDb's /configuration answer for `source` and return its image settings."""
    statement = _insert(TmdbConfiguration).values(source=source, payload=payload, fetched_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["source"],
        set_={"payload": statement.excluded.payload, "fetched_at": statement.excluded.fetched_at},
    ))
    db.session.commit()
    return ImageConfig.from_configuration(payload)


def _store_list(plan: SyncPlan, titles: Sequence[MediaDetails], images: ImageConfig,
                excluded: list[dict[str, Any]], ages: maturity.AgeTable) -> MediaList:
    """Upsert the items, tag them and rewrite the list, in one transaction."""
    now = utcnow()
    _lock_tag(plan.tag_id)
    item_ids = _upsert_items(plan.media_type, titles, now, languages=plan.languages, ages=ages,
                             source=plan.source, image_base_url=images.secure_base_url)
    _tag_items(plan.tag_id, item_ids.values())
    discovered = [item_ids[t.tmdb_id] for t in titles]
    list_id = _upsert_list(plan, now, discovered, excluded)
    _write_positions(list_id, arrange(discovered, _overrides(list_id), plan.limit))
    db.session.commit()
    return db.session.execute(
        select(MediaList).where(MediaList.id == list_id).execution_options(populate_existing=True)
    ).scalar_one()


def item_row(details: MediaDetails, now: dt.datetime, *, languages: Sequence[str],
             ages: maturity.AgeTable | None = None, **stored_with: Any) -> dict[str, Any]:
    """The stored row of one title: TMDb's text in each of `languages`, every country's rating as an age
    (read from `ages`, TMDb's certification lists, else from the ratings' own names)."""
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
        "ratings": maturity.ratings_by_country(details.certifications, ages or {}),
        "tagline": details.tagline or "",
        "translations": {language: details.translations.get(language) or _no_text()
                         for language in languages},
        "providers": {region: dataclasses.asdict(p) for region, p in details.providers.items()},
        "directors": list(details.directors),
        "cast": [dataclasses.asdict(member) for member in details.cast],
        "imdb_id": details.imdb_id,
        "vote_average": details.vote_average,
        "vote_count": details.vote_count,
        "popularity": details.popularity,
        "adult": bool(details.adult),
        "fetched_at": now,
        "missing_since": None,
        **stored_with,
    }


def _no_text() -> dict[str, str]:
    return {"title": "", "overview": "", "tagline": ""}


def _upsert_items(media_type: str, titles: Sequence[MediaDetails], now: dt.datetime,
                  **stored_with: Any) -> dict[int, int]:
    """Insert or refresh the items (with their source and image host); returns tmdb_id -> media_items.id."""
    if not titles:
        return {}
    # One row per title, in id order: concurrent writers then take row locks in the same order.
    unique = {t.tmdb_id: t for t in titles}
    rows = [item_row(unique[tmdb_id], now, **stored_with) for tmdb_id in sorted(unique)]
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


LIST_SYNC_FIELDS = ("slug", "title", "generated_at", "source", "tmdb_order", "target_size",
                    "excluded_titles")


def _upsert_list(plan: SyncPlan, now: dt.datetime, discovered: list[int], excluded: list[dict]) -> int:
    values = {"slug": plan.list_slug, "title": _list_title(plan.tag_name, plan.media_type),
              "tag_id": plan.tag_id, "media_type": plan.media_type, "generated_at": now,
              "source": plan.source, "tmdb_order": discovered, "target_size": plan.limit,
              "excluded_titles": excluded}
    statement = _insert(MediaList).values(values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["tag_id", "media_type"],
        set_={**{name: statement.excluded[name] for name in LIST_SYNC_FIELDS},
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
    """Replace the list's rows: deleting first means unique(list, position) never clashes midway.

    Titles already in the list keep the time they were added; newcomers are added now.
    """
    added = dict(db.session.execute(
        select(MediaListItem.media_item_id, MediaListItem.added_at).where(MediaListItem.list_id == list_id)
    ).all())
    db.session.execute(delete(MediaListItem).where(MediaListItem.list_id == list_id))
    now = utcnow()
    if item_ids:
        db.session.execute(
            MediaListItem.__table__.insert(),
            [{"list_id": list_id, "media_item_id": item_id, "position": position,
              "added_at": added.get(item_id) or now}
             for position, item_id in enumerate(item_ids)],
        )


# Audits ----------------------------------------------------------------------------------------


def start_sync(tag: IdentityTag, *, media_type: str, trigger: str) -> SyncAudit:
    """Record a running sync, or raise SyncAlreadyRunning when one is under way for this list.

    A partial unique index allows one running audit per tag and media type, so the check holds
    across processes; running audits whose process died (sync_heartbeat.is_dead) are closed first.
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
               SyncAudit.status == "running", is_dead(now))
        .values(status="failed", finished_at=now, error_class="SyncAbandoned",
                error_message="The sync never reported back (its process probably stopped).")
        # SQLite hands stored times back without a zone: let the database compare, not Python.
        .execution_options(synchronize_session="fetch")
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


class PinRefused(ValueError):
    """A title that cannot go into this list (a series in a film list, or the reverse)."""


class PinNeedsConfirmation(ValueError):
    """A title with no tie to the list's identity: pinning it needs the curator's confirmation."""


def check_pin(media_list: MediaList, item: MediaItem, *, confirmed: bool = False) -> None:
    """Refuse a title of the other media type; ask to confirm a title with no tie to the identity."""
    if item.media_type != media_list.media_type:
        if item.media_type == "tv":
            message = _("%(title)s is a series; %(list)s holds only films.")
        else:
            message = _("%(title)s is a film; %(list)s holds only series.")
        raise PinRefused(message % {"title": item.title, "list": media_list.title})
    if not confirmed and not is_tied_to_identity(media_list, item):
        raise PinNeedsConfirmation(_(
            "%(title)s carries none of %(tag)s's keywords and TMDb never returned it for this list. "
            "Pin it anyway?", title=item.title, tag=media_list.tag.name))


def is_tied_to_identity(media_list: MediaList, item: MediaItem) -> bool:
    """In the list, returned by TMDb for it, carrying one of the tag's keywords, or tagged with the tag."""
    tag = media_list.tag
    return (item.id in (media_list.tmdb_order or [])
            or any(entry.media_item_id == item.id for entry in media_list.entries)
            or bool(item.keyword_ids & set(tag.keyword_ids or []))
            or tag in item.tags)


def pin_item(media_list: MediaList, item: MediaItem, position: int) -> ListOverride:
    """Pin `item` at `position` (0-based) in this list now and in every later regeneration."""
    if position < 0:
        raise ValueError("position must be 0 or more")
    override = _set_override(media_list, item, pinned_position=position, hidden=False)
    _rearrange(media_list)
    return override


def hide_item(media_list: MediaList, item: MediaItem) -> ListOverride:
    """Take `item` out of this list now and keep it out of later regenerations."""
    override = _set_override(media_list, item, pinned_position=None, hidden=True)
    _rearrange(media_list)
    return override


def clear_override(media_list: MediaList, item: MediaItem) -> None:
    """Forget the curator's decision: the list is at once what TMDb's order and the other overrides give."""
    _lock_tag(media_list.tag_id)
    db.session.execute(delete(ListOverride).where(ListOverride.list_id == media_list.id,
                                                  ListOverride.media_item_id == item.id))
    _rearrange(media_list)


def forget_items(item_ids: Sequence[int]) -> int:
    """Delete items (TMDb data past its time) and close the gaps they leave in every list."""
    if not item_ids:
        return 0
    gone = set(item_ids)
    # Ids first: DISTINCT over whole rows fails on PostgreSQL's json columns.
    list_ids = db.session.scalars(select(MediaListItem.list_id)
                                  .where(MediaListItem.media_item_id.in_(gone)).distinct()).all()
    for media_list in (db.session.get(MediaList, list_id) for list_id in list_ids):
        media_list.tmdb_order = [i for i in media_list.tmdb_order or [] if i not in gone]
        _write_positions(media_list.id, [i for i in _current_order(media_list.id) if i not in gone])
        _bump_revision(media_list.id)
    db.session.execute(delete(ListOverride).where(ListOverride.media_item_id.in_(gone)))
    return db.session.execute(delete(MediaItem).where(MediaItem.id.in_(gone))).rowcount


def keep_excluded_title(media_list: MediaList, tmdb_id: int, *, keep: bool = True) -> None:
    """Keep (or stop keeping) a title the explicit-content exclusion removed; the next sync applies it."""
    if keep and tmdb_id not in {entry["tmdb_id"] for entry in media_list.excluded_titles or []}:
        raise ValueError(f"TMDb id {tmdb_id} was not removed by the exclusion at the last sync.")
    kept = [i for i in media_list.kept_tmdb_ids or [] if i != tmdb_id]
    media_list.kept_tmdb_ids = [*kept, tmdb_id] if keep else kept
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


def _rearrange(media_list: MediaList) -> None:
    """Rewrite the list from TMDb's order at the last sync and the overrides as they stand now.

    A list stored before TMDb's order was kept falls back on its current order.
    """
    current = _current_order(media_list.id)
    discovered = media_list.tmdb_order if media_list.tmdb_order is not None else current
    size = media_list.target_size or len(current)
    _write_positions(media_list.id, arrange(discovered, _overrides(media_list.id), size))
    _bump_revision(media_list.id)
    db.session.commit()


def _bump_revision(list_id: int) -> None:
    """Tell readers (ETags, cached fragments) that this list's rendering has changed."""
    db.session.execute(update(MediaList).where(MediaList.id == list_id)
                       .values(revision=MediaList.revision + 1))


# Genre names -----------------------------------------------------------------------------------


def refresh_genre_names(client, languages: Iterable[str]) -> int:
    """Store TMDb's film and series genre names in each language; returns how many were stored.

    Kept apart from list syncs, so a sync's request count does not grow with the languages.
    """
    now = utcnow()
    rows = [
        {"media_type": media_type, "genre_id": genre["id"], "language": language,
         "name": str(genre["name"])[:120], "fetched_at": now}
        for language in dict.fromkeys(languages)
        for media_type in ("movie", "tv")
        for genre in client.genres(media_type, language).get("genres") or []
        if isinstance(genre.get("id"), int) and genre.get("name")
    ]
    if rows:
        statement = _insert(GenreName).values(rows)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["media_type", "genre_id", "language"],
            set_={"name": statement.excluded.name, "fetched_at": statement.excluded.fetched_at},
        ))
    db.session.commit()
    return len(rows)
