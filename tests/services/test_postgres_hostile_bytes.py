"""NUL bytes over every route on PostgreSQL (which refuses NUL in text): a 400, never a 500."""

from __future__ import annotations

import re

import pytest

from qwir import create_app
from qwir.extensions import db

pytestmark = pytest.mark.services

NUL = "%00"


@pytest.fixture
def client(migrated_postgres_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated_postgres_url, "SECRET_KEY": "services-test-secret",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "CACHE_TYPE": "SimpleCache",
                      "WTF_CSRF_ENABLED": False, "TESTING": True})
    yield app.test_client(), app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def every_request(app) -> list[tuple[str, str]]:
    """(method, URL) for every route: NUL in each text path segment, or in the query for the others."""
    requests = []
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:int|any)[^>]*>", "1", rule.rule)
        path = re.sub(r"<[^>]+>", f"x{NUL}", path)
        for method in sorted(rule.methods - {"OPTIONS"}):
            requests.append((method, path))
            requests.append((method, f"{path.replace(NUL, '')}?q={NUL}&{NUL}=1"))
            if method in ("POST", "PUT", "PATCH", "DELETE"):
                requests.append((method, path.replace(NUL, "")))  # NUL in the body only
    return requests


def test_nul_in_paths_queries_and_bodies_is_a_bad_request_everywhere(client):
    test_client, app = client
    answers = {}
    for method, url in every_request(app):
        body = {"data": {"email": f"a{chr(0)}@example.org", "password": chr(0)}} if method != "GET" else {}
        answers[(method, url)] = test_client.open(url, method=method, **body).status_code
    server_errors = {request: status for request, status in answers.items() if status >= 500}
    assert server_errors == {}
    with_nul = {status for (method, url), status in answers.items() if NUL in url or method != "GET"}
    assert with_nul == {400}


def test_a_json_body_with_nul_is_a_bad_request(client):
    test_client, _ = client
    answer = test_client.post("/api/v1/tags", json={"name": "a\u0000"}, headers={"Authorization": "Bearer x"})
    assert answer.status_code == 400
