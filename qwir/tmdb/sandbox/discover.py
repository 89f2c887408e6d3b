"""/discover/movie and /discover/tv over the demo catalog: TMDb's filters, sorts and pagination."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from qwir.tmdb.sandbox import derived, languages
from qwir.tmdb.sandbox.catalog import Catalog, Title
from qwir.tmdb.sandbox.responses import INVALID_DATE, INVALID_INPUT, INVALID_PAGE, fail

PAGE_SIZE = 20
MAX_PAGE = 500

Predicate = Callable[[Title], bool]

DATE_FIELD = {"movie": "release_date", "tv": "first_air_date"}
NAME_FIELD = {"movie": "title", "tv": "name"}
ORIGINAL_NAME_FIELD = {"movie": "original_title", "tv": "original_name"}
DATE_PARAMS = {
    "movie": ("primary_release_date", "release_date"),
    "tv": ("first_air_date", "air_date"),
}
YEAR_PARAMS = {"movie": ("primary_release_year", "year"), "tv": ("first_air_date_year",)}


def parse_page(params: Mapping[str, str]) -> int:
    raw = params.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise fail(INVALID_PAGE)
    return int(raw)


def paginate(items: list[Any], page: int) -> dict[str, Any]:
    """TMDb's page envelope: 20 a page; a page past the end is empty, never an error."""
    start = (page - 1) * PAGE_SIZE
    return {
        "page": page,
        "results": items[start : start + PAGE_SIZE],
        "total_pages": max(1, math.ceil(len(items) / PAGE_SIZE)),
        "total_results": len(items),
    }


def discover(catalog: Catalog, media_type: str, params: Mapping[str, str], image_names) -> dict[str, Any]:
    page = parse_page(params)
    predicates = list(_predicates(media_type, params))
    matches = [title for title in catalog.titles(media_type).values() if all(p(title) for p in predicates)]
    ordered = _sorted(media_type, matches, params.get("sort_by", ""))
    language = languages.language_of(params)
    shown = [languages.localized(title, media_type, language) for title in ordered]
    return paginate([list_item(media_type, title, image_names) for title in shown], page)


def list_item(media_type: str, title: Title, image_names) -> dict[str, Any]:
    """A title as discover lists it: TMDb's list fields only."""
    poster, backdrop = image_names(media_type, title["id"])
    item = {
        "backdrop_path": backdrop,
        "genre_ids": [genre["id"] for genre in title["genres"]],
        "id": title["id"],
        "original_language": title["original_language"],
        "overview": title["overview"],
        "popularity": title["popularity"],
        "poster_path": poster,
        "vote_average": title["vote_average"],
        "vote_count": title["vote_count"],
    }
    if media_type == "movie":
        item.update(
            adult=title["adult"],
            original_title=title["original_title"],
            release_date=title["release_date"],
            title=title["title"],
            video=False,
        )
    else:
        item.update(
            origin_country=title["origin_country"],
            original_name=title["original_name"],
            first_air_date=title["first_air_date"],
            name=title["name"],
        )
    return dict(sorted(item.items()))


def _predicates(media_type: str, params: Mapping[str, str]) -> Iterable[Predicate]:
    if params.get("include_adult", "false").lower() != "true":
        yield lambda title: not title["adult"]
    yield from _id_filters(params)
    yield from _date_filters(media_type, params)
    yield from _number_filters(params)
    if params.get("with_original_language"):
        languages = set(params["with_original_language"].replace(",", "|").split("|"))
        yield lambda title: title["original_language"] in languages
    if media_type == "tv" and params.get("with_origin_country"):
        countries = set(params["with_origin_country"].replace(",", "|").split("|"))
        yield lambda title: bool(countries & set(title["origin_country"]))
    if media_type == "movie":
        yield from _certification_filters(params)
    yield from _provider_filter(media_type, params)


def _id_groups(raw: str) -> list[set[int]]:
    """TMDb's id lists: comma means AND, pipe means OR; `a,b|c` is a AND (b OR c)."""
    try:
        return [{int(part) for part in group.split("|") if part.strip()} for group in raw.split(",") if group]
    except ValueError:
        raise fail(INVALID_INPUT) from None


def _id_filters(params: Mapping[str, str]) -> Iterable[Predicate]:
    if params.get("with_keywords"):
        groups = _id_groups(params["with_keywords"])
        yield lambda title: all(group & set(title["keyword_ids"]) for group in groups)
    if params.get("without_keywords"):
        banned = set().union(*_id_groups(params["without_keywords"].replace("|", ",")))
        yield lambda title: not banned & set(title["keyword_ids"])
    if params.get("with_genres"):
        genre_groups = _id_groups(params["with_genres"])
        yield lambda title: all(group & _genre_ids(title) for group in genre_groups)
    if params.get("without_genres"):
        banned_genres = set().union(*_id_groups(params["without_genres"].replace("|", ",")))
        yield lambda title: not banned_genres & _genre_ids(title)


