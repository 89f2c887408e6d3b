"""The one rule for "fragment or full page", Vary, and htmx response headers.

htmx-flask gives `request.htmx`; its response helpers know nothing of Vary (and its reswap list
is broken), so the few helpers the views use live here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Response, make_response, request


def wants_fragment() -> bool:
    """True only for a plain htmx request: not boosted and not a history restore."""
    hx = request.htmx
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def vary_on_htmx(response: Response) -> Response:
    """Mark a response whose body depends on HX-Request, so caches keep both variants apart."""
    response.vary.add("HX-Request")
    return response


def conditional(etag: str, render: Callable[[], Any]) -> Response:
    """Answer 304 when the client already holds `etag`; otherwise render and tag the response.

    `no-cache` lets browsers and host pages keep the body but revalidate it every time, which
    costs one cheap ETag comparison here instead of a render. A compressed body carries
    `<etag>:<encoding>` (Flask-Compress), so a client holding that one gets its 304 here too.
    """
    held = held_variant(etag)
    response = Response(status=304) if held else make_response(render())
    response.set_etag(held or etag)
    response.cache_control.no_cache = True
    return response


def held_variant(etag: str) -> str | None:
    """The ETag the client sent for this body, identity or an encoding of it, if any."""
    if etag in request.if_none_match:
        return etag
    prefix = f"{etag}:"
    return next((held for held in request.if_none_match.as_set() if held.startswith(prefix)), None)


def hx_redirect(response: Response, url: str) -> Response:
    """Ask htmx for a full-page navigation (never send htmx a 3xx)."""
    response.headers["HX-Redirect"] = url
    return response


def hx_trigger(response: Response, events: str | dict[str, Any]) -> Response:
    """Fire client events after the swap (a name, or a mapping of names to details)."""
    value = events if isinstance(events, str) else json.dumps(events)
    response.headers["HX-Trigger"] = value
    return response
