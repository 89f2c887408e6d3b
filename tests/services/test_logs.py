"""Logs an operator reads: one line per request and per sync, the level from LOG_LEVEL, no secrets."""

from __future__ import annotations

import logging

import pytest

from qwir import create_app
from qwir.extensions import db
from qwir.models import IdentityTag, SyncAudit

TMDB_KEY = "feedface" * 4


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TMDB_API_KEY": TMDB_KEY}


@pytest.fixture
def restore_root_level():
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


def _lines(caplog, logger_name: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == logger_name]


def test_each_request_logs_method_path_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="qwir.request")

    client.get("/no-such-page")

    [record] = _lines(caplog, "qwir.request")
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert "method=GET path=/no-such-page status=404 duration_ms=" in message
    assert float(message.rsplit("duration_ms=", 1)[1]) >= 0


def test_probe_requests_log_only_at_debug(client, caplog):
    caplog.set_level(logging.INFO, logger="qwir.request")

    client.get("/healthz")

    assert _lines(caplog, "qwir.request") == []


def test_a_finished_sync_logs_one_line_with_its_counts(app, caplog):
    caplog.set_level(logging.INFO, logger="qwir.sync")
    with app.app_context():
        audit = SyncAudit(tag=IdentityTag(slug="trans", name="Trans"), trigger="api", status="running")
        db.session.add(audit)
        db.session.commit()
        assert _lines(caplog, "qwir.sync") == []

        audit.status, audit.requested_count, audit.stored_count = "succeeded", 20, 18
        audit.tmdb_requests, audit.duration_ms = 23, 812
        db.session.commit()
        audit.tmdb_requests = 24  # a later touch-up is not a second sync
        db.session.commit()

    [record] = _lines(caplog, "qwir.sync")
    assert record.getMessage() == (
        "sync tag=trans media=movie trigger=api status=succeeded requested=20 stored=18 "
        "tmdb_requests=23 duration_ms=812"
    )


def test_a_failed_sync_logs_a_warning_with_the_error(app, caplog):
    caplog.set_level(logging.INFO, logger="qwir.sync")
    with app.app_context():
        db.session.add(SyncAudit(
            tag=IdentityTag(slug="drag", name="Drag"), trigger="schedule", status="failed",
            error_class="TmdbUnavailableError", error_message="TMDb did not answer in time",
        ))
        db.session.commit()

    [record] = _lines(caplog, "qwir.sync")
    assert record.levelno == logging.WARNING
    assert "status=failed" in record.getMessage()
    assert "error=TmdbUnavailableError: TMDb did not answer in time" in record.getMessage()


def test_secrets_are_masked_in_messages_and_tracebacks(app, caplog):
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("qwir.anything")

    log.info("calling https://api.themoviedb.org/3/movie/603?api_key=%s", TMDB_KEY)
    log.info("session signed with %s", app.config["SECRET_KEY"])
    try:
        raise RuntimeError(f"upstream said no for key {TMDB_KEY}")
    except RuntimeError:
        log.exception("sync failed")

    text = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    assert TMDB_KEY not in text
    assert app.config["SECRET_KEY"] not in text
    assert "[REDACTED]" in text


@pytest.mark.parametrize(("setting", "level"), [("WARNING", logging.WARNING), ("DEBUG", logging.DEBUG)])
def test_the_level_comes_from_log_level(app_config, restore_root_level, setting, level):
    create_app({**app_config, "LOG_LEVEL": setting})

    assert logging.getLogger().level == level


def test_an_unknown_level_falls_back_to_info(app_config, restore_root_level):
    create_app({**app_config, "LOG_LEVEL": "CHATTY"})

    assert logging.getLogger().level == logging.INFO
