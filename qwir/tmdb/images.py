"""Poster bytes from TMDb's image CDN (no API key involved), for images Qwir draws itself."""

from __future__ import annotations

import httpx

from qwir.tmdb.normalize import ImageConfig

IMAGE_TIMEOUT = httpx.Timeout(5.0, connect=3.0)
MAX_IMAGE_BYTES = 2_000_000


def fetch_image(path: str, size: str = "w185", *, client: httpx.Client | None = None,
                config: ImageConfig | None = None) -> bytes | None:
    """The image file at one of TMDb's sizes; None when the CDN fails, answers oddly or sends too much."""
    url = (config or ImageConfig.default()).image_url(path, size)
    if url is None:
        return None
    owned = client is None
    client = client or httpx.Client(timeout=IMAGE_TIMEOUT)
    try:
        return _read_image(client, url)
    except httpx.HTTPError:
        return None
    finally:
        if owned:
            client.close()


def _read_image(client: httpx.Client, url: str) -> bytes | None:
    """Streamed, so an oversized answer is dropped after MAX_IMAGE_BYTES rather than read whole."""
    with client.stream("GET", url) as response:
        if response.status_code != 200 or not response.headers.get("content-type", "").startswith("image/"):
            return None
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_IMAGE_BYTES:
                return None
        return bytes(body)
