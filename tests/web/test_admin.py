"""The admin page: sign-in wall, tag forms, regeneration, overrides, audits, cache and tokens."""

from __future__ import annotations

import re

import pytest
from curator_support import SCRIPT_TITLE, create_curator, failing_tmdb_client, make_tag, sign_in, store_list

from qwir import catalog, tasks
from qwir.extensions import db
from qwir.models import IdentityTag, MediaList, SyncAudit

HX = {"HX-Request": "true"}
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; Carol"


@pytest.fixture
def curator_client(app, client):
    create_curator(app)
    return sign_in(client)


@pytest.fixture
def stored(app):
    tag_id = make_tag(app)
    return store_list(app, tag_id, [{"title": SCRIPT_TITLE, "certification": "R"},
                                    {"title": "Show Me Love"}, {"title": "Pariah"}])


def admin_urls(app) -> list[tuple[str, str]]:
    """Every admin route with its methods, placeholders filled with plausible values."""
    values = {"slug": "lesbian", "media_type": "movie", "audit_id": "1", "item_id": "1", "token_id": "1",
              "tmdb_id": "1"}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)
            urls += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


def test_every_admin_route_refuses_anonymous_visitors(app, client, stored):
    urls = admin_urls(app)
    assert len(urls) >= 15
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/admin/login?next=" in response.headers["Location"], (method, url)


def test_anonymous_htmx_requests_get_hx_redirect_to_sign_in(app, client, stored):
    for method, url in admin_urls(app):
        response = client.open(url, method=method, headers={"HX-Request": "true"})
        assert response.status_code == 401, (method, url)
        assert response.headers["HX-Redirect"].startswith("/admin/login"), (method, url)


def test_dashboard_lists_tags_with_keywords_and_last_sync(curator_client, app, stored):
    with app.app_context():
        tag = db.session.get(IdentityTag, 1)
        tag.keyword_ids = [264386]
        db.session.commit()
    page = curator_client.get("/admin").get_data(as_text=True)
    assert "Lesbian" in page and "264386" in page
    assert "never synced" in page


def test_a_script_title_from_tmdb_is_text_on_every_admin_view(curator_client, app, stored):
    with app.app_context():
        tag = db.session.get(IdentityTag, 1)
        db.session.add(SyncAudit(tag=tag, trigger="admin", status="failed", error_class="TmdbError",
                                 error_message=SCRIPT_TITLE))
        db.session.commit()
    for url in ("/admin", "/admin/tags/lesbian", "/admin/tags/lesbian/lists/movie", "/admin/audits",
                "/admin/syncs/1"):
        page = curator_client.get(url, headers=HX).get_data(as_text=True)
        assert "<script>" not in page, url
    list_panel = curator_client.get("/admin/tags/lesbian/lists/movie", headers=HX).get_data(as_text=True)
    assert ESCAPED_SCRIPT in list_panel


# ---------------------------------------------------------------- tag forms


def test_create_a_tag_through_the_form(curator_client, app):
    form = {"name": "Non-binary", "slug": "non-binary", "keyword_names": "non-binary, nonbinary",
            "media_types": ["movie", "tv"], "list_size": "12", "featured": "on"}
    response = curator_client.post("/admin/tags", data=form)
    assert response.status_code == 303
    with app.app_context():
        tag = db.session.query(IdentityTag).filter_by(slug="non-binary").one()
        assert tag.keyword_names == ["non-binary", "nonbinary"]
        assert tag.list_size == 12 and tag.featured and not tag.include_adult


