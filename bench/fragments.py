"""Fragment sizes and server render times: N renders of each member fragment with the test client.

Runs on a throwaway SQLite database seeded and synced from the in-process sandbox, so the figures
cover SQL reads, safety filtering and template rendering, never TMDb.
Usage: .venv/bin/python bench/fragments.py [N]
"""

from __future__ import annotations

import gzip
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qwir import create_app
from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.seed import seed_tags


def build_app(folder: Path):
    app = create_app({
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "CACHE_TYPE": "SimpleCache",
        "TMDB_API_KEY": None,
        "CELERY_BROKER_URL": None,
        "CACHE_REDIS_URL": None,
        "LOG_LEVEL": "WARNING",
    })
    with app.app_context():
        db.create_all()
        seed_tags()
        for tag in db.session.scalars(db.select(IdentityTag)).all():
            for media_type in tag.media_types or ["movie"]:
                generate_media_list_for_identity(tag, media_type=media_type, trigger="manual")
    return app


def measure(client, url: str, runs: int, headers: dict | None = None) -> tuple[int, int, list[float]]:
    timings = []
    response = None
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - start) * 1000)
    return response.status_code, len(response.data), timings


def main(runs: int) -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        client = app.test_client()
        urls = {
            "teaser": "/fragments/teaser",
            "carousel (films)": "/fragments/carousel/queer-spotlight-1",
            "carousel (series)": "/fragments/carousel/queer-series-spotlight-1",
            "random pick": "/fragments/random/queer-spotlight-1",
            "planet results (htmx)": "/planets/queer",
            "planet load more": "/fragments/planets/queer/more?page=2",
        }
        print(f"{'fragment':24} {'status':>6} {'bytes':>7} {'gzip':>6} {'p50 ms':>7} {'p95 ms':>7}")
        for name, url in urls.items():
            headers = {"HX-Request": "true"}
            status, size, timings = measure(client, url, runs, headers)
            body = client.get(url, headers=headers).data
            p95 = statistics.quantiles(timings, n=20)[18]
            print(f"{name:24} {status:>6} {size:>7} {len(gzip.compress(body)):>6} "
                  f"{statistics.median(timings):>7.2f} {p95:>7.2f}")
        etag = client.get(urls["carousel (films)"]).headers["ETag"]
        status, _, timings = measure(client, urls["carousel (films)"], runs, {"If-None-Match": etag})
        print(f"{'carousel, If-None-Match':24} {status:>6} {0:>7} {0:>6} {statistics.median(timings):>7.2f} "
              f"{statistics.quantiles(timings, n=20)[18]:>7.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
