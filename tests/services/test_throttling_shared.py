"""Sign-in throttling under gunicorn with Redis: concurrent guesses across workers, counted atomically."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from qwir import create_app
from qwir.curators import create_curator
from qwir.extensions import db

pytestmark = pytest.mark.services

EMAIL = "owner@example.org"
PASSWORD = "a long enough passphrase"


@pytest.fixture
def curator(migrated_postgres_url, tmp_path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated_postgres_url, "SECRET_KEY": "services-test-secret",
                      "INSTANCE_PATH": str(tmp_path / "curator-instance"), "CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        create_curator(EMAIL, PASSWORD)
        db.session.remove()
        db.engine.dispose()


def signed_form(base_url: str, address: str) -> tuple[dict, dict]:
    """A client's session cookie and CSRF token, as a browser gets them from the form."""
    page = httpx.get(f"{base_url}/admin/login", headers={"X-Forwarded-For": address})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return dict(page.cookies), {"csrf_token": token}


def attempt(base_url: str, address: str, password: str, form: tuple[dict, dict]) -> int:
    cookies, token = form
    response = httpx.post(f"{base_url}/admin/login", cookies=cookies, timeout=60,
                          data={"email": EMAIL, "password": password, **token},
                          headers={"X-Forwarded-For": address})
    return response.status_code


def test_a_hundred_concurrent_guesses_over_two_workers(start_gunicorn, migrated_postgres_url, redis_url,
                                                        redis_prefix, curator):
    base_url = start_gunicorn(workers=2, DATABASE_URL=migrated_postgres_url, CACHE_REDIS_URL=redis_url,
                              CACHE_KEY_PREFIX=redis_prefix, QWIR_TRUSTED_PROXIES="1")
    guesser = signed_form(base_url, "203.0.113.9")

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(lambda _: attempt(base_url, "203.0.113.9", "guess", guesser), range(100)))

    assert statuses.count(422) <= 5  # the passwords that were checked
    assert statuses.count(422) + statuses.count(429) == 100
    owner = signed_form(base_url, "198.51.100.2")
    assert attempt(base_url, "198.51.100.2", PASSWORD, owner) in (302, 303)
