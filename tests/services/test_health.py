"""/healthz and /readyz: what an orchestrator or a load balancer reads before sending traffic."""

from __future__ import annotations

import datetime as dt

import pytest

from qwir import create_app, curators
from qwir.extensions import db
from qwir.models import IdentityTag, SyncAudit


def _finished_audit(tag: IdentityTag, status: str, minutes_ago: int, error_class: str | None = None):
    finished = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    return SyncAudit(
        tag=tag, trigger="schedule", status=status, started_at=finished - dt.timedelta(seconds=2),
        finished_at=finished, error_class=error_class, duration_ms=2000,
    )


@pytest.fixture
def broken_app(app_config, monkeypatch):
    """Build an app with some settings replaced, without touching the database at start-up."""
    for name in ("TMDB_API_KEY", "DATABASE_URL", "CACHE_REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    return lambda **overrides: create_app({**app_config, **overrides})


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_with_database_and_cache_and_reports_tmdb(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["tmdb"] == {"source": "sandbox"}


def test_readyz_reports_the_last_sync_and_the_last_success(app, client):
    with app.app_context():
        tag = IdentityTag(slug="queer", name="Queer")
        db.session.add_all([
            _finished_audit(tag, "succeeded", minutes_ago=90),
            _finished_audit(tag, "failed", minutes_ago=5, error_class="TmdbUnavailableError"),
        ])
        db.session.commit()

    anonymous = client.get("/readyz").get_json()["tmdb"]
    with app.app_context():
        curators.create_curator("ops@example.org", "a long enough passphrase")
    client.post("/admin/login", data={"email": "ops@example.org", "password": "a long enough passphrase"})
    tmdb = client.get("/readyz").get_json()["tmdb"]

    assert anonymous == {"source": "sandbox"}
    assert tmdb["last_sync_status"] == "failed"
    assert tmdb["last_error_class"] == "TmdbUnavailableError"
    assert tmdb["last_success_at"] < tmdb["last_sync_at"]


def test_readyz_says_live_when_a_tmdb_key_is_set(broken_app):
    app = broken_app(TMDB_API_KEY="0123456789abcdef" * 2)
    with app.app_context():
        db.create_all()

    body = app.test_client().get("/readyz").get_json()

    assert body["tmdb"]["source"] == "live"
    assert "0123456789abcdef" not in str(body)


def test_readyz_is_503_when_the_database_is_unreachable_and_hides_the_dsn(broken_app):
    app = broken_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://qwir:hunter2@127.0.0.1:1/qwir")

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["database"].startswith("unreachable")
    assert body["cache"] == "ok"
    assert "hunter2" not in response.get_data(as_text=True)


def test_readyz_is_503_when_the_cache_is_unreachable(broken_app):
    app = broken_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        db.create_all()

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["cache"].startswith("unreachable")
    assert response.get_json()["database"] == "ok"


def test_healthz_stays_up_while_the_database_is_down(broken_app):
    app = broken_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://qwir@127.0.0.1:1/qwir")

    assert app.test_client().get("/healthz").status_code == 200
