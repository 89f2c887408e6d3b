"""Smaller hardening: 405 names the allowed methods, TMDb keys never travel over plain HTTP."""

from __future__ import annotations

import pytest

from qwir.config import SettingsError, check_tmdb_transport, settings_from_environment
from qwir.tmdb_wiring import build_tmdb_client

KEY = "0123456789abcdef" * 2


def test_a_405_names_the_allowed_methods(client):
    page = client.delete("/")
    api = client.delete("/api/v1/tags")
    assert page.status_code == api.status_code == 405
    assert set(page.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert "POST" in api.headers["Allow"]


@pytest.mark.parametrize("base_url", ["http://api.themoviedb.org/3", "http://10.0.0.5:8080/3", "ftp://x/3"])
def test_a_real_key_refuses_plain_http_off_loopback(base_url, monkeypatch, tmp_path):
    with pytest.raises(SettingsError, match="TMDB_API_BASE_URL"):
        check_tmdb_transport(KEY, base_url)
    monkeypatch.setenv("TMDB_API_KEY", KEY)
    monkeypatch.setenv("TMDB_API_BASE_URL", base_url)
    with pytest.raises(SettingsError):
        settings_from_environment(str(tmp_path))
    with pytest.raises(SettingsError):
        build_tmdb_client({"TMDB_API_KEY": KEY, "TMDB_API_BASE_URL": base_url})


@pytest.mark.parametrize(("api_key", "base_url"), [
    (KEY, "https://api.themoviedb.org/3"), (KEY, "http://127.0.0.1:8765/3"), (KEY, "http://localhost:8765/3"),
    (None, "http://sandbox.internal:8765/3"),
])
def test_https_loopback_or_no_key_are_fine(api_key, base_url):
    check_tmdb_transport(api_key, base_url)
