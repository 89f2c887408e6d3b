"""Quick exit: on every member page, right after the skip link, pointing at the configured neutral site."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "QWIR_QUICK_EXIT_URL": "https://weather.example/today"}


@pytest.mark.parametrize("path", ["/", "/signin", "/planets/queer", "/titles/movie/1003", "/preferences",
                                  "/planets/nowhere"])
def test_every_member_page_starts_with_the_quick_exit(client, catalog, path):
    page = client.get(path).get_data(as_text=True)
    controls = re.findall(r"<(?:a|button)\b[^>]*>", page.split("<body", 1)[1])
    assert 'class="skip-link"' in controls[0]
    assert 'id="quick-exit"' in controls[1] and 'href="https://weather.example/today"' in controls[1]
    assert 'rel="nofollow noreferrer"' in controls[1]


def test_the_default_is_a_harmless_weather_site(monkeypatch, tmp_path):
    from qwir.config import SettingsError, settings_from_environment

    monkeypatch.delenv("QWIR_QUICK_EXIT_URL", raising=False)
    assert settings_from_environment(str(tmp_path))["QWIR_QUICK_EXIT_URL"] == "https://www.bbc.com/weather"
    monkeypatch.setenv("QWIR_QUICK_EXIT_URL", "https://example.org/forecast")
    assert settings_from_environment(str(tmp_path))["QWIR_QUICK_EXIT_URL"] == "https://example.org/forecast"
    monkeypatch.setenv("QWIR_QUICK_EXIT_URL", "javascript:alert(1)")
    with pytest.raises(SettingsError, match="QWIR_QUICK_EXIT_URL"):
        settings_from_environment(str(tmp_path))
