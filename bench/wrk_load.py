"""Throughput under gunicorn (4 workers) measured with wrk: /healthz against the member pages.

Bootstraps a throwaway embedded default (SQLite, file cache, sandbox), starts
`gunicorn -c gunicorn.conf.py wsgi:app` with 4 workers, warms every worker, then runs wrk
(32 connections, 2 threads) against each URL: `/healthz` (a trivial route), one cached carousel
fragment, a planet page (browse included) and the feed. The URLs take turns in short rounds, so
a change in the machine's load (it is shared) weighs on all of them alike.
Prints requests per second, latency percentiles, errors, the ratio of each to /healthz, and the
machine's load average; exits non-zero when a target is missed (carousel >= 0.8 of /healthz,
planet and feed >= 0.4) or any request failed.

    .venv/bin/python bench/wrk_load.py [seconds per URL] [connections] [rounds]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import httpx
from _serving import flask, gunicorn, instance_env, temporary_instance

WORKERS = 4
TARGETS = {"carousel": 0.8, "planet": 0.4, "feed": 0.4}


def wrk(url: str, seconds: float, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    return {"requests": requests, "seconds": requests / rate if rate else seconds, "errors": failed,
            "latency": latency}


def combined(runs: list[dict]) -> dict:
    """Rounds of one URL added up; the latency percentiles are the median round's."""
    requests, seconds = sum(r["requests"] for r in runs), sum(r["seconds"] for r in runs)
    middle = sorted(runs, key=lambda r: r["requests"])[len(runs) // 2]
    errors = sum(r["errors"] for r in runs)
    return {"rate": requests / seconds, "errors": errors, "latency": middle["latency"]}


def member_urls(base_url: str) -> dict[str, str]:
    feed = httpx.get(f"{base_url}/", timeout=30).text
    carousel = re.search(r"/fragments/carousel/[\w-]+", feed)
    planet = re.search(r'href="(/planets/[\w-]+)"', feed)
    if not carousel or not planet:
        sys.exit("the feed shows no carousels or planets: did bootstrap generate the lists?")
    return {"healthz": "/healthz", "carousel": carousel.group(0), "planet": planet.group(1), "feed": "/"}


def main(seconds: float, connections: int, rounds: int) -> int:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed")
    with temporary_instance() as instance:
        env = instance_env(instance)
        flask(env, "qwir", "bootstrap")
        with gunicorn(env, WORKERS) as (base_url, _master):
            urls = member_urls(base_url)
            for path in urls.values():  # every worker renders (and memoises) each URL once
                wrk(base_url + path, 1, connections)
            print(f"gunicorn {WORKERS} workers (gunicorn.conf.py), wrk -t2 -c{connections}, {seconds:g} s "
                  f"per URL in {rounds} rounds, embedded default; load average {os.getloadavg()[0]:.2f}")
            runs: dict[str, list[dict]] = {kind: [] for kind in urls}
            for _ in range(rounds):
                for kind, path in urls.items():
                    runs[kind].append(wrk(base_url + path, seconds / rounds, connections))
            results = {kind: combined(kind_runs) for kind, kind_runs in runs.items()}
            columns = ("req/s", "p50", "p90", "p99", "errors", "ratio")
            print(f"  {'url':9}{'path':42}" + "".join(f"{name:>10}" for name in columns))
            for kind, path in urls.items():
                run = results[kind]
                ratio = run["rate"] / results["healthz"]["rate"]
                lat = run["latency"]
                cells = [f"{run['rate']:.0f}", *(lat.get(p, "-") for p in ("50", "90", "99")),
                         str(run["errors"]), f"{ratio:.2f}"]
                print(f"  {kind:9}{path:42}" + "".join(f"{cell:>10}" for cell in cells))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    healthz = results["healthz"]["rate"]
    missed = [f"{kind} {results[kind]['rate'] / healthz:.2f} < {goal}" for kind, goal in TARGETS.items()
              if results[kind]["rate"] / healthz < goal]
    errors = sum(run["errors"] for run in results.values())
    for problem in missed + ([f"{errors} failed requests"] if errors else []):
        print(f"FAIL: {problem}")
    return 1 if missed or errors else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(main(float(arguments[0]) if arguments else 8.0, int(arguments[1]) if len(arguments) > 1 else 32,
                  int(arguments[2]) if len(arguments) > 2 else 4))
