"""Lighthouse (mobile preset) on the member pages: the four category scores, LCP, TBT and main-thread work.

Bootstraps a throwaway embedded default, serves it with gunicorn (2 workers), and runs Lighthouse
(npm `lighthouse`, the exact version below, through npx) with Debian's Chromium on the feed, a
planet, a title page, and the spotlight and search pages when the app has them. Exits non-zero
when a page scores under 0.95 in any category. The full reports are kept in bench/results/lighthouse/.

    .venv/bin/python bench/lighthouse.py [page ...]     # pages: feed planet title spotlight search
Needs node/npx and Chromium (CHROME_PATH, default /usr/bin/chromium).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
from _serving import PROJECT_ROOT, flask, gunicorn, instance_env, temporary_instance

LIGHTHOUSE = "lighthouse@12.8.2"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
REPORTS = PROJECT_ROOT / "bench" / "results" / "lighthouse"  # git-ignored: the full JSON reports
TARGET = 0.95


def page_urls(base_url: str) -> dict[str, str]:
    """The pages to audit, found the way a member would: from the feed and the planet page."""
    feed = httpx.get(f"{base_url}/", timeout=30).text
    planet = re.search(r'href="(/planets/[\w-]+)"', feed).group(1)
    planet_page = httpx.get(base_url + planet, timeout=30).text
    title = re.search(r'href="(/titles/(?:movie|tv)/\d+)"', planet_page).group(1)
    urls = {"feed": "/", "planet": planet, "title": title}
    spotlight = re.search(r'href="(/spotlights/[\w-]+)"', feed + planet_page)
    if spotlight:
        urls["spotlight"] = spotlight.group(1)
    if httpx.get(f"{base_url}/search", params={"q": "love"}, timeout=30).status_code == 200:
        urls["search"] = "/search?q=love"
    return urls


def lighthouse(url: str, report: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = ["npx", "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={report}",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"]
    subprocess.run(command, env=env, check=True, timeout=240)
    result = json.loads(report.read_text())
    audits = result["audits"]
    return {
        "scores": {name: result["categories"][name]["score"] for name in CATEGORIES},
        "lcp_ms": audits["largest-contentful-paint"].get("numericValue"),
        "tbt_ms": audits["total-blocking-time"].get("numericValue"),
        "main_thread_ms": audits["mainthread-work-breakdown"].get("numericValue"),
        "failing": [audit["id"] for audit in audits.values()
                    if audit.get("score") is not None and audit["score"] < 0.9
                    and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")],
    }


def _ms(value: float | None) -> str:
    return "none" if value is None else f"{value:.0f}"


def main(wanted: list[str]) -> int:
    REPORTS.mkdir(parents=True, exist_ok=True)
    with temporary_instance() as instance:
        env = instance_env(instance)
        flask(env, "qwir", "bootstrap")
        with gunicorn(env, 2) as (base_url, _master):
            urls = {name: path for name, path in page_urls(base_url).items() if not wanted or name in wanted}
            print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile preset, Chromium; load average "
                  f"{os.getloadavg()[0]:.2f}")
            print(f"  {'page':10}{'path':34}" + "".join(f"{name[:11]:>12}" for name in CATEGORIES)
                  + f"{'LCP ms':>9}{'TBT ms':>8}{'main ms':>9}")
            low = []
            for name, path in urls.items():
                run = lighthouse(base_url + path, REPORTS / f"{name}.json")
                scores = run["scores"]
                print(f"  {name:10}{path:34}" + "".join(f"{scores[c]:>12.2f}" for c in CATEGORIES)
                      + f"{_ms(run['lcp_ms']):>9}{_ms(run['tbt_ms']):>8}{_ms(run['main_thread_ms']):>9}")
                if run["failing"]:
                    print(f"    below 0.9: {', '.join(run['failing'])}")
                low += [f"{name} {c} {scores[c]}" for c in CATEGORIES if (scores[c] or 0) < TARGET]
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for problem in low:
        print(f"FAIL: {problem} < {TARGET}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
