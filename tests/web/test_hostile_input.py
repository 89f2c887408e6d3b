"""Hostile bytes: control characters in input get 400, bodies are bounded, TMDb text is cleaned."""

from __future__ import annotations

import pytest

from qwir import curation
from qwir.extensions import db
from qwir.tmdb.normalize import clean_text, normalize_movie, web_link
from tests.web.curator_support import create_curator, issue_token, make_tag


@pytest.mark.parametrize("url", [
    "/planets/queer%00", "/?q=%00", "/fragments/carousel/queer-spotlight-1?cap=%01",
    "/api/v1/tags?x%00=1", "/admin/login?next=%1b",
])
def test_control_characters_in_paths_and_queries_are_a_bad_request(client, url):
    assert client.get(url).status_code == 400


def test_an_anonymous_sign_in_with_nul_is_a_bad_request(client):
    response = client.post("/admin/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400


def test_api_json_with_control_characters_is_a_problem(app, client):
    create_curator(app)
    make_tag(app)
    token = issue_token(app)
    response = client.patch("/api/v1/tags/lesbian", json={"description": "nice\u0000"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(("name", "status"), [("Les\u0006bian", 400), ("Form\ffeed", 400), ("Tab\tbed", 422)])
def test_tag_and_keyword_names_refuse_control_characters(app, client, name, status):
    create_curator(app)
    make_tag(app)
    headers = {"Authorization": f"Bearer {issue_token(app)}"}
    assert client.patch("/api/v1/tags/lesbian", json={"name": name}, headers=headers).status_code == status
    answer = client.patch("/api/v1/tags/lesbian", json={"keyword_names": [name]}, headers=headers)
    assert answer.status_code == status
    data = curation.TagInput({"name": name, "keyword_names": [name]}, typed=True, partial=True)
    data.changes(("name", "keyword_names"))
    assert set(data.errors) == {"name", "keyword_names"}


def test_a_text_area_may_still_hold_line_breaks(app, client):
    create_curator(app)
    make_tag(app)
    response = client.patch("/api/v1/tags/lesbian", json={"description": "One.\nTwo.\tThree."},
                            headers={"Authorization": f"Bearer {issue_token(app)}"})
    assert response.status_code == 200


def test_request_bodies_are_bounded(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    create_curator(app)
    body = b'{"description": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = client.post("/api/v1/tags", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {issue_token(app)}"})
    assert response.status_code == 413


def test_tmdb_text_is_cleaned_before_it_is_stored():
    details = normalize_movie({"id": 1, "title": "Bad\u0000 Title", "overview": "Line\u0007 one\nline two",
                               "keywords": {"keywords": [{"id": 9, "name": "les\u0000bian"}]}})
    assert details.title == "Bad Title"
    assert details.overview == "Line one\nline two"
    assert details.keywords == [{"id": 9, "name": "lesbian"}]
    assert clean_text("\x1b[31mred\x7f") == "[31mred"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x",
                                  " javascript:x", "//evil.example", "http:/x"])
def test_provider_links_are_http_only(link):
    assert web_link(link) is None
    details = normalize_movie({"id": 1, "watch/providers": {"results": {"US": {"link": link}}}})
    assert details.providers["US"].link is None


def test_http_provider_links_pass():
    assert web_link("https://www.themoviedb.org/movie/1/watch?locale=US") is not None


@pytest.mark.parametrize(("link", "shown"), [("javascript:alert(document.cookie)", False),
                                            ("https://www.themoviedb.org/movie/2002/watch", True)])
def test_a_stored_provider_link_reaches_a_title_page_only_when_http(app, client, catalog, link, shown):
    with app.app_context():
        item = catalog.item(2002)
        provider = {"provider_id": 8, "provider_name": "Streamer", "logo_path": None, "display_priority": 1}
        item.providers = {"US": {"link": link, "flatrate": [provider]}}
        db.session.commit()
    body = client.get("/titles/movie/2002").get_data(as_text=True)
    assert "Streamer" in body
    assert "javascript:" not in body
    assert (f'href="{link}"' in body) is shown
