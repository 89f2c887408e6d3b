"""Cold start: 50 concurrent requests for one never-seen carousel make the TMDb requests of one sync.

One sync asks discover twice (the list's page, and the same page without the explicit-content
exclusion, which shows curators what it removed) and each title's details once.

gunicorn with 4 workers on a fresh instance (tags seeded, no list generated), TMDb played by the
sandbox server on loopback with 50 ms of latency; its request counts say what TMDb was asked.

    .venv/bin/python bench/cold_start.py
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter

import httpx
from _serving import flask, gunicorn, instance_env, temporary_instance

from qwir.tmdb.sandbox import start_server

REQUESTS = 50
WORKERS = 4
ONE_SYNC_DISCOVER_CALLS = 2
LIST_SIZE = 20  # the carousel list's default size: each title's details once


def concurrent_gets(url: str, count: int) -> list[tuple[int, float]]:
    """`count` threads released together, each asking for `url` once."""
    barrier = threading.Barrier(count)
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()

    def ask() -> None:
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            started = time.perf_counter()
            status = client.get(url).status_code
            with lock:
                answers.append((status, (time.perf_counter() - started) * 1000))

    threads = [threading.Thread(target=ask) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def main() -> int:
    server, _thread, tmdb_url = start_server(port=0, latency_ms=50)
    try:
        with temporary_instance() as instance:
            env = instance_env(instance, TMDB_API_BASE_URL=tmdb_url)
            flask(env, "db", "upgrade")
            flask(env, "qwir", "seed")
            with gunicorn(env, WORKERS) as (base_url, _master):
                feed = httpx.get(f"{base_url}/", timeout=30).text
                slug = re.search(r"/fragments/carousel/([\w-]+)", feed)[1]
                server.reset_stats()
                answers = concurrent_gets(f"{base_url}/fragments/carousel/{slug}", REQUESTS)
                time.sleep(1)  # let the one sync finish its last details requests
                stats = server.stats()
    finally:
        server.shutdown()
        server.server_close()
    discover_calls = sum(n for path, n in stats["paths"].items() if path.startswith("/3/discover/"))
    statuses = Counter(status for status, _ms in answers)
    slowest = max(ms for _status, ms in answers)
    print(f"{REQUESTS} concurrent requests for /fragments/carousel/{slug} on {WORKERS} gunicorn workers")
    print(f"  answers: {dict(statuses)}; slowest {slowest:.0f} ms")
    details_calls = sum(n for path, n in stats["paths"].items() if path.startswith(("/3/movie/", "/3/tv/")))
    print(f"  TMDb requests: {stats['requests']} in all; discover calls: {discover_calls} (one sync: "
          f"<= {ONE_SYNC_DISCOVER_CALLS}); details: {details_calls} (<= {LIST_SIZE})")
    print(f"  by route: {stats['paths']}")
    one_sync = discover_calls <= ONE_SYNC_DISCOVER_CALLS and details_calls <= LIST_SIZE
    return 0 if one_sync and set(statuses) == {200} else 1


if __name__ == "__main__":
    sys.exit(main())
