"""Keeping to TMDb's terms: no TMDb data stored longer than six months.

A daily job refreshes titles that lists still use before they reach the limit (pinned titles that
discover no longer returns are refreshed only here), flags the ones TMDb answers 404 for, and
drops what nothing uses any more or what could not be refreshed in time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, or_, select, update

from qwir import catalog
from qwir.extensions import db
from qwir.models import ListOverride, MediaItem, MediaListItem, TmdbKeyword, utcnow
from qwir.tmdb import discovery
from qwir.tmdb.errors import TmdbError
from qwir.tmdb.normalize import ImageConfig

RETENTION = dt.timedelta(days=182)  # TMDb: "do not cache data for longer than six months"
REFRESH_AFTER = dt.timedelta(days=150)  # a month to spare for outages and retries
REFRESH_BATCH = 200  # titles per run: a day's job never floods TMDb


@dataclasses.dataclass
class RetentionReport:
    refreshed: int = 0
    flagged_missing: int = 0
    failed: int = 0
    dropped_items: int = 0
    dropped_keywords: int = 0


def run_retention(config, cache=None) -> RetentionReport:
    """The scheduled job and `flask qwir retention`: one pass with the configured TMDb."""
    from qwir.tmdb_wiring import build_tmdb_client, tmdb_source

    source = tmdb_source(config)
    with build_tmdb_client(config, cache=cache) as client:
        images = catalog.store_configuration(source, client.configuration())
        return enforce_retention(client, region=config.get("TMDB_REGION") or "US", source=source,
                                 images=images)


def enforce_retention(client, *, region: str, source: str, images: ImageConfig,
                      now: dt.datetime | None = None) -> RetentionReport:
    """Refresh ageing titles in use, flag lost ones, drop everything past six months."""
    now = now or utcnow()
    report = RetentionReport()
    for item in _ageing_items_in_use(now - REFRESH_AFTER):
        _refresh(client, item, region=region, source=source, images=images, now=now, report=report)
    report.dropped_items = _drop_expired_items(now - RETENTION)
    report.dropped_keywords = db.session.execute(
        delete(TmdbKeyword).where(TmdbKeyword.resolved_at < now - RETENTION)).rowcount
    db.session.commit()
    return report


def _in_use():
    listed = select(MediaListItem.media_item_id)
    overridden = select(ListOverride.media_item_id)
    return or_(MediaItem.id.in_(listed), MediaItem.id.in_(overridden))


def _ageing_items_in_use(before: dt.datetime) -> Sequence[MediaItem]:
    query = (select(MediaItem).where(MediaItem.fetched_at < before, _in_use())
             .order_by(MediaItem.fetched_at).limit(REFRESH_BATCH))
    return db.session.scalars(query).all()


def _refresh(client, item: MediaItem, *, region: str, source: str, images: ImageConfig,
             now: dt.datetime, report: RetentionReport) -> None:
    try:
        found = discovery.fetch_details(client, item.media_type, item.tmdb_id, region=region, images=images)
    except TmdbError:
        report.failed += 1
        return
    if found is None:
        if item.missing_since is None:
            item.missing_since = now
        report.flagged_missing += 1
        return
    # The languages the title was stored in; the refreshed ratings are read from their own names.
    languages = tuple(item.translations or {}) or ("en",)
    row = catalog.item_row(found.details, now, languages=languages, source=source,
                           image_base_url=images.secure_base_url)
    db.session.execute(update(MediaItem).where(MediaItem.id == item.id).values(row))
    report.refreshed += 1


def _drop_expired_items(before: dt.datetime) -> int:
    """Titles whose data is past the limit: unused ones, and used ones that could not be refreshed."""
    expired = select(MediaItem.id).where(MediaItem.fetched_at < before)
    return catalog.forget_items(list(db.session.scalars(expired)))
