"""Spotlight health over the sandbox: keyword names, size, overlap, excluded titles, data age, warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from qwir import catalog
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem, MediaList
from qwir.spotlight_health import spotlight_health
from qwir.tmdb_wiring import build_tmdb_client


def codes(report) -> list[str]:
    return [warning.code for warning in report.warnings]


def sync(tag, media_type="movie", limit=20):
    return catalog.generate_media_list_for_identity(tag, limit=limit, media_type=media_type)


def test_each_keyword_name_shows_its_ids_or_not_found(tag_named):
    asexual = tag_named("asexual")
    asexual.keyword_names = ["asexuality", "aromantic"]
    db.session.commit()
    with build_tmdb_client({"TMDB_API_KEY": None}) as client:
        catalog.ensure_keyword_ids(asexual, client, force=True)
    report = spotlight_health(asexual)
    assert {k.name: k.ids for k in report.keywords} == {"asexuality": [247099], "aromantic": []}
    messages = [w.message for w in report.warnings if w.code == "keyword-not-found"]
    assert messages == ["The keyword name “aromantic” matches no TMDb keyword."]


def test_a_name_never_resolved_is_not_reported_missing(tag_named):
    report = spotlight_health(tag_named("drag"))
    assert [k.ids for k in report.keywords] == [None, None, None]
    assert "keyword-not-found" not in codes(report)
    assert codes(report).count("never-synced") == 2


def test_a_thin_list_is_flagged_against_its_target(tag_named):
    pansexuality = tag_named("pansexuality")
    sync(pansexuality)
    (films,) = [h for h in spotlight_health(pansexuality).lists if h.media_type == "movie"]
    assert films.size < films.target == 20
    assert "thin-list" in codes(spotlight_health(pansexuality))


def test_overlap_with_other_spotlights_and_shared_first_titles(tag_named):
    gay, queer = tag_named("gay"), tag_named("queer")
    sync(gay), sync(queer)
    (films,) = [h for h in spotlight_health(gay).lists if h.media_type == "movie"]
    shared = {o.tag_name: o.shared for o in films.overlaps}
    assert shared["Queer"] >= 1
    own = [e.media_item_id for e in catalog_list(gay).entries]
    theirs = [e.media_item_id for e in catalog_list(queer).entries]
    assert shared["Queer"] == len(set(own) & set(theirs))
    heavy = len(set(own) & set(theirs)) >= max(3, len(own) / 2)
    assert ("heavy-overlap" in codes(spotlight_health(gay))) == heavy


def test_titles_removed_by_the_exclusion_are_listed_and_one_can_be_kept(tag_named):
    lesbian = tag_named("lesbian")
    media_list = sync(lesbian)
    excluded = media_list.excluded_titles
    assert excluded, "the sandbox has explicit titles carrying lesbian keywords"
    kept = excluded[0]["tmdb_id"]
    assert kept not in {e.item.tmdb_id for e in media_list.entries}
    catalog.keep_excluded_title(media_list, kept)
    regenerated = sync(lesbian)
    assert kept in {e.item.tmdb_id for e in regenerated.entries}
    assert len(regenerated.entries) == 20


def test_data_close_to_the_six_month_limit_is_flagged(tag_named):
    trans = tag_named("trans")
    media_list = sync(trans, limit=5)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=160)
    ids = [e.media_item_id for e in media_list.entries]
    db.session.execute(update(MediaItem).where(MediaItem.id.in_(ids[:1])).values(fetched_at=old))
    db.session.commit()
    warning = next(w for w in spotlight_health(trans).warnings if w.code == "data-ageing")
    assert "160 days old" in warning.message and "22 days away" in warning.message


def test_sync_and_bootstrap_print_the_same_warnings(ctx, runner_for):
    tag = db.session.scalar(db.select(IdentityTag).where(IdentityTag.slug == "asexual"))
    tag.keyword_names = ["asexuality", "aromantic"]
    db.session.commit()
    result = runner_for(ctx).invoke(args=["qwir", "sync", "asexual", "--media", "movie"])
    assert "warning: asexual: The keyword name “aromantic” matches no TMDb keyword. [keyword-not-found]" \
        in result.output
    assert "[thin-list]" in result.output


def catalog_list(tag: IdentityTag) -> MediaList:
    return db.session.scalar(db.select(MediaList).where(MediaList.tag_id == tag.id,
                                                        MediaList.media_type == "movie"))


@pytest.fixture
def runner_for():
    return lambda app: app.test_cli_runner()
