"""Fragments embedded by host pages on other origins: CORS for the origins we trust, absolute links.

A host page (the community site) lazy-loads our fragments with hx-get. From another origin the
browser asks first (htmx sends HX-* headers, so every request is preflighted) and only hands the
answer over when we name that origin; the fragment's own links must then point back at us.
"""

from __future__ import annotations

from flask import Response, current_app, request, url_for

# The request headers htmx 2 sends; a preflight must allow each of them.
HTMX_REQUEST_HEADERS = (
    "HX-Request", "HX-Trigger", "HX-Trigger-Name", "HX-Target", "HX-Current-URL",
    "HX-Boosted", "HX-History-Restore-Request", "HX-Prompt",
)
PREFLIGHT_MAX_AGE = 600


def embedding_origin() -> str | None:
    """The requesting origin when it is one of EMBED_ORIGINS (and not ourselves), else None."""
    origin = request.headers.get("Origin", "").strip()
    if not origin or origin == request.host_url.rstrip("/"):
        return None
    return origin if origin in current_app.config.get("EMBED_ORIGINS", ()) else None


def allow_embedding(response: Response) -> Response:
    """Name a trusted origin on the answer (and on preflights); the answer varies by Origin."""
    response.vary.add("Origin")
    origin = embedding_origin()
    if origin is None:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Allow-Headers"] = ", ".join(HTMX_REQUEST_HEADERS)
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    else:
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response


def external_url_for(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)
