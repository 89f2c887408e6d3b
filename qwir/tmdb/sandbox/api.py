"""The sandbox's request handler: (method, path, query, headers) in, TMDb's status and JSON out."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from qwir.tmdb.sandbox import certification_lists, derived, details, discover, languages
from qwir.tmdb.sandbox import search as title_search
from qwir.tmdb.sandbox.catalog import Catalog, load_catalog
from qwir.tmdb.sandbox.images import BACKDROP_SIZES, LOGO_SIZES, POSTER_SIZES, image_paths
from qwir.tmdb.sandbox.responses import (
    INVALID_API_KEY,
    NOT_FOUND,
    SandboxResponse,
    TmdbFailure,
    fail,
    validation_failure,
)

DEFAULT_SANDBOX_KEY = "sandbox"
DEFAULT_IMAGE_BASE_URL = "/sandbox/t/p/"

Handler = Callable[["SandboxApi", re.Match, Mapping[str, str]], Any]


class SandboxApi:
    """An imitation of the TMDb v3 endpoints Qwir calls, answering from the demo catalog."""

    def __init__(
        self,
        api_key: str = DEFAULT_SANDBOX_KEY,
        *,
        image_base_url: str = DEFAULT_IMAGE_BASE_URL,
        catalog: Catalog | None = None,
    ):
        self._api_key = api_key
        self.image_base_url = image_base_url
        self.catalog = catalog or load_catalog()

    def __repr__(self) -> str:
        return f"SandboxApi(image_base_url={self.image_base_url!r})"

    def handle(
        self, method: str, path: str, params: Mapping[str, str], headers: Mapping[str, str]
    ) -> SandboxResponse:
        """Answer one request exactly as TMDb would, errors included."""
        if not self._authorised(params, headers):
            return fail(INVALID_API_KEY).response()
        route = match_route(method, path)
        if route is None:
            return fail(NOT_FOUND).response()
        handler, match = route
        try:
            return SandboxResponse(200, handler(self, match, params))
        except TmdbFailure as failure:
            return failure.response()

    def _authorised(self, params: Mapping[str, str], headers: Mapping[str, str]) -> bool:
        """One secret, as the `api_key` query parameter or as a Bearer token (the parameter wins)."""
        if "api_key" in params:
            return params["api_key"] == self._api_key
        scheme, _, token = _header(headers, "authorization").partition(" ")
        return scheme.lower() == "bearer" and token.strip() == self._api_key

    def configuration(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        return {
            "images": {
                "base_url": self.image_base_url,
                "secure_base_url": self.image_base_url,
                "backdrop_sizes": list(BACKDROP_SIZES),
                "logo_sizes": list(LOGO_SIZES),
                "poster_sizes": list(POSTER_SIZES),
                "profile_sizes": ["w45", "w185", "h632", "original"],
                "still_sizes": ["w92", "w185", "w300", "original"],
            },
            "change_keys": ["adult", "genres", "images", "keywords", "overview", "releases", "title"],
        }

    def genres(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        genres = self.catalog.movie_genres if match["media"] == "movie" else self.catalog.tv_genres
        return {"genres": languages.localized_genres(list(genres), languages.language_of(params))}

    def certifications(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        """Every country's certifications with their meaning and order, like TMDb's lists."""
        return {"certifications": certification_lists.LISTS[match["media"]]}

    def search_keyword(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        """Case-insensitive substring match, ordered by id like TMDb's answers."""
        query = params.get("query", "").strip().casefold()
        if not query:
            raise validation_failure("query must be provided")
        page = discover.parse_page(params)
        hits = [
            {"id": kid, "name": name} for kid, name in self.catalog.keywords_by_id if query in name.casefold()
        ]
        return discover.paginate(hits, page)

    def keyword(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        name = self.catalog.keyword_names.get(int(match["id"]))
        if name is None:
            raise fail(NOT_FOUND)
        return {"id": int(match["id"]), "name": name}

    def discover(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        return discover.discover(self.catalog, match["media"], params, image_paths)

    def search(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        kinds = ("movie", "tv") if match["kind"] == "multi" else (match["kind"],)
        return title_search.search(self.catalog, kinds, params, image_paths)

    def watch_providers(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        """The demo's fictional providers, offered in each demo region (`watch_region` narrows nothing)."""
        return {"results": derived.provider_list()}

    def details(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        return details.details(self.catalog, match["media"], match["id"], params)

    def sub_resource(self, match: re.Match, params: Mapping[str, str]) -> dict[str, Any]:
        return details.sub_resource(self.catalog, match["media"], match["id"], match["part"])


ROUTES: tuple[tuple[str, re.Pattern, Handler], ...] = tuple(
    (template, re.compile(pattern), handler)
    for template, pattern, handler in (
        ("/3/configuration", r"/3/configuration", SandboxApi.configuration),
        ("/3/genre/{media}/list", r"/3/genre/(?P<media>movie|tv)/list", SandboxApi.genres),
        ("/3/certification/{media}/list", r"/3/certification/(?P<media>movie|tv)/list",
         SandboxApi.certifications),
        ("/3/search/keyword", r"/3/search/keyword", SandboxApi.search_keyword),
        ("/3/keyword/{id}", r"/3/keyword/(?P<id>\d+)", SandboxApi.keyword),
        ("/3/search/{kind}", r"/3/search/(?P<kind>multi|movie|tv)", SandboxApi.search),
        ("/3/watch/providers/{media}", r"/3/watch/providers/(?P<media>movie|tv)", SandboxApi.watch_providers),
        ("/3/discover/{media}", r"/3/discover/(?P<media>movie|tv)", SandboxApi.discover),
        ("/3/{media}/{id}", r"/3/(?P<media>movie|tv)/(?P<id>\d+)", SandboxApi.details),
        (
            "/3/{media}/{id}/{part}",
            r"/3/(?P<media>movie|tv)/(?P<id>\d+)/(?P<part>[a-z_]+(?:/providers)?)",
            SandboxApi.sub_resource,
        ),
    )
)


def match_route(method: str, path: str) -> tuple[Handler, re.Match] | None:
    if method.upper() not in ("GET", "HEAD"):
        return None
    normalised = path.rstrip("/")
    for _template, pattern, handler in ROUTES:
        match = pattern.fullmatch(normalised)
        if match:
            return handler, match
    return None


def route_name(path: str) -> str:
    """The route a path belongs to, for request statistics (`/3/movie/{id}`); else the path itself."""
    normalised = path.rstrip("/")
    for template, pattern, _handler in ROUTES:
        match = pattern.fullmatch(normalised)
        if match:
            groups = match.groupdict()
            return template.replace("{media}", groups.get("media") or "{media}").replace(
                "{kind}", groups.get("kind") or "{kind}"
            )
    return normalised or "/"


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""
