"""Share cards: the time to draw one cold (nothing cached) and to serve it warm (from the cache).

An in-process app on a fresh instance with every demo list synced from the sandbox and a file
cache, as on a laptop; five spotlights' cards drawn once each, then asked for five more times.
Writes the Lesbian spotlight's card to docs/share-card-lesbian-spotlight.png.

    .venv/bin/python bench/share_cards.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from qwir import create_app
from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.seed import seed_tags

SPOTLIGHTS = ("lesbian-spotlight-3", "queer-spotlight-1", "trans-spotlight-2", "gay-spotlight-4",
              "bisexual-spotlight-5")
WARM_REPEATS = 5
DOCS = Path(__file__).resolve().parent.parent / "docs"


def synced_app(folder: str):
    app = create_app({
        "INSTANCE_PATH": f"{folder}/instance", "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
        "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": f"{folder}/cache",
        "TMDB_API_KEY": None, "CELERY_BROKER_URL": None, "CACHE_REDIS_URL": None, "LOG_LEVEL": "WARNING",
    })
    with app.app_context():
        db.create_all()
        seed_tags()
        for tag in db.session.scalars(db.select(IdentityTag)).all():
            generate_media_list_for_identity(tag, media_type="movie")
    return app


def timed_get(client, path: str, **headers) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    return (time.perf_counter() - started) * 1000, response


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        client = synced_app(folder).test_client()
        client.get("/share/neutral.png")  # imports and fonts load once per process
        cold, warm, last = [], [], None
        for slug in SPOTLIGHTS:
            elapsed, last = timed_get(client, f"/share/spotlights/{slug}.png")
            cold.append(elapsed)
            warm += [timed_get(client, f"/share/spotlights/{slug}.png")[0] for _ in range(WARM_REPEATS)]
        revalidation, answer = timed_get(client, f"/share/spotlights/{SPOTLIGHTS[-1]}.png",
                                         **{"If-None-Match": last.headers["ETag"]})
        (DOCS / "share-card-lesbian-spotlight.png").write_bytes(
            client.get(f"/share/spotlights/{SPOTLIGHTS[0]}.png").data)
    print(f"cold draw: median {statistics.median(cold):.0f} ms (min {min(cold):.0f}, max {max(cold):.0f}) "
          f"over {len(cold)} spotlights")
    print(f"warm (cached PNG): median {statistics.median(warm):.1f} ms over {len(warm)} requests")
    print(f"revalidation: {answer.status_code} in {revalidation:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
