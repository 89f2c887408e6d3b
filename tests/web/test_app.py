"""The app factory and the health probe."""

import pytest

from qwir import create_app
from qwir.config import SettingsError


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_unknown_api_path_is_a_json_problem(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404


def test_test_mapping_overrides_environment(app):
    assert app.config["TESTING"] is True
    assert app.config["SECRET_KEY"] == "test-secret-key"


def test_a_malformed_number_in_the_environment_is_named_plainly(app_config, monkeypatch):
    monkeypatch.setenv("TMDB_MAX_RETRIES", "abc")
    with pytest.raises(SettingsError, match="TMDB_MAX_RETRIES must be a whole number, not 'abc'"):
        create_app(app_config)
