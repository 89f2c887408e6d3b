"""No TMDb key or token in any log record, exception message, repr or traceback, on any path."""

from __future__ import annotations

import logging
import sys
import traceback

import httpx
import pytest

from qwir.tmdb import TmdbError
from qwir.tmdb.redaction import (
    HTTP_LOGGER_NAMES,
    REDACTED,
    SecretRedactingFilter,
    install_http_log_redaction,
    redact,
)

SERVER_ERROR = {"success": False, "status_code": 11, "status_message": "Internal error."}
BAD_KEY = {"success": False, "status_code": 7, "status_message": "Invalid API key."}


@pytest.fixture(autouse=True)
def no_redaction_installed_yet():
    """Start each test with the HTTP loggers as httpx leaves them, so only the code under test masks."""
    saved = {name: list(logging.getLogger(name).filters) for name in HTTP_LOGGER_NAMES}
    for name in HTTP_LOGGER_NAMES:
        for installed in saved[name]:
            logging.getLogger(name).removeFilter(installed)
    yield
    for name in HTTP_LOGGER_NAMES:
        logger = logging.getLogger(name)
        logger.filters = saved[name]


@pytest.fixture
def debug_logs(caplog):
    """Capture every record at DEBUG from the root, httpx and httpcore loggers."""
    for name in (None, "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def everything_logged(caplog) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def exception_texts(error: BaseException) -> str:
    return "\n".join([str(error), repr(error), "".join(traceback.format_exception(error))])


def assert_nowhere(secret: str, *texts: str) -> None:
    for text in texts:
        assert secret not in text
        assert secret[:16] not in text


def test_redact_masks_known_secrets_api_key_values_and_bearer_tokens():
    text = "GET /3/movie/1?api_key=abc123&page=2 Authorization: Bearer x.y.z and sandbox-secret"
    cleaned = redact(text, ["sandbox-secret"])
    assert cleaned == (
        f"GET /3/movie/1?api_key={REDACTED}&page=2 Authorization: Bearer {REDACTED} and {REDACTED}"
    )


def test_the_filter_masks_formatted_arguments_and_tracebacks(secret):
    logger = logging.getLogger("qwir.tests.redaction")
    record_filter = SecretRedactingFilter([secret])
    try:
        raise RuntimeError(f"boom with {secret}")
    except RuntimeError:
        failure = sys.exc_info()
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "url %s", (secret,), failure)
    record_filter.filter(record)
    rendered = logging.Formatter().format(record)
    assert_nowhere(secret, rendered)
    assert REDACTED in rendered


def test_installing_twice_keeps_one_filter_per_logger_and_merges_secrets(v3_key, v4_token):
    install_http_log_redaction([v3_key])
    install_http_log_redaction([v4_token, v3_key])
    for name in HTTP_LOGGER_NAMES:
        filters = [f for f in logging.getLogger(name).filters if isinstance(f, SecretRedactingFilter)]
        assert len(filters) == 1
        assert {v3_key, v4_token} <= set(filters[0].secrets)


def test_success_retry_and_failure_paths_leak_nothing(make_client, tmdb_mock, debug_logs, secret):
    def hostile_failure(request: httpx.Request):
        raise httpx.ConnectError(f"cannot reach {request.url} with {request.headers}")

    flaky = tmdb_mock.get("/configuration")
    flaky.side_effect = [httpx.Response(500, json=SERVER_ERROR), httpx.Response(200, json={"images": {}})]
    tmdb_mock.get("/genre/movie/list").respond(429, json={"status_code": 25, "status_message": "Slow down."})
    tmdb_mock.get("/movie/550").respond(401, json=BAD_KEY)
    tmdb_mock.get("/tv/1399").mock(side_effect=hostile_failure)
    tmdb_mock.get("/keyword/1").respond(200, content=b"not json at all")
    client = make_client(secret, max_retries=2)

    client.configuration()
    errors = []
    for call in (
        lambda: client.genres("movie"),
        lambda: client.movie_details(550),
        lambda: client.tv_details(1399),
        lambda: client.keyword(1),
    ):
        with pytest.raises(TmdbError) as raised:
            call()
        errors.append(raised.value)

    assert_nowhere(secret, everything_logged(debug_logs), repr(client), *map(exception_texts, errors))
    assert any(record.name == "qwir.tmdb.client" for record in debug_logs.records)


def test_real_http_logs_from_httpx_and_httpcore_leak_nothing(make_client, loopback_tmdb, debug_logs, secret):
    loopback_tmdb.reply(429, {"status_code": 25, "status_message": "Slow down."}, {"Retry-After": "1"})
    loopback_tmdb.reply(200, {"id": 550, "title": "Fight Club"})
    loopback_tmdb.reply(401, BAD_KEY)
    client = make_client(secret, base_url=loopback_tmdb.base_url)

    assert client.movie_details(550)["id"] == 550
    with pytest.raises(TmdbError) as raised:
        client.movie_details(550)

    logged = everything_logged(debug_logs)
    assert_nowhere(secret, logged, exception_texts(raised.value))
    # The loggers that leak by default really spoke, and were masked.
    names = {record.name for record in debug_logs.records}
    assert "httpx" in names
    assert any(name.startswith("httpcore") for name in names)
    if "." not in secret:
        assert f"api_key={REDACTED}" in logged
