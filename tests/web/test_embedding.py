"""Host pages on trusted origins lazy-load fragments across origins: CORS and absolute links."""

from __future__ import annotations

import pytest

HOST = "https://blingz.example"
CAROUSEL = "/fragments/carousel/queer-spotlight-1"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "EMBED_ORIGINS": (HOST,)}


def test_a_trusted_host_page_may_read_a_fragment_whose_links_point_back_here(client, catalog):
    response = client.get(CAROUSEL, headers={"Origin": HOST, "HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == HOST
    assert "Origin" in response.vary
    body = response.get_data(as_text=True)
    assert 'hx-get="http://127.0.0.1:5000/fragments/random/queer-spotlight-1' in body
    assert 'href="http://127.0.0.1:5000/titles/movie/' in body
    assert 'src="http://127.0.0.1:5000/sandbox/t/p/w342/' in body


def test_the_preflight_allows_htmx_headers_for_a_trusted_origin(client, catalog):
    response = client.options(CAROUSEL, headers={
        "Origin": HOST, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "hx-request, hx-current-url",
    })
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == HOST
    assert "HX-Request" in response.headers["Access-Control-Allow-Headers"]
    assert "HX-Current-URL" in response.headers["Access-Control-Allow-Headers"]


def test_an_unknown_origin_gets_no_permission_and_relative_links(client, catalog):
    response = client.get(CAROUSEL, headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert 'hx-get="/fragments/random/queer-spotlight-1"' in response.get_data(as_text=True)


def test_embedded_and_local_renderings_never_share_an_etag(client, catalog):
    local = client.get(CAROUSEL)
    embedded = client.get(CAROUSEL, headers={"Origin": HOST, "If-None-Match": local.headers["ETag"]})
    assert embedded.status_code == 200
    assert embedded.headers["ETag"] != local.headers["ETag"]
