"""Preferences last for the session unless the member asks this device to remember them for a year."""

from __future__ import annotations

from http.cookies import SimpleCookie

from qwir.preferences import REMEMBER_COOKIE, REMEMBER_SECONDS, SESSION_KEY
from tests.web.conftest import hx


def set_cookies(response) -> dict[str, SimpleCookie]:
    """Each Set-Cookie header of a response, by cookie name."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            found[name] = morsel
    return found


def test_without_remember_preferences_live_in_a_browser_session_cookie(client):
    response = client.post("/preferences", data={"discreet": "on"})
    cookies = set_cookies(response)
    assert REMEMBER_COOKIE not in cookies
    session = cookies["session"]
    assert session["expires"] == "" and session["max-age"] == ""  # gone when the browser closes
    assert "Film notes" in client.get("/").get_data(as_text=True)


def test_remember_keeps_them_a_year_in_a_signed_cookie_and_not_in_the_session(client):
    response = client.post("/preferences", data={"discreet": "on", "remember": "on", "max_maturity": "10"})
    remembered = set_cookies(response)[REMEMBER_COOKIE]
    assert remembered["max-age"] == str(REMEMBER_SECONDS) == "31536000"
    assert remembered["httponly"] and remembered["samesite"] == "Lax"
    with client.session_transaction() as session:
        assert SESSION_KEY not in session
    page = client.get("/preferences").get_data(as_text=True)
    assert 'id="preferences-remember" checked' in page and 'value="10" checked' in page
    assert "remembered on this device" in page


def test_remembered_preferences_survive_a_browser_restart(app, client):
    client.post("/preferences", data={"discreet": "on", "remember": "on"})
    restarted = app.test_client()  # a new browser session: only long-lived cookies come back
    restarted.set_cookie(REMEMBER_COOKIE, client.get_cookie(REMEMBER_COOKIE).value)
    assert "Film notes" in restarted.get("/").get_data(as_text=True)
    forgetful = app.test_client()
    client.post("/preferences", data={"discreet": "on"})  # no longer remembered
    assert client.get_cookie(REMEMBER_COOKIE) is None
    assert "Film notes" not in forgetful.get("/").get_data(as_text=True)


def test_a_tampered_remember_cookie_is_ignored(client):
    client.set_cookie(REMEMBER_COOKIE, "eyJkaXNjcmVldCI6dHJ1ZX0.forged.signature")
    assert "Film notes" not in client.get("/").get_data(as_text=True)


def test_htmx_save_with_remember_sets_the_cookie_too(client):
    response = client.post("/preferences", data={"discreet": "on", "remember": "on"}, headers=hx())
    assert response.status_code == 200
    assert set_cookies(response)[REMEMBER_COOKIE]["max-age"] == "31536000"
    assert 'id="preferences-remember" checked' in response.get_data(as_text=True)


def test_forget_everything_clears_the_session_and_the_remembered_cookie(client):
    client.post("/preferences", data={"discreet": "on", "remember": "on"})
    client.get("/")
    response = client.post("/preferences/forget")
    assert response.status_code == 303 and response.headers["Location"] == "/preferences?forgotten=1"
    assert set_cookies(response)[REMEMBER_COOKIE]["expires"].startswith("Thu, 01 Jan 1970")
    assert client.get_cookie(REMEMBER_COOKIE) is None
    page = client.get("/preferences?forgotten=1").get_data(as_text=True)
    assert "Everything is forgotten" in page and "<title>Film notes" not in page


def test_the_page_says_what_is_stored_and_where(client):
    page = client.get("/preferences").get_data(as_text=True)
    assert "What is stored, and where" in page
    assert "for this browser session only" in page
    assert 'action="/preferences/forget"' in page and "Forget everything" in page
