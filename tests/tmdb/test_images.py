"""Poster bytes from TMDb's image CDN: the exact URL, and None for anything but a sane image."""

from __future__ import annotations

import httpx
import respx

from qwir.tmdb.images import MAX_IMAGE_BYTES, fetch_image

POSTER = "https://image.tmdb.org/t/p/w185/abc.jpg"


@respx.mock
def test_fetches_the_poster_at_the_asked_size():
    route = respx.get(POSTER).respond(200, content=b"\xff\xd8jpeg", headers={"Content-Type": "image/jpeg"})
    assert fetch_image("/abc.jpg", "w185") == b"\xff\xd8jpeg"
    assert route.call_count == 1


@respx.mock
def test_anything_but_a_sane_image_is_none():
    respx.get(POSTER).mock(side_effect=[
        httpx.Response(404, json={"status_code": 34}),
        httpx.Response(200, text="<html>", headers={"Content-Type": "text/html"}),
        httpx.Response(200, content=b"x" * (MAX_IMAGE_BYTES + 1), headers={"Content-Type": "image/jpeg"}),
        httpx.ConnectError("down"),
    ])
    assert [fetch_image("/abc.jpg", "w185") for _ in range(4)] == [None, None, None, None]


def test_no_path_means_no_request():
    assert fetch_image("", "w185") is None
