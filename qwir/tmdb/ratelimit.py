"""Client-side pacing for TMDb: a thread-safe token bucket shared by every request of one process.

Anything with an `acquire() -> None` method that blocks until a request may go can stand in for it
(the Redis-backed limiter shares one budget across processes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

DEFAULT_RATE_PER_SECOND = 40.0


# After a 429 the process sends at half its rate for this long, then at full rate again.
RECOVERY_SECONDS = 10.0


class Limiter(Protocol):
    def acquire(self) -> None: ...


class SlowsDown(Protocol):
    def slow_down(self, pause: float) -> None: ...


class TokenBucketLimiter:
    """Allow `rate` requests per second on average, with bursts of at most `burst` back to back.

    The default burst is a quarter of a second's worth, so that no one-second window ever sees more
    than 1.25 x rate requests: TMDb's documented ceiling is "around 40 per second", its CDN cuts at 50.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE_PER_SECOND,
        burst: float | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be a positive number of requests per second")
        self.rate = float(rate)
        self.burst = float(burst) if burst is not None else max(1.0, self.rate / 4)
        if self.burst < 1:
            raise ValueError("burst must allow at least one request")
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = self.burst
        self._updated = clock()
        self._recovering_until = float("-inf")

    def acquire(self) -> None:
        """Take one token, sleeping first when the bucket is empty."""
        wait = self._reserve()
        if wait > 0:
            self._sleep(wait)

    def slow_down(self, pause: float) -> None:
        """TMDb answered 429: nobody in this process sends for `pause` seconds, and then at half
        the rate for RECOVERY_SECONDS (each further 429 starts that again) before full speed."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            # One token, refilling only once the pause is over: the first caller goes when it ends,
            # the others line up behind it at the reduced rate instead of all going at once.
            self._tokens = min(self._tokens, 1.0)
            self._updated = max(self._updated, now + pause)
            self._recovering_until = now + pause + RECOVERY_SECONDS

    def current_rate(self, now: float | None = None) -> float:
        now = self._clock() if now is None else now
        return self.rate / 2 if now < self._recovering_until else self.rate

    def _refill(self, now: float) -> None:
        # While paused, `_updated` lies in the future: the bucket refills only from then on.
        if now > self._updated:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.current_rate(now))
            self._updated = now

    def _reserve(self) -> float:
        # Tokens may go negative: each caller reserves its place in line under the lock and then
        # sleeps outside it, so waiting callers are served in order without holding the lock.
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens -= 1
            deficit = 0.0 if self._tokens >= 0 else -self._tokens / self.current_rate(now)
            return max(now, self._updated) - now + deficit


_process_limiters: dict[float, TokenBucketLimiter] = {}
_process_lock = threading.Lock()


def process_limiter(rate: float = DEFAULT_RATE_PER_SECOND) -> TokenBucketLimiter:
    """One limiter per rate for the whole process, so every client built in it shares one budget."""
    with _process_lock:
        if rate not in _process_limiters:
            _process_limiters[rate] = TokenBucketLimiter(rate)
        return _process_limiters[rate]
