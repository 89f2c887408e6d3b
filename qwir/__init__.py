"""Qwir: curated LGBTQ+ film and series spotlights from TMDb, served as htmx fragments."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from qwir.config import settings_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: environment settings first, then the test mapping on top."""
    config = dict(config or {})
    app = Flask(
        __name__,
        instance_path=config.pop("INSTANCE_PATH", None) or os.environ.get("QWIR_INSTANCE_PATH"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(settings_from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    _ensure_secret_key(app)

    from qwir import i18n, logs

    logs.init_app(app)
    i18n.init_app(app)
    _init_extensions(app)
    _register_blueprints(app)

    from qwir import assets, discretion, errors, security, tasks

    discretion.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    tasks.celery_init_app(app)

    from qwir import cli

    cli.init_app(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY when set; otherwise keep a random one in the instance folder for the laptop."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from qwir import models  # noqa: F401  (registers the tables with the metadata)
    from qwir.extensions import cache, compress, csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    cache.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load_curator)
    htmx.init_app(app)
    compress.init_app(app)


def _tune_sqlite(engine) -> None:
    """The embedded default's SQLite: WAL lets pages read while a sync writes, and NORMAL
    synchronisation (safe under WAL) spares an fsync per commit; PostgreSQL is left alone."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _load_curator(curator_id: str):
    from qwir.curator_sessions import load_signed_in_curator

    return load_signed_in_curator(curator_id)


def _register_blueprints(app: Flask) -> None:
    from qwir import sharing
    from qwir.blueprints import admin, api, auth, catalog, fragments, health, pages, sandbox_images
    from qwir.blueprints import sharing as sharing_pages

    for module in (pages, catalog, fragments, health, auth, admin, api, sandbox_images, sharing_pages):
        app.register_blueprint(module.bp)
    sharing.init_app(app)
