"""Compressed pages and fragments (brotli, gzip) with their own ETags; static files cached by content hash."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from tests.web.conftest import hx

DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}


def _paths(catalog) -> list[str]:
    return ["/", "/planets/queer", f"/fragments/carousel/{catalog.movie_slug}"]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_and_fragments_are_compressed_with_an_etag_per_encoding(client, catalog, encoding):
    for path in _paths(catalog):
        plain = client.get(path, headers=hx())
        packed = client.get(path, headers=hx(**{"Accept-Encoding": f"{encoding}, identity;q=0.5"}))

        assert packed.headers["Content-Encoding"] == encoding, path
        assert DECODERS[encoding](packed.data) == plain.data
        assert "Accept-Encoding" in packed.vary and "Cookie" in packed.vary
        if plain.headers.get("ETag"):
            assert packed.headers["ETag"] != plain.headers["ETag"]


def test_brotli_wins_when_the_client_takes_both(client, catalog):
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"


def test_a_compressed_etag_revalidates_to_304_with_that_same_etag(client, catalog):
    url = f"/fragments/carousel/{catalog.movie_slug}"
    headers = hx(**{"Accept-Encoding": "gzip"})
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]

    again = client.get(url, headers={**headers, "If-None-Match": etag})

    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


def test_without_accept_encoding_the_body_is_identity(client, catalog):
    response = client.get("/planets/queer")
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.vary


def test_static_urls_carry_a_content_hash_and_are_kept_for_a_year(client, catalog):
    page = client.get("/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/css/qwir\.css\?v=[0-9a-f]{12})"', page)
    assert stylesheet, "the stylesheet URL has no content hash"

    hashed = client.get(stylesheet.group(1))
    stale = client.get("/static/css/qwir.css?v=000000000000")

    assert hashed.status_code == 200
    assert hashed.cache_control.max_age == 365 * 24 * 3600 and hashed.cache_control.immutable
    assert stale.cache_control.max_age != 365 * 24 * 3600
    hashed.close()
    stale.close()


def test_static_files_are_compressed_too(client):
    response = client.get("/static/css/qwir.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert b".shelf" in brotli.decompress(response.data)
    response.close()
