"""/movie/{id} and /tv/{id}, their sub-resources, and append_to_response."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from qwir.tmdb.sandbox import derived, discover, languages
from qwir.tmdb.sandbox.catalog import Catalog, Title
from qwir.tmdb.sandbox.images import image_paths
from qwir.tmdb.sandbox.responses import NOT_FOUND, TOO_MANY_APPENDS, fail

MAX_APPENDS = 20
EMPTY_PAGE = {"page": 1, "results": [], "total_pages": 1, "total_results": 0}

Part = Callable[[Catalog, str, Title], dict[str, Any]]


def find_title(catalog: Catalog, media_type: str, raw_id: str) -> Title:
    title = catalog.titles(media_type).get(int(raw_id)) if raw_id.isdigit() else None
    if title is None:
        raise fail(NOT_FOUND)
    return title


def details(catalog: Catalog, media_type: str, raw_id: str, params: Mapping[str, str]) -> dict[str, Any]:
    """The full record, plus each known append_to_response part under its own key (without `id`)."""
    title = find_title(catalog, media_type, raw_id)
    language = languages.language_of(params)
    shown = languages.localized(title, media_type, language)
    names = [name.strip() for name in params.get("append_to_response", "").split(",") if name.strip()]
    if len(names) > MAX_APPENDS:
        raise fail(TOO_MANY_APPENDS)
    body = movie_record(shown) if media_type == "movie" else tv_record(shown)
    parts = PARTS[media_type]
    for name in names:
        if name == "recommendations":
            body[name] = _recommendations(catalog, media_type, title, language)
        elif name in parts:
            body[name] = parts[name](catalog, media_type, title)
    return body


def sub_resource(catalog: Catalog, media_type: str, raw_id: str, name: str) -> dict[str, Any]:
    """A part requested on its own (`/movie/{id}/credits`): same body, with the title's `id` first."""
    title = find_title(catalog, media_type, raw_id)
    part = PARTS[media_type].get(name)
    if part is None:
        raise fail(NOT_FOUND)
    return {"id": title["id"], **part(catalog, media_type, title)}


def _common(title: Title, media_type: str) -> dict[str, Any]:
    poster, backdrop = image_paths(media_type, title["id"])
    return {
        "adult": title["adult"],
        "backdrop_path": backdrop,
        "genres": title["genres"],
        "homepage": "",
        "id": title["id"],
        "original_language": title["original_language"],
        "overview": title["overview"],
        "popularity": title["popularity"],
        "poster_path": poster,
        "production_companies": [],
        "production_countries": [],
        "spoken_languages": [],
        "tagline": "",
        "vote_average": title["vote_average"],
        "vote_count": title["vote_count"],
    }


def movie_record(title: Title) -> dict[str, Any]:
    return _common(title, "movie") | {
        "belongs_to_collection": None,
        "budget": 0,
        "imdb_id": None,
        "original_title": title["original_title"],
        "release_date": title["release_date"],
        "revenue": 0,
        "runtime": title["runtime"],
        "status": "Released",
        "title": title["title"],
        "video": False,
    }


def tv_record(title: Title) -> dict[str, Any]:
    return _common(title, "tv") | {
        "created_by": [_person(name, "creator") for name in title["created_by"]],
        "episode_run_time": [],
        "first_air_date": title["first_air_date"],
        "in_production": False,
        "languages": [title["original_language"]],
        "last_air_date": None,
        "last_episode_to_air": None,
        "name": title["name"],
        "networks": [],
        "next_episode_to_air": None,
        "number_of_episodes": None,
        "number_of_seasons": None,
        "origin_country": title["origin_country"],
        "original_name": title["original_name"],
        "seasons": [],
        "status": "Ended",
        "type": "Scripted",
    }


def _person(name: str, role: str) -> dict[str, Any]:
    person_id = derived.person_id(name)
    return {
        "id": person_id,
        "credit_id": f"qwirdemo{derived.stable_number(role, name) % 16**16:016x}",
        "name": name,
        "original_name": name,
        "gender": 0,
        "profile_path": None,
    }


