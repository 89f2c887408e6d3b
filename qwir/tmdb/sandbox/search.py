"""/search/multi, /search/movie and /search/tv over the demo catalog, in TMDb's result shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qwir.tmdb.sandbox import discover
from qwir.tmdb.sandbox.catalog import Catalog, Title
from qwir.tmdb.sandbox.responses import validation_failure

NAME_FIELDS = {"movie": ("title", "original_title"), "tv": ("name", "original_name")}


def search(
    catalog: Catalog, kinds: tuple[str, ...], params: Mapping[str, str], image_names
) -> dict[str, Any]:
    """Titles whose name or original name contains the query, most popular first; 20 a page.

    Like TMDb, a missing query is a validation error and adult titles stay out unless asked for.
    Multi search tags each result with its `media_type`; the demo catalog holds no people.
    """
    query = params.get("query", "").strip().casefold()
    if not query:
        raise validation_failure("query must be provided")
    page = discover.parse_page(params)
    include_adult = params.get("include_adult", "false").lower() == "true"
    hits: list[tuple[float, int, str, Title]] = []
    for media_type in kinds:
        for title in catalog.titles(media_type).values():
            if title["adult"] and not include_adult:
                continue
            if any(query in title[name].casefold() for name in NAME_FIELDS[media_type]):
                hits.append((-title["popularity"], title["id"], media_type, title))
    hits.sort(key=lambda hit: hit[:2])
    multi = len(kinds) > 1
    results = [_result(media_type, title, image_names, multi) for _, _, media_type, title in hits]
    return discover.paginate(results, page)


def _result(media_type: str, title: Title, image_names, multi: bool) -> dict[str, Any]:
    item = discover.list_item(media_type, title, image_names)
    if multi:
        item["media_type"] = media_type
        item.setdefault("adult", False)
    return item
