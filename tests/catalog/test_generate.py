"""generate_media_list_for_identity over the sandbox: lists, order, overrides, failures, audits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qwir import catalog
from qwir.extensions import cache, db
from qwir.models import MediaItem, MediaList, SyncAudit, TmdbKeyword
from qwir.tmdb.discovery import TV_CERTIFICATIONS_US
from qwir.tmdb.errors import TmdbRateLimitError, TmdbUnavailableError
from qwir.tmdb_wiring import build_tmdb_client

SECRET = "0123456789abcdef" * 2


def entry_ids(media_list: MediaList) -> list[int]:
    return [e.media_item_id for e in media_list.entries]


def latest_audit() -> SyncAudit:
    return db.session.scalars(select(SyncAudit).order_by(SyncAudit.id.desc())).first()


class BrokenDiscover:
    """A real sandbox client whose discover fails, with a credential in the error text."""

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def discover_movies(self, **params):
        raise TmdbUnavailableError(f"TMDb fell over on /discover/movie?api_key={SECRET}&page=1", status=503)


def test_a_sync_stores_a_dense_list_under_the_tags_slug(tag_named):
    queer = tag_named("queer")
    media_list = catalog.generate_media_list_for_identity(queer, limit=10)
    assert media_list.slug == f"queer-spotlight-{queer.id}"
    assert media_list.title == "Queer spotlight"
    assert media_list.source == "sandbox" and media_list.generated_at is not None
    assert [e.position for e in media_list.entries] == list(range(10))
    assert all(queer in e.item.tags for e in media_list.entries)
    assert all(e.item.title and e.item.media_type == "movie" for e in media_list.entries)


def test_series_lists_have_their_own_slug_and_title(tag_named):
    gay = tag_named("gay")
    media_list = catalog.generate_media_list_for_identity(gay, limit=5, media_type="tv")
    assert media_list.slug == f"gay-series-spotlight-{gay.id}"
    assert media_list.title == "Gay series spotlight"
    assert {e.item.media_type for e in media_list.entries} == {"tv"}


def test_keyword_ids_are_resolved_once_and_kept(tag_named):
    lesbian = tag_named("lesbian")
    catalog.generate_media_list_for_identity(lesbian, limit=3)
    assert {10768, 264386, 9833} <= set(lesbian.keyword_ids)
    assert lesbian.keywords_resolved_at is not None
    assert db.session.get(TmdbKeyword, 9833).name == "lesbian relationship"


def test_the_audit_records_a_successful_sync(tag_named):
    catalog.generate_media_list_for_identity(tag_named("trans"), limit=8, trigger="admin")
    audit = latest_audit()
    assert (audit.status, audit.trigger) == ("succeeded", "admin")
    assert (audit.requested_count, audit.stored_count) == (8, 8)
    assert audit.tmdb_requests >= 3 and audit.duration_ms is not None and audit.finished_at is not None
    assert audit.list_id is not None and audit.error_class is None


def test_the_same_tmdb_answer_gives_the_same_order_without_new_rows(tag_named):
    gay = tag_named("gay")
    first = entry_ids(catalog.generate_media_list_for_identity(gay, limit=12))
    items = db.session.scalar(select(func.count(MediaItem.id)))
    second = entry_ids(catalog.generate_media_list_for_identity(gay, limit=12))
    assert first == second
    assert db.session.scalar(select(func.count(MediaItem.id))) == items


def test_a_second_sync_within_the_cache_ttls_barely_touches_tmdb(tag_named):
    drag = tag_named("drag")
    catalog.generate_media_list_for_identity(drag, limit=10)
    catalog.generate_media_list_for_identity(drag, limit=10)
    assert latest_audit().tmdb_requests <= 2


def test_overrides_apply_at_once_and_survive_regeneration(tag_named):
    queer = tag_named("queer")
    media_list = catalog.generate_media_list_for_identity(queer, limit=8)
    original = entry_ids(media_list)
    hidden, pinned = db.session.get(MediaItem, original[1]), db.session.get(MediaItem, original[6])
    catalog.hide_item(media_list, hidden)
    catalog.pin_item(media_list, pinned, 0)
    db.session.refresh(media_list)
    assert entry_ids(media_list)[0] == pinned.id and hidden.id not in entry_ids(media_list)

    regenerated = entry_ids(catalog.generate_media_list_for_identity(queer, limit=8))
    assert regenerated[0] == pinned.id
    assert hidden.id not in regenerated
    assert len(regenerated) == 8 and len(set(regenerated)) == 8


def test_a_pinned_title_stays_when_tmdb_stops_returning_it(tag_named):
    lesbian = tag_named("lesbian")
    media_list = catalog.generate_media_list_for_identity(lesbian, limit=5)
    outsider = MediaItem(media_type="movie", tmdb_id=987654321, title="Kept by a curator")
    db.session.add(outsider)
    db.session.commit()
    catalog.pin_item(media_list, outsider, 2)
    regenerated = entry_ids(catalog.generate_media_list_for_identity(lesbian, limit=5))
    assert regenerated[2] == outsider.id and len(regenerated) == 5


def test_clearing_an_override_lets_tmdb_decide_again(tag_named):
    gay = tag_named("gay")
    media_list = catalog.generate_media_list_for_identity(gay, limit=6)
    original = entry_ids(media_list)
    hidden = db.session.get(MediaItem, original[0])
    catalog.hide_item(media_list, hidden)
    catalog.clear_override(media_list, hidden)
    assert entry_ids(catalog.generate_media_list_for_identity(gay, limit=6)) == original


def test_pinning_to_a_negative_position_is_refused(tag_named):
    media_list = catalog.generate_media_list_for_identity(tag_named("drag"), limit=3)
    with pytest.raises(ValueError, match="position"):
        catalog.pin_item(media_list, media_list.entries[0].item, -1)


def test_a_failing_tmdb_leaves_the_old_list_untouched_and_the_audit_failed(app, tag_named):
    app.config["TMDB_API_KEY"] = None
    trans = tag_named("trans")
    before = entry_ids(catalog.generate_media_list_for_identity(trans, limit=6))
    generated_at = db.session.scalar(select(MediaList.generated_at).where(MediaList.tag_id == trans.id))
    cache.clear()
    with build_tmdb_client(app.config) as sandbox, pytest.raises(TmdbUnavailableError):
        catalog.generate_media_list_for_identity(trans, limit=6, client=BrokenDiscover(sandbox))
    media_list = db.session.scalars(select(MediaList).where(MediaList.tag_id == trans.id)).one()
    assert entry_ids(media_list) == before and media_list.generated_at == generated_at
    audit = latest_audit()
    assert (audit.status, audit.error_class) == ("failed", "TmdbUnavailableError")
    assert SECRET not in audit.error_message and "[REDACTED]" in audit.error_message


class ExclusionCrowdedOut(BrokenDiscover):
    """A real sandbox client whose first unfiltered discover page (the explicit-content exclusion's
    report, sent beside the details) ran out of its deadline in a burst of 429s."""

    def __init__(self, client) -> None:
        super().__init__(client)
        self.unfiltered_calls = 0

    def discover_movies(self, **params):
        if "without_keywords" not in params:
            self.unfiltered_calls += 1
            if self.unfiltered_calls == 1:
                raise TmdbRateLimitError("TMDb answered 429 to /discover/movie", status=429, tmdb_code=25)
        return self._client.discover_movies(**params)


def test_an_exclusion_report_crowded_out_by_429s_gets_a_second_turn(app, tag_named):
    app.config["TMDB_API_KEY"] = None
    queer = tag_named("queer")
    with build_tmdb_client(app.config) as sandbox:
        unlucky = ExclusionCrowdedOut(sandbox)
        media_list = catalog.generate_media_list_for_identity(queer, limit=6, client=unlucky)
    assert unlucky.unfiltered_calls == 2
    assert len(media_list.entries) == 6 and latest_audit().status == "succeeded"
    assert media_list.excluded_titles is not None


class EmptyDiscover(BrokenDiscover):
    """A real sandbox client whose discover answers, but with no titles at all."""

    def discover_movies(self, **params):
        return {"page": 1, "results": [], "total_pages": 1, "total_results": 0}


def test_an_answer_with_no_titles_keeps_the_stored_list(app, tag_named):
    lesbian = tag_named("lesbian")
    before = entry_ids(catalog.generate_media_list_for_identity(lesbian, limit=5))
    cache.clear()
    with build_tmdb_client(app.config) as sandbox, pytest.raises(catalog.NoTitlesFound, match="kept"):
        catalog.generate_media_list_for_identity(lesbian, limit=5, client=EmptyDiscover(sandbox))
    media_list = db.session.scalars(select(MediaList).where(MediaList.tag_id == lesbian.id)).one()
    assert entry_ids(media_list) == before
    assert (latest_audit().status, latest_audit().error_class) == ("failed", "NoTitlesFound")


def test_a_first_sync_with_no_titles_stores_an_empty_list(app, tag_named):
    gay = tag_named("gay")
    with build_tmdb_client(app.config) as sandbox:
        media_list = catalog.generate_media_list_for_identity(gay, limit=5, client=EmptyDiscover(sandbox))
    assert media_list.entries == [] and latest_audit().status == "succeeded"


def test_a_tag_whose_keywords_match_nothing_fails_clearly(tag_named):
    drag = tag_named("drag")
    drag.keyword_names, drag.keyword_ids = ["no such keyword anywhere"], []
    db.session.commit()
    with pytest.raises(catalog.NoKeywordsResolved, match="no such keyword anywhere"):
        catalog.generate_media_list_for_identity(drag, limit=3)
    assert latest_audit().error_class == "NoKeywordsResolved"


def test_the_maturity_cap_is_rechecked_on_series(tag_named):
    # /discover/tv cannot filter by certification, so only our own re-check keeps TV-MA out.
    queer = tag_named("queer")
    uncapped = catalog.generate_media_list_for_identity(queer, limit=20, media_type="tv")
    ratings = [e.item.certification for e in uncapped.entries]
    queer.max_certification = "PG-13"
    db.session.commit()
    capped = catalog.generate_media_list_for_identity(queer, limit=20, media_type="tv")
    allowed = TV_CERTIFICATIONS_US[: TV_CERTIFICATIONS_US.index("TV-14") + 1]
    assert all(e.item.certification in allowed for e in capped.entries)
    assert len(capped.entries) == sum(1 for r in ratings if r in allowed)
    assert len(capped.entries) < len(ratings)


def test_a_second_sync_of_a_running_list_is_refused(tag_named):
    gay = tag_named("gay")
    running = catalog.start_sync(gay, media_type="movie", trigger="admin")
    with pytest.raises(catalog.SyncAlreadyRunning) as refused:
        catalog.generate_media_list_for_identity(gay, limit=3)
    assert refused.value.audit.id == running.id