def test_invalid_form_is_422_with_errors_beside_fields_and_nothing_saved(curator_client, app):
    form = {"name": "", "slug": "Not A Slug", "keyword_names": "", "list_size": "500"}
    response = curator_client.post("/admin/tags", data=form, headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.lstrip().startswith('<form id="tag-form"')
    for field in ("name", "slug", "keyword_names", "media_types", "list_size"):
        assert f'id="tag-{field}-error"' in page, field
    with app.app_context():
        assert db.session.query(IdentityTag).count() == 0


def test_editing_is_all_or_nothing(curator_client, app, stored):
    form = {"name": "Lesbians", "keyword_names": "lesbian", "media_types": "movie", "date_from": "2000-01-01",
            "date_to": "1990-01-01"}
    assert curator_client.post("/admin/tags/lesbian/edit", data=form).status_code == 422
    with app.app_context():
        assert db.session.get(IdentityTag, 1).name == "Lesbian"


def test_successful_htmx_save_uses_hx_redirect(curator_client, stored):
    form = {"name": "Lesbians", "keyword_names": "lesbian", "media_types": "movie"}
    response = curator_client.post("/admin/tags/lesbian/edit", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/admin/tags/lesbian"


def test_keyword_preview_searches_the_sandbox(curator_client):
    preview = curator_client.get("/admin/keywords/preview?keyword_names=lesbian", headers=HX)
    page = preview.get_data(as_text=True)
    assert 'id="keyword-preview"' in page
    assert "exact match" in page


def test_keyword_preview_says_when_tmdb_is_down(curator_client, monkeypatch):
    from qwir.blueprints import admin

    monkeypatch.setattr(admin, "build_tmdb_client", failing_tmdb_client)
    preview = curator_client.get("/admin/keywords/preview?keyword_names=lesbian", headers=HX)
    page = preview.get_data(as_text=True)
    assert "could not be searched" in page


# ---------------------------------------------------------------- regeneration


def test_regenerate_shows_progress_and_triggers_the_list_reload(curator_client, app):
    make_tag(app)
    response = curator_client.post("/admin/tags/lesbian/sync", data={"media_type": "movie"},
                                   headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="sync-lesbian-spotlight-1"' in page and "succeeded" in page
    # Jobs run in-process here, so the sync has ended: no more polling, and the list panel reloads.
    assert "every 1s" not in page
    assert response.headers["HX-Trigger"] == "spotlight-changed"


def test_a_running_sync_is_polled_every_second(curator_client, app):
    make_tag(app)
    with app.app_context():
        audit = catalog.start_sync(db.session.get(IdentityTag, 1), media_type="movie", trigger="cli")
        audit_id = audit.id
    page = curator_client.get(f"/admin/syncs/{audit_id}", headers=HX).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page
    assert 'aria-busy="true"' in page


def test_a_double_click_does_not_start_a_second_sync(curator_client, app):
    make_tag(app)
    with app.app_context():
        running = catalog.start_sync(db.session.get(IdentityTag, 1), media_type="movie", trigger="admin")
        running_id = running.id
    response = curator_client.post("/admin/tags/lesbian/sync", data={"media_type": "movie"},
                                   headers={"HX-Request": "true"})
    assert f"/admin/syncs/{running_id}" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(SyncAudit).count() == 1


def test_a_failed_sync_shows_its_error_while_the_old_list_stays(curator_client, app, stored, monkeypatch):
    monkeypatch.setattr(tasks, "build_tmdb_client", failing_tmdb_client)
    response = curator_client.post("/admin/tags/lesbian/sync", data={"media_type": "movie"},
                                   headers={"HX-Request": "true"})
    status = response.get_data(as_text=True)
    assert "failed" in status and "TmdbUnavailableError" in status
    page = curator_client.get("/admin/tags/lesbian").get_data(as_text=True)
    assert "TmdbUnavailableError" in page
    assert "Show Me Love" in page and "Pariah" in page


def test_regenerate_all_queues_every_featured_tag(curator_client, app):
    make_tag(app)
    make_tag(app, slug="trans", name="Trans", featured=False)
    response = curator_client.post("/admin/sync-all", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert "Queued 1 sync" in page
    assert 'hx-swap-oob="true"' in page


# ---------------------------------------------------------------- overrides


def list_titles(client) -> list[str]:
    page = client.get("/admin/tags/lesbian/lists/movie", headers=HX).get_data(as_text=True)
    return re.findall(r'<span class="title">([^<]+?)(?: <span| *</span>)', page)


def test_pin_hide_and_undo(curator_client, app, stored):
    assert list_titles(curator_client)[1:] == ["Show Me Love", "Pariah"]
    curator_client.post(f"/admin/lists/{stored}/items/3/pin", data={"position": "1"})
    assert list_titles(curator_client)[0] == "Pariah"
    curator_client.post(f"/admin/lists/{stored}/items/2/hide")
    panel = curator_client.get("/admin/tags/lesbian/lists/movie", headers=HX).get_data(as_text=True)
    assert "Show Me Love" not in list_titles(curator_client)
    assert "Hidden from this list" in panel
    curator_client.post(f"/admin/lists/{stored}/items/2/clear")
    with app.app_context():
        assert not db.session.get(MediaList, 1).overrides[0].hidden


def test_pin_to_an_impossible_position_is_422(curator_client, stored):
    response = curator_client.post(f"/admin/lists/{stored}/items/3/pin", data={"position": "99"}, headers=HX)
    assert response.status_code == 422
    assert "a position from 1 to 3" in response.get_data(as_text=True)


# ---------------------------------------------------------------- audits, cache, tokens


def test_audit_log_filters_by_tag_and_status_and_paginates(curator_client, app):
    make_tag(app)
    make_tag(app, slug="trans", name="Trans")
    with app.app_context():
        for index in range(30):
            db.session.add(SyncAudit(tag_id=1 + index % 2, trigger="cli",
                                     status="failed" if index % 3 == 0 else "succeeded"))
        db.session.commit()
    page = curator_client.get("/admin/audits?tag=trans&status=failed").get_data(as_text=True)
    assert "5 syncs" in page
    first = curator_client.get("/admin/audits").get_data(as_text=True)
    assert "page 1 of 2" in first and 'rel="next"' in first
    fragment = curator_client.get("/admin/audits?page=2", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<section id="audit-log"')
    assert "HX-Request" in fragment.headers["Vary"]


def test_clearing_a_tags_cache_makes_the_next_sync_ask_tmdb_again(curator_client, app):
    make_tag(app)
    first = curator_client.post("/admin/tags/lesbian/sync", data={"media_type": "movie"})
    assert first.status_code == 303
    response = curator_client.post("/admin/tags/lesbian/cache/clear", headers=HX)
    page = response.get_data(as_text=True)
    cleared = int(re.search(r"Cleared (\d+) cached", page).group(1))
    assert cleared > 1
    with app.app_context():
        assert db.session.get(IdentityTag, 1).keywords_resolved_at is None


def test_issue_and_revoke_a_token_from_the_admin(curator_client, app):
    response = curator_client.post("/admin/tokens", data={"label": "nightly"})
    secret = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert curator_client.get("/api/v1/syncs/1", headers=headers).status_code == 404
    curator_client.post("/admin/tokens/1/revoke")
    assert curator_client.get("/api/v1/syncs/1", headers=headers).status_code == 401
    assert secret not in curator_client.get("/admin/tokens").get_data(as_text=True)
