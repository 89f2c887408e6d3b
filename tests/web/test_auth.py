"""Curator sign-in: accounts, the generic error, throttling, sign-out, and the create-curator command."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qwir import curators
from qwir.blueprints.auth import GENERIC_LOGIN_ERROR, THROTTLED_LOGIN_ERROR
from qwir.extensions import db
from qwir.models import Curator

EMAIL = "curator@example.org"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def curator(app):
    with app.app_context():
        return curators.create_curator(EMAIL, PASSWORD).id


def sign_in(client, email=EMAIL, password=PASSWORD, **headers):
    return client.post("/admin/login", data={"email": email, "password": password}, headers=headers)


def test_password_is_stored_as_an_argon2_hash(app, curator):
    with app.app_context():
        stored = db.session.get(Curator, curator).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_sign_in_with_the_right_password_opens_the_admin(client, curator):
    response = sign_in(client)
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith("/admin")
    assert client.get("/admin").status_code == 200


def test_sign_in_goes_back_to_the_page_asked_for(client, curator):
    response = client.post("/admin/login?next=/admin/audits", data={"email": EMAIL, "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/audits")


def test_sign_in_never_sends_a_curator_off_site(client, curator):
    credentials = {"email": EMAIL, "password": PASSWORD}
    response = client.post("/admin/login?next=//evil.example/admin", data=credentials)
    assert response.headers["Location"].endswith("/admin")
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize(
    ("email", "password"),
    [(EMAIL, "wrong password entirely"), ("nobody@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_a_failed_sign_in_gets_one_generic_message(client, curator, email, password):
    response = sign_in(client, email, password)
    assert response.status_code == 422
    assert str(GENERIC_LOGIN_ERROR) in response.get_data(as_text=True)
    assert client.get("/admin").status_code == 302


def test_missing_fields_are_marked_beside_each_field(client):
    response = client.post("/admin/login", data={"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Email is required." in page
    assert "Password is required." in page


def test_htmx_sign_in_failure_re_renders_only_the_form(client, curator):
    response = sign_in(client, password="not it at all", **{"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.lstrip().startswith('<form id="login-form"')


def test_htmx_sign_in_success_uses_hx_redirect_not_a_3xx(client, curator):
    response = sign_in(client, **{"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith("/admin")


def test_repeated_failures_are_throttled_even_with_the_right_password(client, curator, app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert sign_in(client, password="guessing again").status_code == 422
    response = sign_in(client)
    assert response.status_code == 429
    assert str(THROTTLED_LOGIN_ERROR) in response.get_data(as_text=True)
    assert client.get("/admin").status_code == 302


def test_throttling_counts_per_address_and_email(client, curator, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, password="guessing again")
    credentials = {"email": EMAIL, "password": PASSWORD}
    response = client.post("/admin/login", data=credentials, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code in (302, 303)


def test_attempts_are_counted_under_hashed_keys(client, curator, app):
    sign_in(client, password="guessing again")
    keys = " ".join(map(str, app.extensions["qwir_throttle"].storage.storage))
    assert "login" in keys
    assert EMAIL not in keys and "127.0.0.1" not in keys


def test_a_successful_sign_in_resets_the_failure_count(client, curator, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        sign_in(client, password="guessing again")
    assert sign_in(client).status_code in (302, 303)
    client.post("/admin/logout")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        sign_in(client, password="guessing again")
    assert sign_in(client).status_code in (302, 303)


def test_an_inactive_curator_cannot_sign_in(client, curator, app):
    with app.app_context():
        db.session.get(Curator, curator).active = False
        db.session.commit()
    assert sign_in(client).status_code == 422


def test_sign_out_ends_the_session(client, curator):
    sign_in(client)
    response = client.post("/admin/logout")
    assert response.headers["Location"].endswith("/admin/login")
    assert client.get("/admin").status_code == 302


def test_sign_out_needs_a_post(client, curator):
    sign_in(client)
    assert client.get("/admin/logout").status_code == 405


# ---------------------------------------------------------------- create-curator


def test_create_curator_from_stdin_never_echoes_the_password(app, runner):
    result = runner.invoke(args=["qwir", "create-curator", "New@Example.org", "--password-stdin"],
                           input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "new@example.org" in result.output
    with app.app_context():
        assert curators.authenticate("new@example.org", PASSWORD) is not None


def test_create_curator_prompts_twice_without_echo(app, runner):
    result = runner.invoke(args=["qwir", "create-curator", "prompted@example.org"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert PASSWORD not in result.output
    with app.app_context():
        assert curators.find_curator("prompted@example.org") is not None


def test_create_curator_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["qwir", "create-curator", "short@example.org", "--password-stdin"],
                           input="tiny\n")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    with app.app_context():
        assert db.session.scalar(select(Curator)) is None


def test_create_curator_refuses_a_taken_email(app, runner, curator):
    result = runner.invoke(args=["qwir", "create-curator", EMAIL.upper(), "--password-stdin"],
                           input=f"{PASSWORD}\n")
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_token_commands_issue_list_and_revoke(app, runner, curator):
    issued = runner.invoke(args=["qwir", "issue-token", EMAIL, "--label", "nightly"])
    assert issued.exit_code == 0, issued.output
    secret = issued.output.strip().splitlines()[-1]
    with app.app_context():
        assert curators.verify_token(secret) is not None
    listed = runner.invoke(args=["qwir", "list-tokens", EMAIL])
    assert "active\tnightly" in listed.output
    assert secret not in listed.output
    token_id = listed.output.split("\t", 1)[0]
    assert runner.invoke(args=["qwir", "revoke-token", token_id]).exit_code == 0
    with app.app_context():
        assert curators.verify_token(secret) is None
