"""Injected trouble for load and fault tests: latency, TMDb-like failures, 429 bursts; request counts."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from qwir.tmdb.sandbox.responses import (
    BACKEND_TIMEOUT,
    INTERNAL_ERROR,
    MAINTENANCE,
    SandboxResponse,
    error_response,
    rate_limited,
)

FAILURE_KINDS = ("internal_error", "maintenance", "backend_timeout", "connection_abort", "malformed_json")
ERROR_BODIES = {
    "internal_error": INTERNAL_ERROR,
    "maintenance": MAINTENANCE,
    "backend_timeout": BACKEND_TIMEOUT,
}
MALFORMED_BODY = b'{"page": 1, "results": [{"adult": false, "id": '
RETRY_AFTER_SECONDS = "1"


@dataclass(frozen=True)
class Fault:
    """What to do to one request instead of answering it normally."""

    kind: str
    request_number: int
    retry_after: str | None = None

    def error_response(self) -> SandboxResponse | None:
        """TMDb's error body for the HTTP-level faults; None for aborts and malformed bodies."""
        if self.kind == "rate_limited":
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return error_response(*rate_limited(self.request_number), headers=headers)
        if self.kind in ERROR_BODIES:
            return error_response(*ERROR_BODIES[self.kind])
        return None


class FaultPlan:
    """Decides, request by request and thread-safely, which requests fail and how; counts everything."""

    def __init__(
        self,
        *,
        latency_ms: float = 0,
        fail_rate: float = 0.0,
        burst_every: int = 0,
        burst_length: int = 0,
        seed: int | None = None,
    ):
        if not 0.0 <= fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
        if latency_ms < 0 or burst_every < 0 or burst_length < 0:
            raise ValueError("latency and burst settings must not be negative")
        self.latency_seconds = latency_ms / 1000
        self._fail_rate = fail_rate
        self._burst_every = burst_every
        self._burst_length = burst_length
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._requests = 0
        self._paths: Counter[str] = Counter()
        self._statuses: Counter[int] = Counter()
        self._faults: Counter[str] = Counter()

    def next_fault(self, route: str) -> Fault | None:
        """Count one request on `route` and say whether (and how) it should fail."""
        with self._lock:
            self._requests += 1
            self._paths[route] += 1
            fault = self._burst_fault(self._requests) or self._random_fault(self._requests)
            if fault:
                self._faults[fault.kind] += 1
            return fault

    def record_status(self, status: int) -> None:
        with self._lock:
            self._statuses[status] += 1

    def stats(self) -> dict[str, Any]:
        """A snapshot: total requests, per route, per status answered, per injected fault."""
        with self._lock:
            return {
                "requests": self._requests,
                "paths": dict(self._paths),
                "statuses": dict(self._statuses),
                "faults": dict(self._faults),
            }

    def reset_stats(self) -> None:
        with self._lock:
            self._requests = 0
            self._paths.clear()
            self._statuses.clear()
            self._faults.clear()

    def _burst_fault(self, number: int) -> Fault | None:
        """After `burst_every` requests, `burst_length` get 429; every other burst sends Retry-After."""
        if not (self._burst_every and self._burst_length):
            return None
        cycle = self._burst_every + self._burst_length
        if (number - 1) % cycle < self._burst_every:
            return None
        with_retry_after = (number - 1) // cycle % 2 == 0
        return Fault("rate_limited", number, RETRY_AFTER_SECONDS if with_retry_after else None)

    def _random_fault(self, number: int) -> Fault | None:
        if self._fail_rate and self._random.random() < self._fail_rate:
            return Fault(self._random.choice(FAILURE_KINDS), number)
        return None