def _credits(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    """Names only: the demo facts know who is billed, not their characters."""
    cast = [_cast_member(media_type, name, order) for order, name in enumerate(title["cast"])]
    crew = [
        _person(name, "director")
        | {
            "adult": False,
            "known_for_department": "Directing",
            "popularity": 0.0,
            "department": "Directing",
            "job": "Director",
        }
        for name in title.get("directors", [])
    ]
    return {"cast": cast, "crew": crew}


def _aggregate_credits(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    """A series' cast and crew over all seasons: roles and jobs as lists, with episode counts."""
    cast = [
        _person(name, "cast")
        | {"adult": False, "known_for_department": "Acting", "popularity": 0.0,
           "roles": [{"credit_id": f"qwirdemo{derived.stable_number('role', name) % 16**16:016x}",
                      "character": "", "episode_count": 1}],
           "total_episode_count": 1, "order": order}
        for order, name in enumerate(title["cast"])
    ]
    return {"cast": cast, "crew": []}


def _cast_member(media_type: str, name: str, order: int) -> dict[str, Any]:
    member = _person(name, "cast") | {"adult": False, "known_for_department": "Acting", "popularity": 0.0}
    if media_type == "movie":
        member["cast_id"] = order + 1  # TMDb numbers movie cast entries; series credits have no cast_id
    return member | {"character": "", "order": order}


def _external_ids(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    ids: dict[str, Any] = {
        "imdb_id": None,
        "wikidata_id": None,
        "facebook_id": None,
        "instagram_id": None,
        "twitter_id": None,
    }
    if media_type == "tv":
        ids.update(tvdb_id=None, tvrage_id=None, freebase_mid=None, freebase_id=None)
    return ids


def _release_dates(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    released = f"{title['release_date']}T00:00:00.000Z" if title["release_date"] else ""
    return {
        "results": [
            {
                "iso_3166_1": country,
                "release_dates": [
                    {
                        "certification": derived.movie_rating(title, country),
                        "descriptors": [],
                        "iso_639_1": "",
                        "note": "",
                        "release_date": released,
                        "type": 3,
                    },
                ],
            }
            for country in derived.MOVIE_RATING_ORDER
        ]
    }


def _content_ratings(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    return {
        "results": [
            {"descriptors": [], "iso_3166_1": country, "rating": derived.tv_rating(title, country)}
            for country in derived.TV_RATING_ORDER
        ]
    }


def _keywords(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    key = "keywords" if media_type == "movie" else "results"
    return {key: catalog.keywords_of(title)}


def _watch_providers(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    return {"results": derived.watch_providers(media_type, title)}


def _recommendations(catalog: Catalog, media_type: str, title: Title, language: str = "en") -> dict[str, Any]:
    """Titles of the same kind sharing the most keywords with this one, then the most popular.

    TMDb's own recommendations come from viewing patterns; shared keywords are the demo's stand-in.
    Like TMDb, the list is of safe-for-work titles in the asked language, each naming its `media_type`.
    """
    carried = set(title["keyword_ids"])
    scored = [
        (-len(carried & set(other["keyword_ids"])), -other["popularity"], other["id"], other)
        for other in catalog.titles(media_type).values()
        if other["id"] != title["id"] and not other["adult"] and carried & set(other["keyword_ids"])
    ]
    scored.sort(key=lambda entry: entry[:3])
    results = [
        discover.list_item(media_type, languages.localized(other, media_type, language), image_paths)
        | {"media_type": media_type, "adult": False}
        for *_, other in scored[: discover.PAGE_SIZE]
    ]
    return {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}


def _empty(shape: dict[str, Any]) -> Part:
    return lambda catalog, media_type, title: {
        key: list(value) if isinstance(value, list) else value for key, value in shape.items()
    }


def _translations(catalog: Catalog, media_type: str, title: Title) -> dict[str, Any]:
    return languages.translations(media_type, title)


_SHARED_PARTS: dict[str, Part] = {
    "translations": _translations,
    "credits": _credits,
    "external_ids": _external_ids,
    "keywords": _keywords,
    "watch/providers": _watch_providers,
    "videos": _empty({"results": []}),
    "images": _empty({"backdrops": [], "logos": [], "posters": []}),
    "reviews": _empty(EMPTY_PAGE),
    "recommendations": _recommendations,
    "similar": _empty(EMPTY_PAGE),
}
PARTS: dict[str, dict[str, Part]] = {
    "movie": _SHARED_PARTS | {"release_dates": _release_dates, "alternative_titles": _empty({"titles": []})},
    "tv": _SHARED_PARTS
    | {"content_ratings": _content_ratings, "alternative_titles": _empty({"results": []}),
       "aggregate_credits": _aggregate_credits},
}
