"""Generated posters, backdrops and provider logos for the demo catalog, at TMDb's image URLs' shape."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from qwir.tmdb.sandbox import UnknownImageError, image_kind, render_image_svg

bp = Blueprint("sandbox_images", __name__, url_prefix="/sandbox/t/p")

# The artwork is a pure function of the file name and size, so browsers may keep it for a year.
CACHE_FOR_A_YEAR = "public, max-age=31536000, immutable"


@bp.get("/<size>/<file_name>")
def image(size: str, file_name: str):
    """One generated SVG; 404 for an unknown file, size or title."""
    try:
        svg = render_image_svg(image_kind(file_name), file_name, size)
    except UnknownImageError:
        abort(404)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = CACHE_FOR_A_YEAR
    return response
