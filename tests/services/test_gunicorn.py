"""gunicorn with several workers over PostgreSQL and Redis: the production shape, started for real."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.services


def _serving_pids(log_text: str) -> set[str]:
    return set(re.findall(r"pid=<(\d+)>", log_text))


def test_every_worker_is_ready_on_postgres_and_redis(start_gunicorn, migrated_postgres_url, redis_url,
                                                     redis_prefix, tmp_path):
    base_url = start_gunicorn(workers=2, DATABASE_URL=migrated_postgres_url, CACHE_REDIS_URL=redis_url,
                              CACHE_KEY_PREFIX=redis_prefix)

    with httpx.Client(base_url=base_url, timeout=10) as client:
        answers = [client.get("/readyz") for _ in range(10)]

    assert {answer.status_code for answer in answers} == {200}
    body = answers[-1].json()
    assert (body["database"], body["cache"], body["tmdb"]["source"]) == ("ok", "ok", "sandbox")
    log_text = next(Path(tmp_path).glob("gunicorn-*.log")).read_text()
    assert "Booting worker" in log_text
    assert len(re.findall(r"Booting worker with pid", log_text)) == 2
    assert _serving_pids(log_text)
