"""While TMDb is down, members keep getting pages and fragments from stored lists, told how fresh they are."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import MediaItem, MediaListItem, SyncAudit
from qwir.tmdb.errors import TmdbError
from tests.faults.conftest import LIST_SIZE, TAG_SLUG, find_tag, set_faults, stored_list


@pytest.fixture
def outage(generated_list, sandbox_server):
    """TMDb answers every request with a 5xx from now on; returns the list stored before."""
    set_faults(sandbox_server, fail_rate=1.0, seed=1)
    return generated_list


def _stored_titles(list_slug: str) -> list[str]:
    rows = db.session.scalars(
        select(MediaItem.title).join(MediaListItem, MediaListItem.media_item_id == MediaItem.id)
        .join(MediaListItem.media_list).where(MediaListItem.media_list.has(slug=list_slug))
        .order_by(MediaListItem.position)
    )
    return list(rows)


def _spotlight_urls(list_slug: str) -> list[str]:
    return ["/", f"/fragments/carousel/{list_slug}", f"/fragments/random/{list_slug}", "/fragments/teaser"]


def test_every_spotlight_surface_answers_from_stored_data_without_asking_tmdb(
    fault_app, outage, sandbox_server
):
    client = fault_app.test_client()
    sandbox_server.sandbox.faults.reset_stats()

    statuses = {url: client.get(url).status_code for url in _spotlight_urls(outage.slug)}

    assert set(statuses.values()) == {200}, statuses
    assert sandbox_server.stats()["requests"] == 0


def test_planet_browse_and_title_pages_fall_back_to_stored_titles(fault_app, outage):
    with fault_app.app_context():
        tmdb_id, title = db.session.execute(select(MediaItem.tmdb_id, MediaItem.title).limit(1)).one()
    client = fault_app.test_client()

    planet = client.get(f"/planets/{TAG_SLUG}")
    page = client.get(f"/titles/movie/{tmdb_id}")

    assert (planet.status_code, page.status_code) == (200, 200)
    assert "The full catalog is unavailable for now" in planet.get_data(as_text=True)
    assert str(escape(title)) in page.get_data(as_text=True)


def test_after_a_failed_sync_members_see_the_same_titles_and_when_they_were_refreshed(
    fault_app, outage, tmdb_client
):
    with fault_app.app_context():
        with pytest.raises(TmdbError):
            generate_media_list_for_identity(find_tag(), limit=LIST_SIZE, client=tmdb_client, trigger="api")
        titles = _stored_titles(outage.slug)
    client = fault_app.test_client()

    carousel = client.get(f"/fragments/carousel/{outage.slug}").get_data(as_text=True)
    planet = client.get(f"/planets/{TAG_SLUG}").get_data(as_text=True)

    refreshed = outage.generated_at.strftime("%d %b %Y")
    assert f"Refreshed <time datetime=\"{outage.generated_at:%Y-%m-%d}\">{refreshed}</time>" in carousel
    assert f"refreshed {refreshed}" in planet
    for title in titles[:4]:
        assert str(escape(title)) in carousel


def test_a_never_generated_carousel_says_it_is_being_prepared_instead_of_failing(fault_app, outage):
    with fault_app.app_context():
        tag = find_tag("trans")
        list_slug = tag.list_slug("movie")
    client = fault_app.test_client()

    first = client.get(f"/fragments/carousel/{list_slug}")
    fault_app.extensions["qwir_worker"].join()  # the sync ran on the worker thread, not in the request
    again = client.get(f"/fragments/carousel/{list_slug}")

    assert (first.status_code, again.status_code) == (200, 200)
    assert "being prepared" in first.get_data(as_text=True)
    with fault_app.app_context():
        audits = db.session.scalars(select(SyncAudit).where(SyncAudit.tag_id == tag.id)).all()
        # One sync was tried and failed cleanly; the second request did not queue another at once.
        assert [(a.status, a.trigger) for a in audits] == [("failed", "fragment")]
        assert stored_list(tag) is None
