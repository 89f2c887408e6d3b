"""/search/multi, /search/movie and /search/tv over the demo catalog, in TMDb's result shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qwir.tmdb.sandbox import discover, languages
from qwir.tmdb.sandbox.catalog import Catalog, Title
from qwir.tmdb.sandbox.responses import validation_failure

NAME_FIELDS = {"movie": ("title", "original_title"), "tv": ("name", "original_name")}


def search(
    catalog: Catalog, kinds: tuple[str, ...], params: Mapping[str, str], image_names
) -> dict[str, Any]:
    """Titles whose name or original name contains the query, most popular first; 20 a page.

    Like TMDb, a missing query is a validation error and adult titles stay out unless asked for.
    Multi search tags each result with its `media_type`; the demo catalog holds no people. Names match
    and results read in the asked `language` (a French title is found by its French name too).
    """
    query = params.get("query", "").strip().casefold()
    if not query:
        raise validation_failure("query must be provided")
    page = discover.parse_page(params)
    include_adult = params.get("include_adult", "false").lower() == "true"
    language = languages.language_of(params)
    hits: list[tuple[float, int, str, Title]] = []
    for media_type in kinds:
        for record in catalog.titles(media_type).values():
            if record["adult"] and not include_adult:
                continue
            title = languages.localized(record, media_type, language)
            if any(query in name.casefold() for name in _names(media_type, record, title)):
                hits.append((-title["popularity"], title["id"], media_type, title))
    hits.sort(key=lambda hit: hit[:2])
    multi = len(kinds) > 1
    results = [_result(media_type, title, image_names, multi) for _, _, media_type, title in hits]
    return discover.paginate(results, page)


def _names(media_type: str, record: Title, shown: Title) -> set[str]:
    """The default, original and shown (translated) names a query may match."""
    name, original = NAME_FIELDS[media_type]
    return {record[name], record[original], shown[name]}


def _result(media_type: str, title: Title, image_names, multi: bool) -> dict[str, Any]:
    item = discover.list_item(media_type, title, image_names)
    if multi:
        item["media_type"] = media_type
        item.setdefault("adult", False)
    return item
