"""Identity tags in two languages: curators write both, members read their own, the slug stays."""

from __future__ import annotations

import pytest
from curator_support import create_curator, issue_token, make_tag, sign_in

from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.seed import SEED_TAGS, seed_tags

FRENCH = {"name": "Lesbienne", "description": "Des femmes qui aiment des femmes."}


@pytest.fixture
def bearer(app):
    create_curator(app)
    return {"Authorization": f"Bearer {issue_token(app)}"}


def test_the_api_reads_and_writes_both_languages(client, app, bearer):
    make_tag(app)
    response = client.patch("/api/v1/tags/lesbian", json={"translations": {"fr": FRENCH}}, headers=bearer)
    assert response.status_code == 200, response.json
    tag = client.get("/api/v1/tags/lesbian").json
    assert tag["translations"] == {"fr": FRENCH} and tag["slug"] == "lesbian" and tag["name"] == "Lesbian"


@pytest.mark.parametrize("translations", [{"de": FRENCH}, {"fr": {"title": "x"}}, {"fr": {"name": 5}}, []])
def test_malformed_translations_are_a_422(client, app, bearer, translations):
    make_tag(app)
    response = client.patch("/api/v1/tags/lesbian", json={"translations": translations}, headers=bearer)
    assert response.status_code == 422 and "translations" in response.json["errors"]


def test_the_admin_form_edits_the_french_name_and_description(client, app):
    create_curator(app)
    make_tag(app, keyword_names=["lesbian"])
    sign_in(client)
    form = client.get("/admin/tags/lesbian/edit").get_data(as_text=True)
    assert 'name="name_fr"' in form and 'name="description_fr"' in form and 'lang="fr"' in form
    data = {"name": "Lesbian", "keyword_names": "lesbian", "media_types": ["movie"], "list_size": "20",
            "name_fr": FRENCH["name"], "description_fr": FRENCH["description"]}
    assert client.post("/admin/tags/lesbian/edit", data=data).status_code == 303
    with app.app_context():
        tag = db.session.query(IdentityTag).filter_by(slug="lesbian").one()
        assert tag.translations == {"fr": FRENCH} and tag.slug == "lesbian"


def test_seeds_come_in_both_languages(app):
    with app.app_context():
        seed_tags()
        tags = {tag.slug: tag for tag in db.session.query(IdentityTag)}
    assert set(tags) == {seed.slug for seed in SEED_TAGS}
    french = [tag.translations["fr"] for tag in tags.values()]
    assert all(texts["name"] and texts["description"] for texts in french)
    assert tags["lesbian"].translations["fr"]["name"] == "Lesbienne"
