"""How fast a spotlight is generated against the loopback sandbox: 50 ms per request, real-sized payloads.

The sandbox server runs in a process of its own and pads every details answer that carries credits
to about 165 KB, as TMDb's are (`--details-kb`), so parsing, normalising and caching cost what
they cost in real life.

Prints: a 20-title spotlight from cold caches against the critical path (the keyword searches,
as many round trips as the longest name has pages, then one discover page, then the details in
parallel) and against sending the same requests one after another; the TMDb requests of a
second generation within the cache TTLs; requests and wall time for limits 20 and 100.

    .venv/bin/python bench/sync_speed.py [--latency-ms 50] [--details-kb 165] [--tag queer] [--repeat 5]
        [--languages en,fr]

The request count must not grow with --languages: every language's text comes from the same
details request (`append_to_response=translations`).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from qwir import catalog, create_app
from qwir.extensions import cache, db
from qwir.models import IdentityTag, SyncAudit
from qwir.seed import seed_tags
from qwir.tmdb import discovery
from qwir.tmdb_wiring import build_tmdb_client

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEPENDENT_ROUND_TRIPS = 2  # after the keywords: one discover page, then the details


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"the sandbox server did not start on port {port}")


def forget(tag: IdentityTag) -> None:
    """Cold start: no cached TMDb answers, no resolved keyword ids, and an idle second behind us.

    The process's rate budget is shared by every sync in it; after a busy run it refills within
    a second, as it has for any sync that starts after a quiet moment.
    """
    time.sleep(1.0)
    cache.clear()
    tag.keyword_ids, tag.keywords_resolved_at = [], None
    db.session.commit()


def generate(tag: IdentityTag, limit: int) -> tuple[float, SyncAudit]:
    started = time.perf_counter()
    catalog.generate_media_list_for_identity(tag, limit=limit, trigger="manual")
    elapsed = time.perf_counter() - started
    audit = db.session.scalars(select(SyncAudit).order_by(SyncAudit.id.desc())).first()
    return elapsed, audit


def keyword_round_trips(app, tag: IdentityTag) -> int:
    """Round trips before discover can start: the pages of the name with the most of them
    (each page of one name waits for the one before; the names go out side by side)."""
    with build_tmdb_client(app.config, cache=None) as client:
        return max(min(int(client.search_keywords(name).get("total_pages") or 1),
                       discovery.MAX_KEYWORD_SEARCH_PAGES)
                   for name in tag.keyword_names)


def one_after_another(app, tag: IdentityTag, limit: int) -> float:
    """The same requests with no concurrency and no cache: each waits for the one before."""
    with build_tmdb_client(app.config, cache=None) as client:
        started = time.perf_counter()
        client.configuration()
        client.certifications("movie")
        ids = [k.id for name in tag.keyword_names for k in discovery.resolve_keyword(client, name)]
        filters = discovery.DiscoverFilters(with_keywords=tuple(ids), language=app.config["TMDB_LANGUAGE"])
        discovery.excluded_by_keywords(client, "movie", filters)
        for result in discovery.discover(client, "movie", filters, count=limit):
            client.movie_details(result["id"])
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--details-kb", type=float, default=165.0)
    parser.add_argument("--tag", default="queer")
    parser.add_argument("--repeat", type=int, default=5, help="cold runs; the median is reported")
    parser.add_argument("--rate", type=float, help="TMDB_RATE_LIMIT_PER_SECOND (default: the app's)")
    parser.add_argument("--languages", default="en,fr", help="QWIR_LANGUAGES: whose TMDb text is stored")
    args = parser.parse_args()
    overrides = {"TMDB_RATE_LIMIT_PER_SECOND": args.rate} if args.rate else {}
    overrides["QWIR_LANGUAGES"] = tuple(code.strip() for code in args.languages.split(",") if code.strip())
    # A process of its own, as in real life: the sandbox's work must not compete for this one's GIL.
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "qwir", "sandbox",
                               "--port", str(port), "--latency-ms", str(args.latency_ms),
                               "--details-kb", str(args.details_kb)],
                              cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/3"
    wait_for(port)
    workdir = Path(tempfile.mkdtemp(prefix="qwir-bench-"))
    app = create_app({
        "INSTANCE_PATH": str(workdir / "instance"), "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "CACHE_TYPE": "SimpleCache",
        "CACHE_THRESHOLD": 100000, "TMDB_API_KEY": None, "TMDB_API_BASE_URL": base_url,
        "LOG_LEVEL": "WARNING", "BENCH_DETAILS_KB": args.details_kb, **overrides,
    })
    try:
        with app.app_context():
            db.create_all()
            seed_tags()
            tag = db.session.scalars(select(IdentityTag).where(IdentityTag.slug == args.tag)).one()
            report(app, tag, args.latency_ms / 1000, args.repeat)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


def report(app, tag: IdentityTag, latency: float, repeat: int) -> None:
    round_trips = keyword_round_trips(app, tag) + DEPENDENT_ROUND_TRIPS
    critical = round_trips * latency
    colds = []
    for _ in range(repeat):
        forget(tag)
        colds.append(generate(tag, 20))
    cold, cold_audit = sorted(colds, key=lambda run: run[0])[len(colds) // 2]
    warm, warm_audit = generate(tag, 20)
    sequential = one_after_another(app, tag, 20)
    languages = ",".join(app.config["QWIR_LANGUAGES"])
    print(f"sandbox latency {latency * 1000:.0f} ms, details ~{app.config['BENCH_DETAILS_KB']:g} KB; "
          f"tag {tag.slug} ({len(tag.keyword_names)} keyword names); languages {languages}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"cold 20-title spotlight (median of {repeat}): {cold * 1000:.0f} ms, "
          f"{cold_audit.tmdb_requests} requests; critical path {round_trips} round trips, "
          f"{critical * 1000:.0f} ms "
          f"-> {cold / critical:.2f}x (target <= 2.0x)")
    print(f"one request after another: {sequential * 1000:.0f} ms -> concurrent is {sequential / cold:.1f}x "
          f"faster (target >= 5x)")
    print(f"second generation within the TTLs: {warm * 1000:.0f} ms, {warm_audit.tmdb_requests} requests "
          f"(target <= 2)")
    for limit in (20, 100):
        forget(tag)
        elapsed, audit = generate(tag, limit)
        print(f"limit {limit:>3}: cold {elapsed * 1000:.0f} ms, {audit.tmdb_requests} requests, "
              f"{audit.stored_count} titles stored")


if __name__ == "__main__":
    raise SystemExit(main())
