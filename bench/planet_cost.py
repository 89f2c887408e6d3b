"""What a planet page costs TMDb and the server, cold and warm, for a default member and a cautious one.

Runs on a throwaway SQLite database seeded and synced from the in-process sandbox; the TMDb cache is
cleared after the syncs, so "cold" is a planet nobody has browsed yet (the first one also compiles the
templates and fetches the genre and provider lists, kept a day). TMDb requests are the shared
client's `request_count` (requests really sent, cache hits excluded).
Usage: .venv/bin/python bench/planet_cost.py [N warm runs]
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fragments import bootstrap, build_app
from qwir.blueprints.catalog import tmdb_client
from qwir.extensions import cache


def measure(app, client, url: str) -> tuple[int, float]:
    with app.test_request_context():
        tmdb = tmdb_client()
    before = tmdb.request_count
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return tmdb.request_count - before, elapsed


def report(app, label: str, client, url: str, runs: int) -> None:
    requests, cold = measure(app, client, url)
    warm = [measure(app, client, url) for _ in range(runs)]
    warm_requests = max(count for count, _ in warm)
    warm_median = statistics.median(elapsed for _, elapsed in warm)
    print(f"{label}: cold {requests} TMDb requests, {cold:.0f} ms; "
          f"warm {warm_requests} TMDb requests, median {warm_median:.1f} ms")


def main(runs: int) -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        bootstrap(Path(folder))
        app = build_app(Path(folder), memo=True)  # as Qwir serves: a repeat answer comes from the memo
        with app.app_context():
            cache.clear()
        member = app.test_client()
        report(app, "/planets/trans, first page of a fresh process", member, "/planets/trans", runs)
        report(app, "/planets/queer, default preferences", member, "/planets/queer", runs)
        report(app, "/planets/queer?page=4, default preferences", member, "/planets/queer?page=4", runs)
        cautious = app.test_client()
        choices = {"avoid": ["suicide-self-harm", "violence"], "max_maturity": "12"}
        cautious.post("/preferences", data=choices)
        report(app, "/planets/lesbian, avoids two topics, cap 12+", cautious, "/planets/lesbian", runs)
        report(app, "/planets/queer?page=2, the same member", cautious, "/planets/queer?page=2", runs)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
