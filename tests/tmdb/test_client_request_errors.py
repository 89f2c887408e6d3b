"""TmdbClient: every httpx request failure ends as a TmdbError, never as a raw httpx exception."""

from __future__ import annotations

import httpx
import pytest

from qwir.tmdb import TmdbUnavailableError


def corrupt_gzip_answer(request: httpx.Request) -> httpx.Response:
    """A 200 whose body claims gzip but is not: httpx fails while decoding it."""
    return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"plain text"))


def test_an_undecodable_body_is_retried_like_a_network_failure(make_client):
    answers = []

    def handler(request: httpx.Request) -> httpx.Response:
        answers.append(request)
        if len(answers) == 1:
            return corrupt_gzip_answer(request)
        return httpx.Response(200, json={"images": {}})

    client = make_client(transport=httpx.MockTransport(handler))
    assert client.configuration() == {"images": {}}
    assert len(answers) == 2


def test_an_undecodable_body_ends_as_unavailable_naming_its_kind_not_the_key(make_client, v3_key):
    client = make_client(v3_key, max_retries=1, transport=httpx.MockTransport(corrupt_gzip_answer))
    with pytest.raises(TmdbUnavailableError) as caught:
        client.configuration()
    assert "undecodable body (DecodingError)" in str(caught.value)
    assert v3_key not in str(caught.value)
    assert client.request_count == 2
