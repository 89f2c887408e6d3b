"""The sandbox over real loopback HTTP: answers, artwork, concurrency, latency, faults, 429 bursts, stats."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from qwir.tmdb.sandbox import SandboxTransport, serve, start_server

KEY = {"api_key": "sandbox"}


@pytest.fixture
def sandbox_server():
    """Start a server with the given options; every one started is stopped after the test."""
    servers = []

    def start(**options):
        server, thread, base_url = start_server(**options)
        servers.append((server, thread))
        return server, base_url

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_answers_like_tmdb_over_loopback_and_serves_its_artwork(sandbox_server):
    _, base_url = sandbox_server()
    with httpx.Client(base_url=base_url, params=KEY) as client:
        discover = client.get("/discover/movie", params={"with_keywords": "10768"}).json()
        image_base = client.get("/configuration").json()["images"]["secure_base_url"]
        poster = httpx.get(f"{image_base}w342{discover['results'][0]['poster_path']}")
        assert client.get("/movie/376867", headers={"Authorization": "Bearer sandbox"}).status_code == 200
    assert discover["total_results"] > 20 and len(discover["results"]) == 20
    assert image_base == f"{base_url.removesuffix('/3')}/t/p/"
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/svg+xml"
    assert poster.text.startswith("<svg")
    assert httpx.get(f"{image_base}w342/qwir-demo-movie-1.svg").status_code == 404


def test_wrong_key_and_unknown_path_over_http(sandbox_server):
    _, base_url = sandbox_server(api_key="configured-key")
    assert httpx.get(f"{base_url}/configuration", params=KEY).json()["status_code"] == 7
    missing = httpx.get(f"{base_url}/nothing/here", params={"api_key": "configured-key"})
    assert missing.status_code == 404 and missing.json()["status_code"] == 34


def test_many_concurrent_clients_are_served_and_counted_per_route(sandbox_server):
    server, base_url = sandbox_server()

    with httpx.Client(base_url=base_url, params=KEY) as client, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(
                lambda movie_id: client.get(f"/movie/{movie_id}").status_code, [142, 376867, 258480, 1] * 6
            )
        )
    assert statuses.count(200) == 18 and statuses.count(404) == 6
    stats = server.stats()
    assert stats["requests"] == 24
    assert stats["paths"] == {"/3/movie/{id}": 24}
    assert stats["statuses"] == {200: 18, 404: 6}
    server.reset_stats()
    assert server.stats()["requests"] == 0


def test_latency_is_added_to_every_answer(sandbox_server):
    _, base_url = sandbox_server(latency_ms=40)
    started = time.perf_counter()
    assert httpx.get(f"{base_url}/genre/movie/list", params=KEY).status_code == 200
    assert time.perf_counter() - started >= 0.04


def classify(client: httpx.Client, path: str) -> str:
    """Name what came back: a TMDb error code, a dropped connection, a broken body, or ok."""
    try:
        response = client.get(path, params=KEY)
    except httpx.TransportError:
        return "dropped"
    try:
        body = response.json()
    except json.JSONDecodeError:
        return f"{response.status_code} malformed"
    return f"{response.status_code} code {body['status_code']}" if "status_code" in body else "ok"


def test_fail_rate_one_answers_with_every_kind_of_tmdb_failure(sandbox_server):
    server, base_url = sandbox_server(fail_rate=1.0, seed=7)
    with httpx.Client(base_url=base_url) as client:
        outcomes = {classify(client, "/discover/movie") for _ in range(40)}
    assert outcomes == {"500 code 11", "503 code 46", "504 code 24", "dropped", "200 malformed"}
    assert sum(server.stats()["faults"].values()) == 40


def test_a_small_fail_rate_fails_some_requests_only(sandbox_server):
    server, base_url = sandbox_server(fail_rate=0.25, seed=3)
    with httpx.Client(base_url=base_url) as client:
        outcomes = [classify(client, "/configuration") for _ in range(40)]
    assert 0 < 40 - outcomes.count("ok") < 25
    assert sum(server.stats()["faults"].values()) == 40 - outcomes.count("ok")


def test_429_bursts_come_at_the_configured_rhythm_with_and_without_retry_after(sandbox_server):
    server, base_url = sandbox_server(burst_every=3, burst_length=2)
    with httpx.Client(base_url=base_url, params=KEY) as client:
        responses = [client.get("/configuration") for _ in range(10)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429, 200, 200, 200, 429, 429]
    limited = responses[3].json()
    assert limited["success"] is False and limited["status_code"] == 25
    assert "(4)" in limited["status_message"] and "limit of (40)" in limited["status_message"]
    assert responses[3].headers["Retry-After"] == "1"
    assert "Retry-After" not in responses[8].headers
    assert server.stats()["faults"] == {"rate_limited": 4}


def test_serve_reports_a_port_already_in_use(sandbox_server):
    server, _ = sandbox_server()
    with pytest.raises(OSError):
        serve("127.0.0.1", server.port)


def test_transport_faults_sleep_through_the_injected_clock_and_drop_connections():
    sleeps: list[float] = []
    transport = SandboxTransport(latency_ms=50, fail_rate=1.0, seed=7, sleep=sleeps.append)
    with httpx.Client(transport=transport, base_url="https://api.themoviedb.org/3") as client:
        outcomes = {classify(client, "/discover/tv") for _ in range(40)}
    assert sleeps == [0.05] * 40
    assert outcomes == {"500 code 11", "503 code 46", "504 code 24", "dropped", "200 malformed"}
    assert transport.stats()["paths"] == {"/3/discover/tv": 40}


def test_transport_counts_requests_without_faults_by_default():
    transport = SandboxTransport()
    with httpx.Client(transport=transport, base_url="https://api.themoviedb.org/3", params=KEY) as client:
        client.get("/search/keyword", params={"query": "gay"})
        client.get("/movie/142", params={"append_to_response": "credits"})
    assert transport.stats() == {
        "requests": 2,
        "paths": {"/3/search/keyword": 1, "/3/movie/{id}": 1},
        "statuses": {200: 2},
        "faults": {},
    }


@pytest.mark.parametrize("options", [{"fail_rate": 1.5}, {"latency_ms": -1}, {"burst_every": -2}])
def test_nonsense_fault_settings_are_refused(options):
    with pytest.raises(ValueError):
        SandboxTransport(**options)


def test_details_can_be_padded_to_real_tmdb_sizes_without_changing_what_matters():
    from qwir.tmdb.normalize import directors

    plain, _thread, plain_url = start_server(port=0)
    padded, _thread2, padded_url = start_server(port=0, details_kb=165)
    try:
        params = {"api_key": "sandbox", "append_to_response": "credits,release_dates"}
        found = httpx.get(f"{plain_url}/discover/movie", params={"api_key": "sandbox"}).json()
        movie_id = found["results"][0]["id"]
        small = httpx.get(f"{plain_url}/movie/{movie_id}", params=params)
        big = httpx.get(f"{padded_url}/movie/{movie_id}", params=params)
        bare = httpx.get(f"{padded_url}/movie/{movie_id}", params={"api_key": "sandbox"})
    finally:
        for server in (plain, padded):
            server.shutdown()
            server.server_close()

    assert len(small.content) < 10_000 and 150_000 <= len(big.content) <= 170_000
    assert len(bare.content) < 5_000  # only answers that carry credits grow
    assert directors(big.json()["credits"]) == directors(small.json()["credits"])
    assert big.json()["credits"]["cast"] == small.json()["credits"]["cast"]
