"""Which TMDb a sync talks to, how fast it may, and the `sandbox` command's options."""

from __future__ import annotations

import httpx
import pytest

from qwir.tmdb_wiring import build_tmdb_client, limiter_budget, tmdb_source

BASE = {"TMDB_LANGUAGE": "en-US", "TMDB_TIMEOUT": 5.0, "TMDB_MAX_RETRIES": 1}


def test_without_a_key_the_in_process_sandbox_answers():
    assert tmdb_source(BASE) == "sandbox"
    with build_tmdb_client(BASE, cache={}) as client:
        answer = client.search_keywords("lesbian")
        assert {"id": 264386, "name": "lesbian"} in answer["results"]
        assert client.request_count == 1


def test_with_a_key_the_client_goes_to_the_configured_tmdb(respx_mock):
    key = "0123456789abcdef" * 2
    respx_mock.get("https://tmdb.example/3/configuration").mock(
        return_value=httpx.Response(200, json={"images": {}}))
    config = {**BASE, "TMDB_API_KEY": key, "TMDB_API_BASE_URL": "https://tmdb.example/3"}
    assert tmdb_source(config) == "live"
    with build_tmdb_client(config) as client:
        client.configuration()
    assert respx_mock.calls.last.request.url.params["api_key"] == key


def test_without_a_key_a_custom_base_url_reaches_a_sandbox_server_with_its_key(respx_mock):
    respx_mock.get("http://127.0.0.1:8765/3/configuration").mock(
        return_value=httpx.Response(200, json={"images": {}}))
    with build_tmdb_client({**BASE, "TMDB_API_BASE_URL": "http://127.0.0.1:8765/3"}) as client:
        client.configuration()
    assert respx_mock.calls.last.request.url.params["api_key"] == "sandbox"


@pytest.mark.parametrize("rate", [40.0, 10.0, 100.0])
def test_no_second_ever_sees_more_than_a_quarter_over_the_configured_rate(rate):
    sustained, burst = limiter_budget(rate)
    assert sustained + burst == pytest.approx(1.25 * rate)


def test_at_tmdbs_rate_a_page_of_details_goes_out_at_once_within_the_cdn_ceiling():
    sustained, burst = limiter_budget(40.0)
    assert burst >= 20 and sustained + burst <= 50


def test_the_sandbox_command_passes_its_options_on(runner, monkeypatch):
    calls = []
    monkeypatch.setattr("qwir.tmdb.sandbox.serve", lambda *args, **kwargs: calls.append((args, kwargs)))
    result = runner.invoke(args=["qwir", "sandbox", "--port", "8799", "--latency-ms", "50", "--fail-rate",
                                 "0.2", "--burst-every", "30", "--burst-length", "5"])
    assert result.exit_code == 0, result.output
    assert calls == [(("127.0.0.1", 8799), {"api_key": "sandbox", "latency_ms": 50.0, "fail_rate": 0.2,
                                            "burst_every": 30, "burst_length": 5, "seed": None,
                                            "details_kb": 0.0})]


def test_the_sandbox_command_refuses_a_bad_fail_rate(runner):
    result = runner.invoke(args=["qwir", "sandbox", "--port", "8799", "--fail-rate", "2"])
    assert result.exit_code == 2 and "fail-rate" in result.output
