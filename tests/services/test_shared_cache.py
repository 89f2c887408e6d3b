"""Several gunicorn worker processes share one Redis cache: what one fetched from TMDb, the others reuse."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from qwir import create_app
from qwir.curators import create_curator, issue_token
from qwir.extensions import db
from tests.services.conftest import wait_until

pytestmark = pytest.mark.services


@pytest.fixture
def web_settings(migrated_postgres_url, redis_url, redis_prefix, sandbox_server) -> dict[str, str]:
    """PostgreSQL, the Redis cache under our prefix, TMDb = the loopback sandbox, jobs in-process."""
    return {
        "DATABASE_URL": migrated_postgres_url,
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": redis_prefix,
        "TMDB_API_BASE_URL": sandbox_server.base_url,
    }


@pytest.fixture
def curator_token(migrated_postgres_url, tmp_path) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated_postgres_url, "SECRET_KEY": "services-test-secret",
                      "INSTANCE_PATH": str(tmp_path / "token-instance"), "CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        secret = issue_token(create_curator("ops@example.org", "a long enough passphrase")).secret
        db.session.remove()
        db.engine.dispose()
    return secret


def _pids_serving(log_text: str, path: str) -> list[str]:
    return re.findall(rf'"POST {re.escape(path)} HTTP/1.1" \d+ \S+ \d+ms pid=<(\d+)>', log_text)


def test_a_second_worker_process_reuses_what_the_first_fetched(
    start_gunicorn, web_settings, curator_token, sandbox_server, tmp_path
):
    # One request per worker process, then a fresh process: nothing can be remembered in memory.
    base_url = start_gunicorn(workers=2, GUNICORN_WORKER_CLASS="sync", GUNICORN_MAX_REQUESTS="1",
                              **web_settings)
    headers = {"Authorization": f"Bearer {curator_token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        first = client.post("/api/v1/tags/lesbian/sync")
        asked_first = sandbox_server.stats()["requests"]
        second = client.post("/api/v1/tags/lesbian/sync")
        asked_second = sandbox_server.stats()["requests"] - asked_first

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["status"] == second.json()["status"] == "succeeded"
    assert asked_first > 0
    assert asked_second == 0
    assert second.json()["tmdb_requests"] == 0
    # Each process that answered was retired right after its one request (its log lines may lag).
    log_path = next(Path(tmp_path).glob("gunicorn-*.log"))
    assert wait_until(lambda: len(_pids_serving(log_path.read_text(), "/api/v1/tags/lesbian/sync")) == 2, 10)
    assert log_path.read_text().count("Autorestarting worker after current request") >= 2


def test_concurrent_requests_for_a_never_seen_carousel_make_one_discover_call(
    start_gunicorn, web_settings, sandbox_server, migrated_postgres_url
):
    base_url = start_gunicorn(workers=2, **web_settings)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        slug = re.search(r"/fragments/carousel/(gay-spotlight-\d+)", client.get("/").text)[1]
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(lambda _: client.get(f"/fragments/carousel/{slug}"), range(24)))

    assert {answer.status_code for answer in answers} == {200}
    # One sync for all 24 requests, run on a worker thread after the answers: its discover page, and
    # the same page without the explicit-content exclusion, which shows curators what it removed.
    discover_calls = lambda: sandbox_server.stats()["paths"].get("/3/discover/movie", 0)  # noqa: E731
    assert wait_until(lambda: discover_calls() >= 2, 30)
    assert discover_calls() == 2
