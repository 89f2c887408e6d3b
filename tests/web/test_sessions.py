"""Curator sessions end: sign-out everywhere, deactivation, password change, lifetimes, rotation."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from qwir import curators
from qwir.extensions import db
from qwir.models import Curator
from tests.web.curator_support import EMAIL, create_curator, sign_in


@pytest.fixture
def curator(app) -> int:
    return create_curator(app)


def session_cookie(client: FlaskClient) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str) -> FlaskClient:
    """Another browser holding a copy of `cookie`."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def change_curator(app, curator_id: int, change) -> None:
    with app.app_context():
        change(db.session.get(Curator, curator_id))


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, client, curator):
    sign_in(client)
    copied = session_cookie(client)
    assert replay(app, copied).get("/admin").status_code == 200

    client.post("/admin/logout")

    assert replay(app, copied).get("/admin").status_code == 302


def test_a_deactivated_curator_loses_the_admin_and_cannot_issue_tokens(app, client, curator):
    sign_in(client)
    change_curator(app, curator, curators.deactivate)

    assert client.get("/admin").status_code == 302
    assert client.post("/admin/tokens", data={"label": "after"}).status_code == 302
    with app.app_context(), pytest.raises(curators.CuratorError):
        curators.issue_token(curators.find_curator(EMAIL))


def test_an_account_set_inactive_in_the_database_loses_its_session_too(app, client, curator):
    sign_in(client)
    with app.app_context():
        db.session.query(Curator).update({"active": False})
        db.session.commit()
    assert client.get("/admin").status_code == 302


def test_a_password_change_ends_the_other_sessions(app, client, curator):
    sign_in(client)
    change_curator(app, curator, lambda c: curators.set_password(c, "a brand new passphrase"))
    assert client.get("/admin").status_code == 302


def test_sign_in_rotates_the_session_and_the_csrf_token(app, client, curator):
    client.get("/preferences")
    before = session_cookie(client)
    with client.session_transaction() as stored:
        stored["csrf_token"] = "token-from-before-sign-in"
    sign_in(client)
    with client.session_transaction() as stored:
        assert stored.get("csrf_token") != "token-from-before-sign-in"
    assert session_cookie(client) != before


def test_the_members_preferences_survive_sign_in(app, client, curator):
    client.post("/preferences", data={"max_maturity": "10"})
    sign_in(client)
    assert 'value="10" checked' in re.sub(r"\s+", " ", client.get("/preferences").get_data(as_text=True))


class TestLifetimes:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "CURATOR_IDLE_MINUTES": 30, "CURATOR_SESSION_HOURS": 12}

    def age(self, client: FlaskClient, key: str, seconds: float) -> None:
        with client.session_transaction() as stored:
            stored[key] -= seconds

    def test_an_idle_session_ends(self, client, curator):
        sign_in(client)
        self.age(client, "curator_seen_at", 31 * 60)
        assert client.get("/admin").status_code == 302

    def test_an_active_session_ends_after_its_absolute_lifetime(self, client, curator):
        sign_in(client)
        self.age(client, "curator_signed_in_at", 13 * 3600)
        assert client.get("/admin").status_code == 302

    def test_a_recent_request_keeps_the_session(self, client, curator):
        sign_in(client)
        self.age(client, "curator_seen_at", 29 * 60)
        assert client.get("/admin").status_code == 200
        self.age(client, "curator_seen_at", 29 * 60)
        assert client.get("/admin").status_code == 200
