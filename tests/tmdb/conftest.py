"""Fixtures for the TMDb layer: fake credentials, a fake clock, respx routes and a loopback server."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import respx

from qwir.tmdb import TmdbClient

BASE_URL = "https://api.themoviedb.org/3"


def fake_v3_key() -> str:
    """Shaped like a v3 API key (32 hex digits), obviously not a real one."""
    return "f" * 32


def fake_v4_token() -> str:
    """Shaped like a v4 read access token (a JWT: three dot-separated parts), obviously fake."""
    return ".".join(["eyJ" + "q" * 33, "eyJ" + "w" * 90, "e" * 43])


class FakeClock:
    """A monotonic clock that only moves when slept on; records every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class CountingLimiter:
    """A limiter that never waits and counts how often it was asked."""

    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self) -> None:
        self.acquired += 1


@pytest.fixture
def v3_key() -> str:
    return fake_v3_key()


@pytest.fixture
def v4_token() -> str:
    return fake_v4_token()


@pytest.fixture(params=["v3 api key", "v4 read token"])
def secret(request) -> str:
    """Each test using it runs once with a v3 key and once with a v4 token."""
    return fake_v3_key() if request.param == "v3 api key" else fake_v4_token()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter() -> CountingLimiter:
    return CountingLimiter()


@pytest.fixture
def make_client(clock, limiter):
    """Build clients on the fake clock, a fixed jitter of 0.5 and a limiter that never waits."""
    clients: list[TmdbClient] = []

    def build(api_key: str | None = None, **options) -> TmdbClient:
        options.setdefault("sleep", clock.sleep)
        options.setdefault("clock", clock)
        options.setdefault("random", lambda: 0.5)
        options.setdefault("limiter", limiter)
        client = TmdbClient(api_key or fake_v3_key(), **options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def tmdb_mock() -> Iterator[respx.MockRouter]:
    """respx routes on TMDb's base URL; every request must match a route."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def recorded(shared_dir) -> Path:
    """The folder of real recorded TMDb responses."""
    return shared_dir / "tmdb-recorded"


@pytest.fixture
def recorded_json(recorded):
    """Load one recorded response by file name."""

    def load(name: str) -> dict:
        return json.loads((recorded / name).read_text(encoding="utf-8"))

    return load


class LoopbackTmdb:
    """A real HTTP/1.1 server on 127.0.0.1 answering scripted (status, headers, body) replies in turn.

    It records each request's path and the client port it came from (to see connection reuse).
    """

    def __init__(self) -> None:
        self.replies: queue.Queue[tuple[int, dict, bytes]] = queue.Queue()
        self.requests: list[tuple[str, int]] = []
        self.delay = 0.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/3"

    def reply(self, status: int, body: dict | bytes, headers: dict | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.replies.put((status, headers or {}, raw))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, self.client_address[1]))
                time.sleep(server.delay)
                status, headers, body = server.replies.get_nowait()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Keep the server quiet: the tests read what it recorded instead."""

        return Handler

    def __enter__(self) -> LoopbackTmdb:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def loopback_tmdb() -> Iterator[LoopbackTmdb]:
    with LoopbackTmdb() as server:
        yield server
