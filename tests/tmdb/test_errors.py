"""TMDb error answers -> the right TmdbError subclass, with status, code and a helpful message."""

from __future__ import annotations

import pickle

import pytest

from qwir.tmdb.errors import (
    TmdbAuthorizationError,
    TmdbError,
    TmdbNotFoundError,
    TmdbRateLimitError,
    TmdbUnavailableError,
    TmdbValidationError,
    describe_body,
    error_from_response,
)


def body(code: int, message: str = "Something about the request.") -> dict:
    return {"success": False, "status_code": code, "status_message": message}


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (401, 3, TmdbAuthorizationError),
        (401, 7, TmdbAuthorizationError),
        (401, 10, TmdbAuthorizationError),
        (404, 6, TmdbNotFoundError),
        (404, 34, TmdbNotFoundError),
        (500, 11, TmdbUnavailableError),
        (400, 18, TmdbValidationError),
        (400, 22, TmdbValidationError),
        (422, 22, TmdbValidationError),
        (400, 23, TmdbValidationError),
        (504, 24, TmdbUnavailableError),
        (429, 25, TmdbRateLimitError),
        (400, 27, TmdbValidationError),
        (503, 46, TmdbUnavailableError),
        (400, 47, TmdbValidationError),
    ],
)
def test_every_documented_code_maps_to_its_class(status, code, error_class):
    error = error_from_response(status, body(code), where="/discover/movie")
    assert type(error) is error_class
    assert error.status == status
    assert error.tmdb_code == code
    assert f"TMDb code {code}" in str(error)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(403, TmdbAuthorizationError), (418, TmdbError), (502, TmdbUnavailableError)],
)
def test_unusual_statuses_fall_back_on_the_code_or_the_status_family(status, error_class):
    code = 7 if status == 403 else None
    error = error_from_response(status, body(code) if code else None, where="/configuration")
    assert type(error) is error_class


def test_a_body_that_is_not_json_still_gives_a_useful_message():
    error = error_from_response(502, None, where="/movie/550")
    assert str(error) == "TMDb answered 502 to /movie/550: HTTP 502"
    assert error.tmdb_code is None


@pytest.mark.parametrize(
    ("name", "status", "error_class", "code", "text"),
    [
        ("error_401_invalid_api_key.json", 401, TmdbAuthorizationError, 7, "Invalid API key"),
        ("error_404_not_found_without_success_field.json", 404, TmdbNotFoundError, 34, "could not be found"),
        ("error_404_resource_not_found_2023-01-12.json", 404, TmdbNotFoundError, 34, "could not be found"),
        ("error_422_validation_query_must_be_provided.json", 422, TmdbValidationError, None, "query must be"),
        ("error_429_rate_limit_legacy_2017-08-29.json", 429, TmdbRateLimitError, 25, "allowed limit"),
    ],
)
def test_recorded_error_bodies_map_by_both_shapes(recorded_json, name, status, error_class, code, text):
    error = error_from_response(status, recorded_json(name), where="/search/keyword")
    assert type(error) is error_class
    assert error.tmdb_code == code
    assert text in str(error)


def test_the_errors_shape_joins_every_message():
    assert describe_body({"errors": ["query must be provided", "page must be less than 500"]}) == (
        "query must be provided; page must be less than 500",
        None,
    )


def test_rate_limit_errors_keep_the_retry_hint():
    error = error_from_response(429, body(25), where="/discover/tv", retry_after=2.5)
    assert isinstance(error, TmdbRateLimitError)
    assert error.retry_after == 2.5


def test_every_class_is_a_tmdb_error_with_a_readable_repr():
    error = TmdbNotFoundError("No such film", status=404, tmdb_code=34)
    assert isinstance(error, TmdbError)
    assert repr(error) == "TmdbNotFoundError('No such film', status=404, tmdb_code=34)"


def test_errors_survive_pickling_for_background_workers():
    error = TmdbRateLimitError("Slow down", status=429, tmdb_code=25, retry_after=2.0)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, round-tripped in memory
    assert type(copy) is TmdbRateLimitError
    assert (copy.status, copy.tmdb_code, copy.retry_after, str(copy)) == (429, 25, 2.0, "Slow down")
