"""Throttles that hold under concurrency and slow the guesser, never the account's owner."""

from __future__ import annotations

import threading

import pytest

from qwir import curators
from tests.web.curator_support import EMAIL, PASSWORD, create_curator, issue_token, make_tag

GUESSER = "203.0.113.9"
OWNER = "198.51.100.2"


def attempt(app, password: str, address: str, **headers) -> int:
    response = app.test_client().post("/admin/login", data={"email": EMAIL, "password": password},
                                      environ_base={"REMOTE_ADDR": address}, headers=headers)
    return response.status_code


@pytest.fixture
def checked_passwords(app, monkeypatch) -> list[str]:
    """Every password that reached the check, in order."""
    seen: list[str] = []
    real_authenticate = curators.authenticate

    def counting(email, password):
        seen.append(password)
        return real_authenticate(email, password)

    monkeypatch.setattr(curators, "authenticate", counting)
    return seen


def concurrently(count: int, action) -> list[int]:
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(action())) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_forty_concurrent_wrong_passwords_get_at_most_the_limit_checked(app, checked_passwords):
    create_curator(app)
    limit = app.config["LOGIN_MAX_FAILURES"]

    statuses = concurrently(40, lambda: attempt(app, "guess", GUESSER))

    assert len(checked_passwords) <= limit
    assert statuses.count(422) == len(checked_passwords)
    assert statuses.count(429) == 40 - len(checked_passwords)
    assert attempt(app, PASSWORD, OWNER) in (302, 303)


def test_a_burst_with_the_right_password_inside_does_not_sign_the_guesser_in(app, checked_passwords):
    create_curator(app)
    statuses = concurrently(39, lambda: attempt(app, "guess", GUESSER))
    statuses.append(attempt(app, PASSWORD, GUESSER))
    assert statuses[-1] == 429
    assert PASSWORD not in checked_passwords


def test_the_owner_signs_in_from_anywhere_else_while_a_guesser_is_throttled(app):
    create_curator(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        attempt(app, "guess", GUESSER)
    assert attempt(app, PASSWORD, GUESSER) == 429
    assert attempt(app, PASSWORD, OWNER) in (302, 303)


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "TRUSTED_PROXIES": 1}

    def test_clients_are_told_apart_by_the_forwarded_address(self, app):
        create_curator(app)
        for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
            attempt(app, "guess", "10.0.0.1", **{"X-Forwarded-For": GUESSER})
        assert attempt(app, PASSWORD, "10.0.0.1", **{"X-Forwarded-For": GUESSER}) == 429
        assert attempt(app, PASSWORD, "10.0.0.1", **{"X-Forwarded-For": OWNER}) in (302, 303)


def test_bad_tokens_never_block_a_valid_one(app, client):
    create_curator(app)
    make_tag(app)
    token = issue_token(app)
    bad = {"Authorization": "Bearer qwir_not-a-real-token"}
    statuses = [client.patch("/api/v1/tags/lesbian", json={"name": "L"}, headers=bad).status_code
                for _ in range(app.config["API_TOKEN_MAX_FAILURES"] + 1)]
    assert statuses[-1] == 429
    good = client.patch("/api/v1/tags/lesbian", json={"name": "Lesbians"},
                        headers={"Authorization": f"Bearer {token}"})
    assert good.status_code == 200


def test_every_write_route_asks_for_a_token(app, client):
    writes = [(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"GET", "HEAD", "OPTIONS"}]
    assert writes
    for path, method in writes:
        url = path.replace("<slug>", "lesbian").replace("<int:audit_id>", "1")
        url = url.replace("<media_type>", "movie").replace("<int:tmdb_id>", "1")
        assert client.open(url, method=method, json={}).status_code == 401, (method, path)
