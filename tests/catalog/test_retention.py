"""TMDb's six-month limit: the retention job refreshes, flags and drops stored TMDb data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from qwir import catalog
from qwir.extensions import db
from qwir.models import MediaItem, MediaList, TmdbKeyword
from qwir.retention import run_retention
from qwir.spotlight_health import spotlight_health

NOW = dt.datetime.now(dt.UTC)


def age(item: MediaItem, days: int) -> None:
    item.fetched_at = NOW - dt.timedelta(days=days)
    db.session.commit()


def fetched_at(item: MediaItem) -> dt.datetime:
    db.session.refresh(item)
    return item.fetched_at.replace(tzinfo=dt.UTC) if item.fetched_at.tzinfo is None else item.fetched_at


def test_titles_in_use_are_refreshed_before_the_limit(ctx, tag_named):
    media_list = catalog.generate_media_list_for_identity(tag_named("gay"), limit=4)
    item = media_list.entries[2].item
    age(item, 160)
    report = run_retention(ctx.config)
    assert report.refreshed == 1
    assert NOW - fetched_at(item) < dt.timedelta(minutes=5)


def test_a_pinned_title_tmdb_lost_is_flagged_then_dropped_at_six_months(ctx, tag_named):
    lesbian = tag_named("lesbian")
    media_list = catalog.generate_media_list_for_identity(lesbian, limit=5)
    lost = MediaItem(media_type="movie", tmdb_id=987654321, title="Gone Girlfriends")
    db.session.add(lost)
    db.session.commit()
    catalog.pin_item(media_list, lost, 1)
    age(lost, 160)
    report = run_retention(ctx.config)
    assert report.flagged_missing == 1 and db.session.get(MediaItem, lost.id).missing_since is not None
    assert "gone-from-tmdb" in [w.code for w in spotlight_health(lesbian).warnings]

    age(lost, 190)
    lost_id, list_id = lost.id, media_list.id
    report = run_retention(ctx.config)
    db.session.expunge_all()
    assert report.dropped_items == 1 and db.session.get(MediaItem, lost_id) is None
    stored = db.session.scalar(select(MediaList).where(MediaList.id == list_id))
    assert [e.position for e in stored.entries] == list(range(len(stored.entries)))
    assert lost_id not in (stored.tmdb_order or [])


def test_unused_titles_and_old_keywords_past_six_months_are_dropped(ctx, tag_named):
    unused = MediaItem(media_type="movie", tmdb_id=123, title="Nobody's list")
    db.session.add(unused)
    db.session.add(TmdbKeyword(tmdb_id=10768, name="lesbian", resolved_at=NOW - dt.timedelta(days=200)))
    db.session.commit()
    age(unused, 200)
    unused_id = unused.id
    report = run_retention(ctx.config)
    assert (report.dropped_items, report.dropped_keywords) == (1, 1)
    db.session.expunge_all()
    assert db.session.get(MediaItem, unused_id) is None


def test_the_job_runs_daily_from_beat_and_from_the_command_line(ctx):
    schedule = ctx.extensions["celery"].conf.beat_schedule["enforce-tmdb-retention"]
    assert schedule == {"task": "qwir.enforce_retention", "schedule": dt.timedelta(days=1)}
    assert ctx.extensions["celery"].tasks["qwir.enforce_retention"].delay().get()["refreshed"] == 0
    result = ctx.test_cli_runner().invoke(args=["qwir", "retention"])
    assert result.exit_code == 0 and "TMDb retention: 0 refreshed" in result.output
