"""Web security: headers on every response, session cookie flags, CSRF on forms and htmx posts."""

from __future__ import annotations

import re

import pytest
from curator_support import EMAIL, PASSWORD, create_curator, issue_token, make_tag

RESPONSES = [
    ("get", "/healthz"),
    ("get", "/admin/login"),
    ("get", "/admin"),
    ("get", "/api/v1/tags"),
    ("get", "/api/v1/no-such-thing"),
    ("get", "/no-such-page"),
    ("post", "/api/v1/tags"),
    ("get", "/static/css/admin.css"),
]


@pytest.mark.parametrize(("method", "url"), RESPONSES)
def test_every_response_carries_the_security_headers(client, method, url):
    response = getattr(client, method)(url)
    response.close()  # a static file's response holds the file open until closed
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_admin_pages_have_no_inline_script(app, client):
    create_curator(app)
    make_tag(app)
    client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD})
    for url in ("/admin", "/admin/tags/lesbian", "/admin/tags/new", "/admin/audits", "/admin/tokens"):
        page = client.get(url).get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts and all("src=" in tag for tag in scripts), url
        assert not re.search(r"\son[a-z]+=", page), url
        assert "/static/vendor/htmx.min.js" in page and "cdn" not in page.lower()


def test_session_cookie_is_httponly_and_lax(app, client):
    create_curator(app)
    response = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app, client):
    create_curator(app)
    response = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    @pytest.fixture
    def signed_in(self, app, client):
        create_curator(app)
        make_tag(app)
        page = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        credentials = {"email": EMAIL, "password": PASSWORD, "csrf_token": token}
        response = client.post("/admin/login", data=credentials)
        assert response.status_code == 302
        return client

    def current_token(self, client) -> str:
        page = client.get("/admin").get_data(as_text=True)
        return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    def test_sign_in_without_a_token_is_refused(self, app, client):
        create_curator(app)
        response = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD})
        assert response.status_code == 400
        assert client.get("/admin").status_code == 302

    def test_a_post_without_a_token_changes_nothing(self, signed_in):
        form = {"name": "Hijacked", "keyword_names": "x", "media_types": "movie"}
        response = signed_in.post("/admin/tags/lesbian/edit", data=form)
        assert response.status_code == 400
        assert "Hijacked" not in signed_in.get("/admin/tags/lesbian").get_data(as_text=True)

    def test_an_htmx_post_with_the_header_token_is_accepted(self, signed_in):
        headers = {"HX-Request": "true", "X-CSRFToken": self.current_token(signed_in)}
        form = {"name": "Lesbians", "keyword_names": "lesbian", "media_types": "movie"}
        response = signed_in.post("/admin/tags/lesbian/edit", data=form, headers=headers)
        assert response.status_code == 204

    def test_bearer_token_api_calls_need_no_csrf_token(self, app, client):
        create_curator(app)
        make_tag(app)
        headers = {"Authorization": f"Bearer {issue_token(app)}"}
        response = client.patch("/api/v1/tags/lesbian", json={"name": "Lesbians"}, headers=headers)
        assert response.status_code == 200
