"""TmdbClient resilience: which failures retry, how long it waits, the deadline, the limiter."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from qwir.tmdb import (
    TmdbAuthorizationError,
    TmdbNotFoundError,
    TmdbRateLimitError,
    TmdbUnavailableError,
    TmdbValidationError,
)
from qwir.tmdb.ratelimit import TokenBucketLimiter

SERVER_ERROR = {"success": False, "status_code": 11, "status_message": "Internal error: try again."}
RATE_LIMITED = {"success": False, "status_code": 25, "status_message": "Request count over the limit."}


def http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_retry_with_full_jitter_exponential_backoff(make_client, tmdb_mock, clock, status):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [
        httpx.Response(status, json=SERVER_ERROR),
        httpx.Response(status, json=SERVER_ERROR),
        httpx.Response(200, json={"images": {}}),
    ]
    client = make_client()
    assert client.configuration() == {"images": {}}
    assert route.call_count == 3
    assert client.request_count == 3
    # random() is pinned at 0.5: half of 0.5 s, then half of 1 s.
    assert clock.sleeps == [0.25, 0.5]


def test_the_jitter_spans_zero_to_the_exponential_ceiling(make_client, tmdb_mock, clock):
    tmdb_mock.get("/configuration").respond(500, json=SERVER_ERROR)
    with pytest.raises(TmdbUnavailableError):
        make_client(random=lambda: 0.999, max_retries=6, deadline=1000).configuration()
    assert clock.sleeps == pytest.approx([0.4995, 0.999, 1.998, 3.996, 7.992, 7.992])


def test_retries_stop_at_max_retries_and_raise_the_last_error(make_client, tmdb_mock):
    maintenance = {"status_code": 46, "status_message": "Maintenance"}
    route = tmdb_mock.get("/configuration").respond(503, json=maintenance)
    client = make_client(max_retries=2)
    with pytest.raises(TmdbUnavailableError) as raised:
        client.configuration()
    assert route.call_count == 3
    assert raised.value.status == 503
    assert raised.value.tmdb_code == 46


def test_zero_retries_means_one_attempt(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration").respond(500, json=SERVER_ERROR)
    with pytest.raises(TmdbUnavailableError):
        make_client(max_retries=0).configuration()
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (400, {"status_code": 22, "status_message": "Invalid page."}, TmdbValidationError),
        (401, {"status_code": 7, "status_message": "Invalid API key."}, TmdbAuthorizationError),
        (404, {"status_code": 34, "status_message": "Not found."}, TmdbNotFoundError),
        (422, {"errors": ["query must be provided"]}, TmdbValidationError),
    ],
)
def test_client_errors_are_never_retried(make_client, tmdb_mock, clock, status, body, error_class):
    route = tmdb_mock.get("/configuration").respond(status, json=body)
    with pytest.raises(error_class):
        make_client().configuration()
    assert route.call_count == 1
    assert clock.sleeps == []


def test_429_without_retry_after_still_backs_off(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [httpx.Response(429, json=RATE_LIMITED), httpx.Response(200, json={})]
    make_client().configuration()
    assert route.call_count == 2
    # At least a second (TMDb counts per second), plus the jitter: 1 + 0.5 * 0.5.
    assert clock.sleeps == [1.25]


def test_429_retry_after_in_seconds_is_honoured(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [
        httpx.Response(429, json=RATE_LIMITED, headers={"Retry-After": "7"}),
        httpx.Response(200, json={}),
    ]
    make_client().configuration()
    assert clock.sleeps == [7.0]


def test_429_retry_after_as_an_http_date_is_honoured(make_client, tmdb_mock, clock):
    served_at = 1_700_000_000
    route = tmdb_mock.get("/configuration")
    route.side_effect = [
        httpx.Response(
            429,
            json=RATE_LIMITED,
            headers={"Date": http_date(served_at), "Retry-After": http_date(served_at + 4)},
        ),
        httpx.Response(200, json={}),
    ]
    make_client().configuration()
    assert clock.sleeps == [4.0]


def test_a_huge_retry_after_is_capped(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [
        httpx.Response(429, json=RATE_LIMITED, headers={"Retry-After": "3600"}),
        httpx.Response(200, json={}),
    ]
    make_client(deadline=100).configuration()
    assert clock.sleeps == [30.0]


def test_a_503_retry_after_is_honoured_too(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [
        httpx.Response(503, json=SERVER_ERROR, headers={"Retry-After": "2"}),
        httpx.Response(200, json={}),
    ]
    make_client().configuration()
    assert clock.sleeps == [2.0]


def test_a_429_past_the_deadline_ends_rate_limited_with_its_retry_after(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration").respond(429, json=RATE_LIMITED, headers={"Retry-After": "3"})
    with pytest.raises(TmdbRateLimitError) as raised:
        make_client(max_retries=1, deadline=10).configuration()
    assert raised.value.retry_after == 3.0
    assert raised.value.tmdb_code == 25
    # 429s wait within the deadline whatever the retry budget: 3 s three times, a fourth would reach it.
    assert clock.sleeps == [3.0, 3.0, 3.0]
    assert route.call_count == 4


def test_429s_do_not_spend_the_retry_budget_meant_for_errors(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [
        *(httpx.Response(429, json=RATE_LIMITED) for _ in range(4)),
        httpx.Response(500, json=SERVER_ERROR),
        httpx.Response(200, json={"images": {}}),
    ]
    assert make_client(max_retries=1, deadline=100).configuration() == {"images": {}}
    assert route.call_count == 6
    # Without Retry-After, 429 waits grow: 1 s plus jitter of 0.5 x (0.5, 1, 2, 4); then one error retry.
    assert clock.sleeps == [1.25, 1.5, 2.0, 3.0, 0.25]


def test_a_429_slows_the_limiter_down_for_the_whole_process(make_client, tmdb_mock, clock):
    limiter = TokenBucketLimiter(10, burst=1, sleep=clock.sleep, clock=clock)
    route = tmdb_mock.get("/configuration")
    route.side_effect = [httpx.Response(429, json=RATE_LIMITED, headers={"Retry-After": "2"}),
                         httpx.Response(200, json={})]
    make_client(limiter=limiter).configuration()
    # The client's own wait, then the limiter's: its one token went on the first request, and
    # after the pause it refills at half speed (5/s), so the retry waits one slot of 0.2 s.
    assert clock.sleeps == pytest.approx([2.0, 0.2])
    assert limiter.current_rate() == 5.0
    clock.sleep(15)
    assert limiter.current_rate() == 10.0


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset")],
)
def test_transport_failures_retry_then_end_as_unavailable(make_client, tmdb_mock, clock, failure):
    route = tmdb_mock.get("/configuration").mock(side_effect=failure)
    client = make_client(max_retries=3)
    with pytest.raises(TmdbUnavailableError) as raised:
        client.configuration()
    assert route.call_count == 4
    assert client.request_count == 4
    assert len(clock.sleeps) == 3
    assert type(failure).__name__ in str(raised.value)
    assert raised.value.__cause__ is None


def test_a_transport_failure_then_success_returns_the_answer(make_client, tmdb_mock):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [httpx.ConnectTimeout("slow"), httpx.Response(200, json={"images": {}})]
    assert make_client().configuration() == {"images": {}}


@pytest.mark.parametrize("body", [b"<html>gateway</html>", b"[1, 2]", b'{"truncated": '])
def test_malformed_json_is_retried_then_unavailable(make_client, tmdb_mock, body):
    route = tmdb_mock.get("/configuration").respond(200, content=body)
    with pytest.raises(TmdbUnavailableError, match="not a JSON object"):
        make_client(max_retries=1).configuration()
    assert route.call_count == 2


def test_the_deadline_stops_retrying_with_unavailable(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration").respond(500, json=SERVER_ERROR, headers={"Retry-After": "1.5"})
    client = make_client(max_retries=10, deadline=2.0)
    with pytest.raises(TmdbUnavailableError, match="2s deadline") as raised:
        client.configuration()
    # Slept 1.5 s once; a second wait of 1.5 s would end after the deadline.
    assert route.call_count == 2
    assert clock.sleeps == [1.5]
    assert "Internal error" in str(raised.value)


def test_the_deadline_defaults_to_three_timeouts(make_client):
    assert make_client(timeout=4.0).deadline == 12.0


def test_each_attempt_gets_only_the_time_left_before_the_deadline(make_client, tmdb_mock, clock):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [
        httpx.Response(503, json=SERVER_ERROR, headers={"Retry-After": "3"}),
        httpx.Response(200, json={}),
    ]
    make_client(timeout=10.0, deadline=5.0).configuration()
    first, second = (call.request.extensions["timeout"] for call in route.calls)
    assert first["read"] == 5.0
    assert second["read"] == 2.0
    assert second["connect"] == 2.0


def test_every_attempt_asks_the_limiter_first(make_client, tmdb_mock, limiter):
    route = tmdb_mock.get("/configuration")
    route.side_effect = [httpx.Response(500, json=SERVER_ERROR), httpx.Response(200, json={})]
    make_client().configuration()
    assert limiter.acquired == 2


def test_the_default_limiter_paces_a_burst_on_the_injected_clock(make_client, tmdb_mock, clock):
    tmdb_mock.get("/keyword/1").respond(json={"id": 1, "name": "lgbt"})
    client = make_client(limiter=None)
    assert isinstance(client.limiter, TokenBucketLimiter)
    for _ in range(30):
        client.keyword(1)
    # 10 go at once (a quarter second of budget), the other 20 at 40 per second.
    assert clock.now - 1000.0 == pytest.approx(20 / 40)
    assert client.request_count == 30
