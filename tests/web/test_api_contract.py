"""The API keeps the promises of its one description: numbers, nulls, a 503 that ends, health, docs."""

from __future__ import annotations

import re

import pytest
from curator_support import create_curator, issue_token, make_tag, store_list

from qwir.extensions import db
from qwir.models import IdentityTag


@pytest.fixture
def bearer(app):
    create_curator(app)
    return {"Authorization": f"Bearer {issue_token(app)}"}


def test_a_whole_number_written_24_0_is_an_integer(client, app, bearer):
    make_tag(app)
    response = client.patch("/api/v1/tags/lesbian", json={"list_size": 24.0, "feature_position": 3.0},
                            headers=bearer)
    assert response.status_code == 200
    assert (response.json["list_size"], response.json["feature_position"]) == (24, 3)


@pytest.mark.parametrize("body", [{"list_size": 24.5}, {"list_size": "24"}, {"list_size": True}])
def test_other_numbers_and_look_alikes_are_refused(client, app, bearer, body):
    make_tag(app)
    response = client.patch("/api/v1/tags/lesbian", json=body, headers=bearer)
    assert response.status_code == 422 and set(response.json["errors"]) == {"list_size"}


@pytest.mark.parametrize("field", ["theme", "name", "keyword_names", "media_types", "list_size", "featured"])
def test_null_is_refused_where_the_document_does_not_allow_it(client, app, bearer, field):
    make_tag(app)
    response = client.patch("/api/v1/tags/lesbian", json={field: None}, headers=bearer)
    assert response.status_code == 422 and set(response.json["errors"]) == {field}


def test_null_is_accepted_where_the_document_allows_it(client, app, bearer):
    make_tag(app, language="sv", max_certification="R")
    response = client.patch("/api/v1/tags/lesbian", json={"language": None, "max_certification": None},
                            headers=bearer)
    assert response.status_code == 200
    assert (response.json["language"], response.json["max_certification"]) == (None, None)


def test_the_form_and_the_api_apply_the_same_rules(client, app, bearer):
    make_tag(app)
    create_curator_form = {"name": "Lesbians", "keyword_names": "lesbian", "media_types": "movie",
                           "theme": "Not A Theme"}
    from curator_support import sign_in

    sign_in(client)
    form = client.post("/admin/tags/lesbian/edit", data=create_curator_form, headers={"HX-Request": "true"})
    api = client.patch("/api/v1/tags/lesbian", json={"theme": "Not A Theme"}, headers=bearer)
    assert form.status_code == api.status_code == 422
    assert "Use lower-case letters, digits and hyphens." in form.get_data(as_text=True)
    assert api.json["errors"] == {"theme": "Use lower-case letters, digits and hyphens."}


def test_a_list_whose_keywords_match_nothing_is_a_404_not_an_endless_503(client, app):
    make_tag(app, keyword_names=["no such keyword anywhere"])
    # A read never syncs itself: the first one queues the sync on the worker thread and answers
    # "being prepared", unless that thread was quick enough to find no match before the answer left.
    assert client.get("/api/v1/lists/lesbian-spotlight-1").status_code in (503, 404)
    app.extensions["qwir_worker"].join()
    first = client.get("/api/v1/lists/lesbian-spotlight-1")
    assert first.status_code == 404
    assert "match" in first.json["detail"]
    with app.app_context():
        tag = db.session.get(IdentityTag, 1)
        assert tag.keywords_resolved_at is not None
        assert tag.keyword_matches == {"no such keyword anywhere": []}
    assert client.get("/api/v1/tags/lesbian/random").status_code == 404


def test_the_health_resource_needs_a_token_and_reports_warnings(client, app, bearer):
    tag_id = make_tag(app, media_types=["movie", "tv"])
    store_list(app, tag_id, [{"title": "Carol"}])
    assert client.get("/api/v1/tags/lesbian/health").status_code == 401
    report = client.get("/api/v1/tags/lesbian/health", headers=bearer).json
    assert report["tag"] == "lesbian"
    assert report["keywords"] == [{"name": "lesbian", "ids": None}]
    (films,) = report["lists"]
    assert (films["size"], films["target"]) == (1, 20)
    assert {w["code"] for w in report["warnings"]} == {"thin-list", "never-synced"}


def test_the_readable_reference_is_served_from_our_own_files(client):
    response = client.get("/api/v1/docs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<redoc spec-url="/api/v1/openapi.json"' in page
    assert re.search(r'<script src="/static/vendor/redoc\.standalone\.js(\?v=\w+)?">', page)
    assert "cdn" not in page.lower()
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "worker-src 'self' blob:" in policy


def test_the_document_describes_health_and_its_models(client):
    document = client.get("/api/v1/openapi.json").json
    assert "/api/v1/tags/{slug}/health" in document["paths"]
    schemas = document["components"]["schemas"]
    assert schemas["TagChanges"]["properties"]["list_size"] == {
        "default": 20, "maximum": 100, "minimum": 1, "title": "List Size", "type": "integer"}
    assert schemas["TagChanges"]["properties"]["theme"]["type"] == "string"
