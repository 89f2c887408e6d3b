"""Load: gunicorn with 4 workers on the embedded default, 30 s of concurrent clients on the member pages.

Prints p50/p95/p99 latency and throughput per kind of URL, compares a cached carousel fragment
with a trivial route (/healthz) on the same server, and reports each worker's peak memory.
Exits non-zero on any error or when the carousel serves less than half of /healthz's rate.

    .venv/bin/python bench/load.py [seconds] [clients]
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import defaultdict
from itertools import cycle

import httpx
from _serving import (
    flask,
    gunicorn,
    instance_env,
    peak_rss_mib,
    percentile,
    temporary_instance,
    worker_pids,
)

WORKERS = 4
COMPARE_SECONDS = 8


def hammer(base_url: str, urls: list[tuple[str, str]], seconds: float, clients: int) -> dict:
    """`clients` threads, each with its own connection, cycling through `urls` for `seconds`."""
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client_loop(offset: int) -> None:
        rotation = cycle(urls[offset % len(urls):] + urls[:offset % len(urls)])
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while time.perf_counter() < stop_at:
                kind, url = next(rotation)
                started = time.perf_counter()
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    samples[kind].append(elapsed_ms)
                    errors[kind] += not ok

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "samples": samples, "errors": errors}


def report(title: str, run: dict) -> dict[str, float]:
    print(f"\n{title} ({run['seconds']:.1f} s)")
    print(f"  {'kind':<12}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    rates = {}
    for kind, values in sorted(run["samples"].items()):
        values.sort()
        rates[kind] = len(values) / run["seconds"]
        p50, p95, p99 = (percentile(values, share) for share in (.50, .95, .99))
        print(f"  {kind:<12}{len(values):>9}{run['errors'][kind]:>8}{rates[kind]:>9.1f}"
              f"{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}")
    everything = sorted(v for values in run["samples"].values() for v in values)
    total_errors = sum(run["errors"].values())
    print(f"  {'all':<12}{len(everything):>9}{total_errors:>8}{len(everything) / run['seconds']:>9.1f}"
          f"{percentile(everything, .50):>9.1f}{percentile(everything, .95):>9.1f}"
          f"{percentile(everything, .99):>9.1f}")
    return rates


def member_urls(base_url: str) -> list[tuple[str, str]]:
    feed = httpx.get(f"{base_url}/", timeout=30).text
    carousels = sorted(set(re.findall(r'/fragments/carousel/[\w-]+', feed)))
    planets = sorted(set(re.findall(r'href="(/planets/[\w-]+)"', feed)))
    if not carousels or not planets:
        sys.exit("the feed shows no carousels or planets: did bootstrap generate the lists?")
    return [("feed", "/"), *(("planet", p) for p in planets[:3]), *(("carousel", c) for c in carousels)]


def main(seconds: float, clients: int) -> int:
    with temporary_instance() as instance:
        env = instance_env(instance)
        print("bootstrapping a temporary instance (migrate, seed, generate every list from the sandbox)...")
        flask(env, "qwir", "bootstrap")
        with gunicorn(env, WORKERS) as (base_url, master):
            urls = member_urls(base_url)
            hammer(base_url, urls * 2, 2, clients)  # warm every worker's caches and pools
            print(f"{WORKERS} gunicorn workers, {clients} concurrent clients, {len(urls)} URLs")
            mixed = hammer(base_url, urls, seconds, clients)
            report("member pages: feed, planets and carousel fragments", mixed)
            carousel_url = next(url for kind, url in urls if kind == "carousel")
            healthz = hammer(base_url, [("healthz", "/healthz")], COMPARE_SECONDS, clients)
            trivial = report("trivial route", healthz)
            cached = report("one cached carousel", hammer(base_url, [("carousel", carousel_url)],
                                                          COMPARE_SECONDS, clients))
            peaks = {pid: peak_rss_mib(pid) for pid in worker_pids(master.pid)}
    ratio = cached["carousel"] / trivial["healthz"]
    print(f"\ncached carousel / healthz throughput: {ratio:.2f} (needs >= 0.5)")
    print("peak RSS per worker (VmHWM): " + ", ".join(f"{mib:.0f} MiB" for mib in peaks.values()))
    failures = sum(mixed["errors"].values())
    if failures:
        print(f"FAIL: {failures} requests failed")
    return 0 if not failures and ratio >= 0.5 else 1


if __name__ == "__main__":
    arguments = sys.argv[1:]
    seconds = float(arguments[0]) if arguments else 30.0
    sys.exit(main(seconds, int(arguments[1]) if len(arguments) > 1 else 16))
