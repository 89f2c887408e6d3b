"""Shared fixtures: an app on a throwaway SQLite database and instance folder, its clients."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from qwir import create_app, curators
from qwir.extensions import db

SHARED = Path(__file__).resolve().parents[2] / "shared"
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """Compile each committed .po catalog whose .mo is missing or older, as `make setup` does."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Production argon2 costs ~50 ms a hash by design; tests hash with the cheapest parameters."""
    production = curators._hasher, curators._DUMMY_HASH
    curators._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    curators._DUMMY_HASH = curators._hasher.hash("dummy password")
    yield
    curators._hasher, curators._DUMMY_HASH = production


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder beside the checkout (recorded TMDb payloads, demo facts); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Settings for a test app; override in a module to change one."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "CACHE_TYPE": "SimpleCache",
        "WTF_CSRF_ENABLED": False,
        "TMDB_API_KEY": None,
        "CELERY_BROKER_URL": None,
    }


@pytest.fixture
def app(app_config, monkeypatch):
    for name in ("TMDB_API_KEY", "DATABASE_URL", "CACHE_REDIS_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def services_required() -> bool:
    """Under CI, a missing PostgreSQL/Redis/worker fails the run instead of skipping."""
    return os.environ.get("QWIR_REQUIRE_SERVICES") == "1"
