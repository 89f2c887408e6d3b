"""The REST API: public reads with filters, bearer-token writes, syncs, and problem+json errors."""

from __future__ import annotations

import pytest
from curator_support import (
    SCRIPT_TITLE,
    create_curator,
    failing_tmdb_client,
    issue_token,
    make_tag,
    store_list,
)

from qwir import curators, tasks
from qwir.extensions import db
from qwir.models import Curator

RAPE_KEYWORD = {"id": 570, "name": "rape"}  # in the sexual-violence topic


@pytest.fixture
def token(app):
    create_curator(app)
    return issue_token(app)


@pytest.fixture
def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def stored(app):
    tag_id = make_tag(app)
    titles = [
        {"title": "Carol", "certification": "R", "year": 2015},
        {"title": "Show Me Love", "certification": "PG-13"},
        {"title": "A harrowing one", "certification": "PG-13", "keywords": [RAPE_KEYWORD]},
        {"title": SCRIPT_TITLE, "certification": "PG"},
    ]
    return store_list(app, tag_id, titles)


def titles_of(response) -> list[str]:
    return [item["title"] for item in response.json["items"]]


# ---------------------------------------------------------------- public reads


def test_tags_are_listed_with_their_list_links(client, stored):
    response = client.get("/api/v1/tags")
    assert response.status_code == 200
    [tag] = response.json["tags"]
    assert tag["slug"] == "lesbian"
    assert tag["lists"] == [{"slug": stored, "media_type": "movie", "url": f"/api/v1/lists/{stored}"}]


def test_a_list_by_slug_has_its_items_in_order(client, stored):
    response = client.get(f"/api/v1/lists/{stored}")
    assert response.status_code == 200
    assert titles_of(response) == ["Carol", "Show Me Love", "A harrowing one", SCRIPT_TITLE]


def test_max_certification_keeps_stronger_ratings_out(client, stored):
    response = client.get(f"/api/v1/lists/{stored}?max_certification=16")
    assert "Carol" not in titles_of(response)
    assert response.json["filtered_out"] == 1


def test_avoided_topics_keep_matching_titles_out(client, stored):
    response = client.get(f"/api/v1/lists/{stored}?avoid=sexual-violence")
    assert "A harrowing one" not in titles_of(response)


def test_unknown_filter_values_are_a_400_problem(client, stored):
    response = client.get(f"/api/v1/lists/{stored}?avoid=spiders&max_certification=X")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"avoid", "max_certification"}


def test_a_script_title_stays_inert_json_text(client, stored):
    response = client.get(f"/api/v1/lists/{stored}")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT_TITLE in titles_of(response)


def test_random_pick_respects_the_filters(client, stored):
    for _ in range(5):
        response = client.get("/api/v1/tags/lesbian/random?max_certification=PG")
        assert response.status_code == 200
        assert response.json["item"]["title"] == SCRIPT_TITLE


def test_random_pick_with_nothing_left_is_a_404(client, stored):
    response = client.get("/api/v1/tags/lesbian/random?max_certification=G")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_unknown_list_is_a_404_problem(client):
    response = client.get("/api/v1/lists/nothing-here")
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_no_list_and_tmdb_down_is_a_503_with_retry_after(client, app, monkeypatch):
    monkeypatch.setattr(tasks, "build_tmdb_client", failing_tmdb_client)
    make_tag(app)
    response = client.get("/api/v1/lists/lesbian-spotlight-1")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0


# ---------------------------------------------------------------- bearer tokens


