"""The sandbox as an httpx transport: the real TmdbClient talks to it in-process, no network."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from qwir.tmdb.sandbox.api import DEFAULT_IMAGE_BASE_URL, DEFAULT_SANDBOX_KEY, SandboxApi, route_name
from qwir.tmdb.sandbox.faults import MALFORMED_BODY, FaultPlan
from qwir.tmdb.sandbox.responses import JSON_CONTENT_TYPE, SandboxResponse


class SandboxTransport(httpx.BaseTransport):
    """Answers TMDb v3 requests from the demo catalog, with optional latency and injected failures."""

    def __init__(
        self,
        api_key: str = DEFAULT_SANDBOX_KEY,
        *,
        image_base_url: str = DEFAULT_IMAGE_BASE_URL,
        latency_ms: float = 0,
        fail_rate: float = 0.0,
        burst_every: int = 0,
        burst_length: int = 0,
        seed: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.api = SandboxApi(api_key, image_base_url=image_base_url)
        self.faults = FaultPlan(
            latency_ms=latency_ms,
            fail_rate=fail_rate,
            burst_every=burst_every,
            burst_length=burst_length,
            seed=seed,
        )
        self._sleep = sleep

    def __repr__(self) -> str:
        return "SandboxTransport()"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.next_fault(route_name(request.url.path))
        if self.faults.latency_seconds:
            self._sleep(self.faults.latency_seconds)
        if fault and fault.kind == "connection_abort":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        answer = (fault and fault.error_response()) or self._answer(request)
        self.faults.record_status(answer.status)
        content = MALFORMED_BODY if fault and fault.kind == "malformed_json" else encode_body(answer.body)
        headers = {"Content-Type": JSON_CONTENT_TYPE, **answer.headers}
        return httpx.Response(answer.status, headers=headers, content=content, request=request)

    def stats(self) -> dict[str, Any]:
        return self.faults.stats()

    def _answer(self, request: httpx.Request) -> SandboxResponse:
        params = dict(request.url.params.multi_items())
        return self.api.handle(request.method, request.url.path, params, request.headers)


def encode_body(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