def _genre_ids(title: Title) -> set[int]:
    return {genre["id"] for genre in title["genres"]}


def _parse_date(raw: str) -> str:
    try:
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise fail(INVALID_DATE) from None


def _date_filters(media_type: str, params: Mapping[str, str]) -> Iterable[Predicate]:
    field = DATE_FIELD[media_type]
    for name in DATE_PARAMS[media_type]:
        if params.get(f"{name}.gte"):
            low = _parse_date(params[f"{name}.gte"])
            yield lambda title, low=low: bool(title[field]) and title[field] >= low
        if params.get(f"{name}.lte"):
            high = _parse_date(params[f"{name}.lte"])
            yield lambda title, high=high: bool(title[field]) and title[field] <= high
    for name in YEAR_PARAMS[media_type]:
        if params.get(name):
            year = str(_parse_number(params[name]))
            yield lambda title, year=year: title[field][:4] == year


def _parse_number(raw: str) -> float:
    try:
        number = float(raw)
    except ValueError:
        raise fail(INVALID_INPUT) from None
    if not math.isfinite(number):
        raise fail(INVALID_INPUT)
    return int(number) if number.is_integer() else number


def _number_filters(params: Mapping[str, str]) -> Iterable[Predicate]:
    for name, field in (
        ("vote_count", "vote_count"),
        ("vote_average", "vote_average"),
        ("with_runtime", "runtime"),
    ):
        if params.get(f"{name}.gte"):
            low = _parse_number(params[f"{name}.gte"])
            yield lambda title, low=low, field=field: title.get(field) is not None and title[field] >= low
        if params.get(f"{name}.lte"):
            high = _parse_number(params[f"{name}.lte"])
            yield lambda title, high=high, field=field: title.get(field) is not None and title[field] <= high


def _certification_filters(params: Mapping[str, str]) -> Iterable[Predicate]:
    """Movies only, like TMDb: needs certification_country; unrated countries match nothing."""
    country = params.get("certification_country", "").upper()
    if not country:
        return
    order = derived.MOVIE_RATING_ORDER.get(country, ())
    if params.get("certification"):
        allowed = set(params["certification"].split("|"))
        yield lambda title: derived.movie_rating(title, country) in allowed
    for bound, keep in (
        ("lte", lambda rank, limit: rank <= limit),
        ("gte", lambda rank, limit: rank >= limit),
    ):
        limit_name = params.get(f"certification.{bound}")
        if limit_name:
            limit = order.index(limit_name) if limit_name in order else None
            yield lambda title, keep=keep, limit=limit: _rank_matches(title, country, order, limit, keep)


def _rank_matches(title: Title, country: str, order: tuple[str, ...], limit: int | None, keep) -> bool:
    rating = derived.movie_rating(title, country)
    return limit is not None and rating is not None and keep(order.index(rating), limit)


def _provider_filter(media_type: str, params: Mapping[str, str]) -> Iterable[Predicate]:
    if params.get("with_watch_providers"):
        region = params.get("watch_region", "US")
        groups = _id_groups(params["with_watch_providers"])
        yield lambda title: all(group & derived.provider_ids(media_type, title, region) for group in groups)


def _sort_keys(media_type: str) -> dict[str, Callable[[Title], Any]]:
    date_field, name_field = DATE_FIELD[media_type], NAME_FIELD[media_type]
    original_field = ORIGINAL_NAME_FIELD[media_type]
    keys: dict[str, Callable[[Title], Any]] = {
        "popularity": lambda title: title["popularity"],
        "vote_average": lambda title: title["vote_average"],
        "vote_count": lambda title: title["vote_count"],
        name_field: lambda title: title[name_field].casefold(),
        original_field: lambda title: title[original_field].casefold(),
    }
    if media_type == "movie":
        keys.update(
            primary_release_date=lambda t: t[date_field],
            release_date=lambda t: t[date_field],
            revenue=lambda t: 0,
        )
    else:
        keys["first_air_date"] = lambda title: title[date_field]
    return keys


def _sorted(media_type: str, titles: list[Title], sort_by: str) -> list[Title]:
    """Stable order: the requested key, then id, so a repeated query pages identically."""
    field, _, direction = sort_by.partition(".")
    keys = _sort_keys(media_type)
    if field not in keys or direction not in ("asc", "desc"):
        field, direction = "popularity", "desc"
    by_id = sorted(titles, key=lambda title: title["id"])
    return sorted(by_id, key=keys[field], reverse=direction == "desc")
