"""Static files: their URLs carry a hash of the content, so browsers keep them for a year.

`url_for('static', filename=...)` adds `v=<hash>` by itself; a request whose `v` matches the file
as it is now gets a year-long immutable lifetime, anything else (an old or missing `v`) the
revalidate-every-time default, so a deploy never leaves a browser on a stale stylesheet.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request

STATIC_CACHE_SECONDS = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.url_defaults(_add_content_hash)
    app.after_request(_cache_hashed_static_files)


def content_hash(filename: str) -> str | None:
    """A short hash of a static file's bytes (recomputed only when its size or mtime change)."""
    path = os.path.join(current_app.static_folder or "", filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _hash_of(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _hash_of(path: str, _mtime_ns: int, _size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def _add_content_hash(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = content_hash(values["filename"])
        if digest:
            values["v"] = digest


def _cache_hashed_static_files(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    if response.status_code == 200 and response.direct_passthrough:
        # Our assets are a few kilobytes: read them into the response (the file is closed with it)
        # so Flask-Compress can brotli or gzip them whole, as it does pages.
        response.direct_passthrough = False
        response.make_sequence()
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get("v") and request.args.get("v") == content_hash(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_CACHE_SECONDS
        response.cache_control.immutable = True
    return response
