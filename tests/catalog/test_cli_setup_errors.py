"""`flask qwir ...` on a database or TMDb settings it cannot use: one clear line and a failing exit code."""

from __future__ import annotations

import pytest

from qwir import create_app
from qwir.extensions import db


@pytest.fixture
def unmigrated_app(app_config, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("args", [["sync", "queer"], ["sync", "--all"]])
def test_a_database_without_tables_names_the_fix_instead_of_a_traceback(unmigrated_app, args):
    result = unmigrated_app.test_cli_runner().invoke(args=["qwir", *args])
    assert result.exit_code == 1
    assert "the database is not reachable or not set up (no such table: identity_tags)" in result.output
    assert "qwir bootstrap" in result.output
    assert isinstance(result.exception, SystemExit)


def test_an_unreachable_database_is_one_line_without_the_statement(app_config):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/qwir.sqlite3"})
    result = app.test_cli_runner().invoke(args=["qwir", "sync", "queer"])
    assert result.exit_code == 1
    assert "unable to open database file" in result.output
    assert "SELECT" not in result.output and isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("setting", [{"TMDB_MAX_RETRIES": -1}, {"TMDB_TIMEOUT": -2.0}])
def test_tmdb_settings_the_client_refuses_end_the_sync_with_one_line(app_config, setting):
    app = create_app({**app_config, **setting})
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    runner.invoke(args=["qwir", "seed"])
    result = runner.invoke(args=["qwir", "sync", "queer"])
    assert result.exit_code == 1
    assert "check the TMDB_* settings: max_retries must be >= 0 and timeout > 0" in result.output
    assert isinstance(result.exception, SystemExit)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
