"""A member's read never does TMDb work for a stored list: it queues the sync and answers at once."""

from __future__ import annotations

import pytest
import respx

from qwir.extensions import db
from qwir.models import MediaList, SyncAudit
from tests.web.conftest import make_item, make_list
from tests.web.curator_support import create_curator, sign_in


class RecordingWorker:
    """Stands in for the embedded worker thread: keeps the jobs it is given, runs none."""

    def __init__(self):
        self.jobs = []

    def submit(self, job, *args):
        self.jobs.append((job.name, args))


@pytest.fixture
def curator_client(app, client):
    create_curator(app)
    return sign_in(client)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TMDB_API_KEY": "0123456789abcdef" * 2}


def test_get_of_a_never_generated_list_queues_and_sends_nothing_to_tmdb(app, client, catalog):
    worker = app.extensions["qwir_worker"] = RecordingWorker()
    with respx.mock(assert_all_mocked=True) as tmdb:
        response = client.get(f"/fragments/carousel/{catalog.trans_slug}")
    assert response.status_code == 200 and "being prepared" in response.get_data(as_text=True)
    assert tmdb.calls.call_count == 0
    assert [name for name, _ in worker.jobs] == ["qwir.sync_tag"]
    with app.app_context():
        audit = db.session.scalar(db.select(SyncAudit))
        assert (audit.status, audit.trigger) == ("running", "fragment")


def test_a_second_read_while_queued_does_not_queue_again(app, client, catalog):
    worker = app.extensions["qwir_worker"] = RecordingWorker()
    for _ in range(3):
        client.get(f"/fragments/carousel/{catalog.trans_slug}")
    assert len(worker.jobs) == 1


def test_feed_holds_back_thin_spotlights_and_the_admin_says_why(app, client, catalog, curator_client):
    with app.app_context():
        trans = db.session.get(type(catalog.list(catalog.movie_slug).tag), catalog.trans_id)
        make_list(trans, [make_item(9000, "Lonely Film")])
        db.session.commit()
    feed = client.get("/").get_data(as_text=True)
    assert f"shelf-{catalog.trans_slug}" not in feed and f"shelf-{catalog.movie_slug}" in feed
    dashboard = curator_client.get("/admin").get_data(as_text=True)
    assert 'id="held-back-trans-spotlight-' in dashboard
    assert "1 title, fewer than the 3 the feed needs to feature a spotlight." in dashboard


def test_an_empty_spotlight_says_it_is_empty_not_that_preferences_hide_it(app, client, catalog):
    with app.app_context():
        trans = db.session.get(type(catalog.list(catalog.movie_slug).tag), catalog.trans_id)
        generated_at = catalog.list(catalog.movie_slug).generated_at
        db.session.add(MediaList(slug=trans.list_slug("movie"), title="Trans films spotlight", tag=trans,
                                 media_type="movie", generated_at=generated_at))
        db.session.commit()
    body = client.get(f"/fragments/carousel/{catalog.trans_slug}").get_data(as_text=True)
    assert "no titles yet" in body and "fits your preferences" not in body


def test_one_title_spotlight_disables_surprise_me_with_a_reason(app, client, catalog):
    with app.app_context():
        trans = db.session.get(type(catalog.list(catalog.movie_slug).tag), catalog.trans_id)
        make_list(trans, [make_item(9000, "Lonely Film")])
        db.session.commit()
    body = client.get(f"/fragments/carousel/{catalog.trans_slug}").get_data(as_text=True)
    assert 'disabled aria-describedby="surprise-' in body and "nothing to surprise you with" in body
