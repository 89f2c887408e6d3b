"""Per-request breakdown of the member pages and fragments: SQL queries, cache reads, render, CPU.

Builds a throwaway embedded default (SQLite, file cache) synced from the in-process sandbox, then
asks each URL N times through the test client, first with the per-process render memo off (every
request runs its queries and templates), then on (the way Qwir serves). For each it prints the
SQL statements, shared-cache reads and template renders per request, the time spent rendering
templates, the CPU time per request, and the body size (raw, gzip, brotli).

    .venv/bin/python bench/fragments.py [N]
"""

from __future__ import annotations

import gzip
import logging
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import before_render_template, template_rendered
from sqlalchemy import event

from qwir import create_app
from qwir.catalog import generate_media_list_for_identity
from qwir.extensions import cache, db
from qwir.models import IdentityTag
from qwir.seed import seed_tags

URLS = {
    "feed": ("/", {}),
    "planet page": ("/planets/queer", {}),
    "planet results (htmx)": ("/planets/queer?sort=newest", {"HX-Request": "true"}),
    "carousel": ("/fragments/carousel/queer-spotlight-1", {"HX-Request": "true"}),
    "teaser": ("/fragments/teaser", {"HX-Request": "true"}),
    "title": ("/titles/movie/{title_id}", {}),
}


def build_app(folder: Path, memo: bool):
    return create_app({
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(folder / "cache"),
        "TMDB_API_KEY": None,
        "CELERY_BROKER_URL": None,
        "CACHE_REDIS_URL": None,
        "LOG_LEVEL": "WARNING",
        "QWIR_RENDER_MEMO": memo,
    })


def bootstrap(folder: Path) -> int:
    app = build_app(folder, memo=True)
    with app.app_context():
        db.create_all()
        seed_tags()
        for tag in db.session.scalars(db.select(IdentityTag)).all():
            for media_type in tag.media_types or ["movie"]:
                generate_media_list_for_identity(tag, media_type=media_type, trigger="manual")
        db.engine.dispose()
    client = app.test_client()
    page = client.get("/planets/queer").get_data(as_text=True)
    return int(page.split('href="/titles/movie/', 1)[1].split('"', 1)[0])


class Counters:
    def __init__(self):
        self.sql = self.cache_reads = self.renders = 0
        self.render_seconds = 0.0
        self._started: list[float] = []

    def on_sql(self, *_args):
        self.sql += 1

    def before_render(self, *_args, **_kwargs):
        self._started.append(time.perf_counter())

    def after_render(self, *_args, **_kwargs):
        self.renders += 1
        self.render_seconds += time.perf_counter() - self._started.pop()


@contextmanager
def counting(app):
    counters = Counters()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counters.on_sql)
    before_render_template.connect(counters.before_render, app)
    template_rendered.connect(counters.after_render, app)
    cache_get = cache.get

    def counted_get(*args, **kwargs):
        counters.cache_reads += 1
        return cache_get(*args, **kwargs)

    cache.get = counted_get
    try:
        yield counters
    finally:
        cache.get = cache_get
        event.remove(engine, "before_cursor_execute", counters.on_sql)
        before_render_template.disconnect(counters.before_render, app)
        template_rendered.disconnect(counters.after_render, app)


def measure(app, url: str, headers: dict, runs: int) -> dict:
    client = app.test_client()
    body = client.get(url, headers=headers).data  # warm: the first rendering fills the caches
    cpu, wall = [], []
    with counting(app) as counters:
        for _ in range(runs):
            started_cpu, started = time.process_time(), time.perf_counter()
            response = client.get(url, headers=headers)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return {
        "sql": counters.sql / runs, "cache": counters.cache_reads / runs, "renders": counters.renders / runs,
        "render_ms": counters.render_seconds * 1000 / runs, "cpu_ms": statistics.mean(cpu),
        "p50_ms": statistics.median(wall), "bytes": len(body), "gzip": len(gzip.compress(body)),
        "br": len(brotli.compress(body, quality=4)),
    }


def main(runs: int) -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="qwir-bench-") as name:
        folder = Path(name)
        title_id = bootstrap(folder)
        print(f"{runs} requests per URL after a warm-up; embedded default (SQLite, file cache), test client")
        header = (f"{'url':24} {'memo':>4} {'SQL/req':>8} {'cache/req':>9} {'renders':>8} {'render ms':>9} "
                  f"{'CPU ms':>7} {'p50 ms':>7} {'bytes':>7} {'gzip':>6} {'br':>6}")
        print(header)
        for memo in (False, True):
            app = build_app(folder, memo)
            for name_, (url, headers) in URLS.items():
                row = measure(app, url.format(title_id=title_id), headers, runs)
                print(f"{name_:24} {'on' if memo else 'off':>4} {row['sql']:>8.1f} {row['cache']:>9.1f} "
                      f"{row['renders']:>8.1f} {row['render_ms']:>9.2f} {row['cpu_ms']:>7.2f} "
                      f"{row['p50_ms']:>7.2f} {row['bytes']:>7} {row['gzip']:>6} {row['br']:>6}")
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