WRITES = [
    ("post", "/api/v1/tags", {"slug": "gay", "name": "Gay", "keyword_names": ["gay"]}),
    ("patch", "/api/v1/tags/lesbian", {"name": "Lesbians"}),
    ("post", "/api/v1/tags/lesbian/sync", {}),
    ("get", "/api/v1/syncs/1", None),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_curator_endpoints_refuse_anonymous_callers(client, app, method, url, body):
    make_tag(app)
    response = getattr(client, method)(url, json=body)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_signed_in_browser_session_is_not_enough(client, app, method, url, body):
    from curator_support import sign_in

    make_tag(app)
    create_curator(app)
    sign_in(client)
    assert getattr(client, method)(url, json=body).status_code == 401


def test_a_revoked_token_stops_working(client, app, bearer, token):
    make_tag(app)
    assert client.patch("/api/v1/tags/lesbian", json={"name": "Lesbians"}, headers=bearer).status_code == 200
    with app.app_context():
        curators.revoke_token(curators.verify_token(token).id)
    response = client.patch("/api/v1/tags/lesbian", json={"name": "Again"}, headers=bearer)
    assert response.status_code == 401


def test_tokens_are_stored_only_as_hashes(app, token):
    with app.app_context():
        stored = curators.verify_token(token).token_hash
    assert token not in stored
    assert stored == curators.hash_token(token)


def test_a_disabled_curator_gets_403(client, app, bearer):
    make_tag(app)
    with app.app_context():
        db.session.query(Curator).update({"active": False})
        db.session.commit()
    response = client.patch("/api/v1/tags/lesbian", json={"name": "Lesbians"}, headers=bearer)
    assert response.status_code == 403


def test_repeated_bad_tokens_are_throttled_with_429(client, app):
    make_tag(app)
    bad = {"Authorization": "Bearer qwir_not-a-real-token"}
    statuses = [client.post("/api/v1/tags/lesbian/sync", headers=bad).status_code
                for _ in range(app.config["API_TOKEN_MAX_FAILURES"] + 1)]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {401}


# ---------------------------------------------------------------- tag writes


def test_create_a_tag(client, bearer):
    body = {"slug": "non-binary", "name": "Non-binary", "keyword_names": ["non-binary", "nonbinary"],
            "media_types": ["movie"], "max_certification": "PG-13"}
    response = client.post("/api/v1/tags", json=body, headers=bearer)
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/tags/non-binary"
    assert client.get("/api/v1/tags/non-binary").json["keyword_names"] == ["non-binary", "nonbinary"]


def test_invalid_fields_are_a_422_with_each_error_and_nothing_saved(client, bearer, app):
    make_tag(app)
    body = {"name": "Renamed", "list_size": 1000, "language": "english", "date_from": "soon"}
    response = client.patch("/api/v1/tags/lesbian", json=body, headers=bearer)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"list_size", "language", "date_from"}
    assert client.get("/api/v1/tags/lesbian").json["name"] == "Lesbian"


def test_a_taken_slug_is_a_409_conflict(client, bearer, app):
    make_tag(app)
    body = {"slug": "lesbian", "name": "Again", "keyword_names": ["lesbian"]}
    response = client.post("/api/v1/tags", json=body, headers=bearer)
    assert response.status_code == 409
    assert response.headers["Location"] == "/api/v1/tags/lesbian"


def test_a_body_that_is_not_a_json_object_is_a_400(client, bearer, app):
    make_tag(app)
    response = client.patch("/api/v1/tags/lesbian", data="[1, 2]", content_type="application/json",
                            headers=bearer)
    assert response.status_code == 400


def test_changing_keyword_names_forgets_the_old_ids(client, bearer, app):
    make_tag(app, keyword_ids=[264386])
    response = client.patch("/api/v1/tags/lesbian", json={"keyword_names": ["sapphic"]}, headers=bearer)
    assert response.json["keyword_ids"] == []


# ---------------------------------------------------------------- syncs


def test_sync_answers_202_with_a_location_to_poll(client, bearer, app):
    make_tag(app)
    response = client.post("/api/v1/tags/lesbian/sync", headers=bearer)
    assert response.status_code == 202
    audit_id = response.json["id"]
    assert response.headers["Location"] == f"/api/v1/syncs/{audit_id}"
    polled = client.get(response.headers["Location"], headers=bearer)
    assert polled.status_code == 200
    assert polled.json["status"] == "succeeded"
    assert polled.json["trigger"] == "api"
    assert polled.json["stored_count"] > 0


def test_sync_while_one_runs_is_a_409_naming_it(client, bearer, app):
    make_tag(app)
    with app.app_context():
        from qwir import catalog
        from qwir.models import IdentityTag

        running = catalog.start_sync(db.session.get(IdentityTag, 1), media_type="movie", trigger="cli")
        running_id = running.id
    response = client.post("/api/v1/tags/lesbian/sync", headers=bearer)
    assert response.status_code == 409
    assert response.json["audit_id"] == running_id
    assert response.headers["Location"] == f"/api/v1/syncs/{running_id}"


def test_a_failed_sync_reports_its_redacted_error(client, bearer, app, monkeypatch):
    monkeypatch.setattr(tasks, "build_tmdb_client", failing_tmdb_client)
    make_tag(app)
    response = client.post("/api/v1/tags/lesbian/sync", headers=bearer)
    polled = client.get(response.headers["Location"], headers=bearer).json
    assert polled["status"] == "failed"
    assert polled["error_class"] == "TmdbUnavailableError"


def test_sync_of_a_media_type_the_tag_lacks_is_a_422(client, bearer, app):
    make_tag(app)
    response = client.post("/api/v1/tags/lesbian/sync", json={"media_type": "tv"}, headers=bearer)
    assert response.status_code == 422


def test_unknown_sync_is_a_404(client, bearer):
    assert client.get("/api/v1/syncs/999", headers=bearer).status_code == 404

