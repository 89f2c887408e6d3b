"""The sandbox as a loopback HTTP server (threaded werkzeug): for load, fault and speed tests."""

from __future__ import annotations

import dataclasses
import socket
import struct
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from qwir.tmdb.sandbox.api import DEFAULT_SANDBOX_KEY, SandboxApi, route_name
from qwir.tmdb.sandbox.faults import MALFORMED_BODY, FaultPlan
from qwir.tmdb.sandbox.images import UnknownImageError, image_kind, render_image_svg
from qwir.tmdb.sandbox.padding import pad_details
from qwir.tmdb.sandbox.responses import JSON_CONTENT_TYPE, NOT_FOUND, SandboxResponse, error_response
from qwir.tmdb.sandbox.transport import encode_body

IMAGE_PREFIX = "/t/p/"
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ConnectionAbort(ConnectionResetError):
    """Raised after the socket is cut, so werkzeug treats the request as a dropped connection."""


class SandboxWsgiApp:
    """WSGI app: TMDb's API under /3/ and the generated artwork under /t/p/<size>/<file>."""

    def __init__(self, api: SandboxApi, faults: FaultPlan, details_bytes: int = 0):
        self.api = api
        self.faults = faults
        self.details_bytes = details_bytes
        self._padded_answers: dict[tuple[str, str], tuple[int, bytes, dict[str, str]]] = {}
        self._padded_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        fault = self.faults.next_fault(route_name(path))
        if self.faults.latency_seconds:
            time.sleep(self.faults.latency_seconds)
        if fault and fault.kind == "connection_abort":
            _abort(environ)
        if path.startswith(IMAGE_PREFIX) and not fault:
            return self._image(path, start_response)
        if not fault and self.details_bytes:
            return self._padded(environ, path, start_response)
        answer = (fault and fault.error_response()) or self._answer(environ, path)
        body = MALFORMED_BODY if fault and fault.kind == "malformed_json" else encode_body(answer.body)
        return self._send(answer.status, JSON_CONTENT_TYPE, body, answer.headers, start_response)

    def _padded(self, environ: dict[str, Any], path: str, start_response) -> Iterable[bytes]:
        """Real-sized answers, encoded once per URL: a benchmark must time the client, not the sandbox."""
        url = (path, environ.get("QUERY_STRING", ""))
        with self._padded_lock:
            found = self._padded_answers.get(url)
        if found is None:
            answer = self._answer(environ, path)
            if answer.status == 200 and isinstance(answer.body, dict):
                answer = dataclasses.replace(answer, body=pad_details(answer.body, self.details_bytes))
            found = (answer.status, encode_body(answer.body), answer.headers)
            with self._padded_lock:
                self._padded_answers[url] = found
        status, body, headers = found
        return self._send(status, JSON_CONTENT_TYPE, body, headers, start_response)

    def _answer(self, environ: dict[str, Any], path: str) -> SandboxResponse:
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        return self.api.handle(environ.get("REQUEST_METHOD", "GET"), path, params, headers)

    def _image(self, path: str, start_response) -> Iterable[bytes]:
        size, _, file_name = path.removeprefix(IMAGE_PREFIX).partition("/")
        try:
            svg = render_image_svg(image_kind(file_name), file_name, size)
        except UnknownImageError:
            answer = error_response(*NOT_FOUND)
            return self._send(404, JSON_CONTENT_TYPE, encode_body(answer.body), {}, start_response)
        cache = {"Cache-Control": "public, max-age=31536000, immutable"}
        return self._send(200, "image/svg+xml", svg.encode(), cache, start_response)

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str], start_response
    ) -> Iterable[bytes]:
        self.faults.record_status(status)
        response_headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            *headers.items(),
        ]
        start_response(f"{status} {REASONS.get(status, 'Error')}", response_headers)
        return [body]


def _abort(environ: dict[str, Any]) -> None:
    """Cut the connection mid-request: linger 0 turns the close into a reset, as a flaky proxy would."""
    connection = environ.get("werkzeug.socket")
    if connection is not None:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbort("sandbox fault: connection aborted")


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: load tests send thousands."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class SandboxServer(ThreadedWSGIServer):
    """werkzeug's threaded server with the sandbox's request statistics at hand."""

    sandbox: SandboxWsgiApp

    def stats(self) -> dict[str, Any]:
        return self.sandbox.faults.stats()

    def reset_stats(self) -> None:
        self.sandbox.faults.reset_stats()


def make_sandbox_server(
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    api_key: str = DEFAULT_SANDBOX_KEY,
    latency_ms: float = 0,
    fail_rate: float = 0.0,
    burst_every: int = 0,
    burst_length: int = 0,
    seed: int | None = None,
    details_kb: float = 0,
) -> SandboxServer:
    """Bind the server (port 0 picks a free one); images are served from the bound address.

    `details_kb` pads details answers that carry credits to about that size, as real TMDb's are.
    """
    faults = FaultPlan(
        latency_ms=latency_ms,
        fail_rate=fail_rate,
        burst_every=burst_every,
        burst_length=burst_length,
        seed=seed,
    )
    app = SandboxWsgiApp(SandboxApi(api_key), faults, details_bytes=int(details_kb * 1000))
    # Bind here so a busy port raises OSError: werkzeug's own bind would print and sys.exit().
    with socket.create_server((host, port), backlog=128) as listener:
        server = SandboxServer(host, port, app, handler=QuietRequestHandler, fd=listener.fileno())
    server.sandbox = app
    app.api.image_base_url = f"http://{host}:{server.port}{IMAGE_PREFIX}"
    return server


def serve(host: str = "127.0.0.1", port: int = 8765, **options: Any) -> None:
    """Run the sandbox server until interrupted (blocking); options as for make_sandbox_server."""
    server = make_sandbox_server(host, port, **options)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def start_server(
    host: str = "127.0.0.1", port: int = 0, **options: Any
) -> tuple[SandboxServer, threading.Thread, str]:
    """Start the server on a background thread; returns it, the thread and its TMDb base URL (…/3).

    Stop it with `server.shutdown(); server.server_close()`.
    """
    server = make_sandbox_server(host, port, **options)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # a prompt shutdown() for tests and benchmarks
        name="qwir-tmdb-sandbox",
        daemon=True,
    )
    thread.start()
    return server, thread, f"http://{host}:{server.port}/3"
