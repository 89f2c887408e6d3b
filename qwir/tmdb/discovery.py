"""Finding titles on TMDb: keyword resolution, discover paging, maturity checks, hydration, random picks.

Nothing here knows about Flask or SQL: it takes a TmdbClient and returns plain data, so the catalog,
a Celery task or a script can use it alike. Caching is the client's job (keyword search 24 h,
discover 5 min, details 12 h), so repeating a resolution or a hydration inside those TTLs is free.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import random
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from qwir.tmdb import maturity, normalize
from qwir.tmdb.errors import TmdbError, TmdbNotFoundError, TmdbRateLimitError, TmdbUnavailableError
from qwir.tmdb.normalize import MediaDetails

MAX_DISCOVER_PAGE = 500  # TMDb answers page > 500 with an error (code 22)
# /search/keyword matches substrings and has been seen ordering its answer by id, so an exact name
# can sit on any page: resolution reads every page, up to this bound (400 names containing the query).
MAX_KEYWORD_SEARCH_PAGES = 20
DEFAULT_EXTRA_PAGES = 3  # how far a maturity re-check may over-fetch to fill a list

# TMDb's US scales, mildest first: `certification.lte` and our own re-check compare positions here.
MOVIE_CERTIFICATIONS_US = ("G", "PG", "PG-13", "R", "NC-17")
TV_CERTIFICATIONS_US = ("TV-Y", "TV-Y7", "TV-G", "TV-PG", "TV-14", "TV-MA")
# A cap set on one scale, read on the other (a tag holds one cap for its films and its series).
_TV_CAP_FOR_MOVIE_CAP = {"G": "TV-G", "PG": "TV-PG", "PG-13": "TV-14", "R": "TV-MA", "NC-17": "TV-MA"}
_MOVIE_CAP_FOR_TV_CAP = {"TV-Y": "G", "TV-Y7": "G", "TV-G": "G", "TV-PG": "PG", "TV-14": "PG-13",
                         "TV-MA": "R"}

# Keywords from demo-facts' `safety` group that mark explicit sexual content. `include_adult=false`
# alone lets such titles through, so discover excludes them unless a tag asks for adult titles.
# Identity keywords (lesbian, gay, trans, ...) are never on this list.
EXPLICIT_CONTENT_KEYWORD_IDS = (
    445,  # pornography
    5593,  # pornographic video
    11214,  # cartoon sex
    12420,  # unsimulated sex
    18314,  # internet porn
    155477,  # softcore
    156433,  # explicit sex
    190370,  # erotic movie
    211279,  # erotica
)


@dataclass(frozen=True)
class Keyword:
    """A TMDb keyword as search returned it."""

    id: int
    name: str


@dataclass(frozen=True)
class DiscoverFilters:
    """What to ask /discover for; `params(media_type)` turns it into TMDb's query parameters."""

    with_keywords: tuple[int, ...] = ()
    without_keywords: tuple[int, ...] = EXPLICIT_CONTENT_KEYWORD_IDS
    include_adult: bool = False
    language: str | None = None  # language of the answer, e.g. en-US
    original_language: str | None = None  # with_original_language
    region: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    certification_country: str = "US"
    max_certification: str | None = None
    sort_by: str = "popularity.desc"
    extra: dict[str, Any] = field(default_factory=dict)

    def params(self, media_type: str) -> dict[str, Any]:
        """TMDb discover parameters for films ("movie") or series ("tv")."""
        params: dict[str, Any] = {"include_adult": "true" if self.include_adult else "false",
                                  "sort_by": _sort_for(media_type, self.sort_by)}
        if self.with_keywords:
            params["with_keywords"] = "|".join(str(i) for i in self.with_keywords)
        if self.without_keywords:
            # "|" asks TMDb to leave out a title carrying any of them; the hydrated keywords are
            # checked again afterwards (_passes_filters), so the list never depends on it alone.
            params["without_keywords"] = "|".join(str(i) for i in self.without_keywords)
        if self.language:
            params["language"] = self.language
        if self.original_language:
            params["with_original_language"] = self.original_language
        params.update(self._date_params(media_type))
        if media_type == "movie":
            params.update(self._movie_only_params())
        params.update(self.extra)
        return params

    def _date_params(self, media_type: str) -> dict[str, str]:
        prefix = "primary_release_date" if media_type == "movie" else "first_air_date"
        dates = {}
        if self.date_from:
            dates[f"{prefix}.gte"] = self.date_from.isoformat()
        if self.date_to:
            dates[f"{prefix}.lte"] = self.date_to.isoformat()
        return dates

    def _movie_only_params(self) -> dict[str, str]:
        # /discover/tv takes neither a region nor a certification filter: series rely on the re-check.
        params = {}
        if self.region:
            params["region"] = self.region
        cap = certification_cap("movie", self.max_certification)
        if cap:
            # An explicit list, not `certification.lte`: TMDb ranks "NR" 0, so `.lte` lets unrated titles in.
            params["certification_country"] = self.certification_country
            params["certification"] = "|".join(certifications_up_to_cap("movie", cap))
        return params


_TV_SORTS = {"title": "name", "original_title": "original_name", "primary_release_date": "first_air_date"}


def _sort_for(media_type: str, sort_by: str) -> str:
    """Movie sort names translated to their series equivalents (title -> name, ...)."""
    if media_type != "tv":
        return sort_by
    field_name, _, direction = sort_by.partition(".")
    return f"{_TV_SORTS.get(field_name, field_name)}.{direction or 'desc'}"


# Keyword resolution ----------------------------------------------------------------------------


def resolve_keyword(client, name: str, *, max_pages: int = MAX_KEYWORD_SEARCH_PAGES) -> list[Keyword]:
    """Every keyword whose name equals `name` (case-insensitive), in id order, from every page search has.

    TMDb keeps several ids under one name ("lesbian romance" 249665 and 319872), and its search
    has been seen ordering by id rather than by relevance, so no page can be skipped: the first
    answer says how many pages there are, and the rest are read (each cached by the client).
    """
    query = name.strip()
    first = client.search_keywords(query, page=1)
    last_page = min(_whole(first.get("total_pages")), max_pages)
    answers = [first, *(client.search_keywords(query, page=page) for page in range(2, last_page + 1))]
    wanted = query.casefold()
    matches = {int(r["id"]): Keyword(int(r["id"]), normalize.clean_text(r["name"]))
               for answer in answers for r in answer.get("results") or []
               if str(r.get("name", "")).strip().casefold() == wanted}
    return [matches[keyword_id] for keyword_id in sorted(matches)]


def _whole(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def resolve_keyword_names(client, names: Iterable[str], *, max_pages: int = MAX_KEYWORD_SEARCH_PAGES,
                          max_workers: int | None = None) -> dict[str, list[Keyword]]:
    """Each name (trimmed, de-duplicated, in order) with the keywords it resolved to; [] when none."""
    names = [n for n in dict.fromkeys(n.strip() for n in names) if n]
    if not names:
        return {}
    pool = worker_pool(max_workers or connection_cap(client))
    per_name = list(pool.map(lambda n: resolve_keyword(client, n, max_pages=max_pages), names))
    return dict(zip(names, per_name, strict=True))


def resolve_keywords(client, names: Iterable[str], *, max_pages: int = MAX_KEYWORD_SEARCH_PAGES,
                     max_workers: int | None = None) -> list[Keyword]:
    """Resolve several names (synonyms) at once; ids de-duplicated, in the order of the names."""
    per_name = resolve_keyword_names(client, names, max_pages=max_pages, max_workers=max_workers)
    seen: dict[int, Keyword] = {}
    for keywords in per_name.values():
        for keyword in keywords:
            seen.setdefault(keyword.id, keyword)
    return list(seen.values())


# Discover paging -------------------------------------------------------------------------------


def _discover_page(client, media_type: str, filters: DiscoverFilters, page: int) -> dict[str, Any]:
    call = client.discover_movies if media_type == "movie" else client.discover_tv
    return call(**filters.params(media_type), page=page)


def iter_discover(client, media_type: str, filters: DiscoverFilters, *,
                  start_page: int = 1) -> Iterator[list[dict[str, Any]]]:
    """Yield discover results page by page, each title once, until TMDb or the 500-page cap runs out."""
    seen: set[int] = set()
    page, last_page = start_page, MAX_DISCOVER_PAGE
    while page <= last_page:
        answer = _discover_page(client, media_type, filters, page)
        last_page = min(int(answer.get("total_pages") or 0), MAX_DISCOVER_PAGE)
        fresh = [r for r in answer.get("results") or [] if r.get("id") not in seen]
        seen.update(r["id"] for r in fresh)
        yield fresh
        page += 1


def discover(client, media_type: str, filters: DiscoverFilters, *, count: int) -> list[dict[str, Any]]:
    """The first `count` distinct discover results, paging only as far as needed."""
    results: list[dict[str, Any]] = []
    if count <= 0:
        return results
    for page_results in iter_discover(client, media_type, filters):
        results.extend(page_results)
        if len(results) >= count:
            break
    return results[:count]


# Maturity --------------------------------------------------------------------------------------


def certification_scale(media_type: str) -> tuple[str, ...]:
    return MOVIE_CERTIFICATIONS_US if media_type == "movie" else TV_CERTIFICATIONS_US


def certifications_up_to_cap(media_type: str, cap: str) -> tuple[str, ...]:
    """The US ratings a cap admits, mildest first: `("G", "PG", "PG-13")` for PG-13."""
    scale = certification_scale(media_type)
    return scale[: scale.index(cap) + 1]


def age_table(client, media_type: str) -> maturity.AgeTable:
    """Every country's certifications as ages, from TMDb's certification list (cached a week).

    Without the list (TMDb failing) the table is empty and each rating is read from its own name,
    which covers the usual ones ("12A", "TV-14", "PG"): a list of titles is worth more than the
    few ratings only the list's meanings explain.
    """
    try:
        return maturity.age_table(client.certifications(media_type))
    except TmdbError:
        return {}


def certification_cap(media_type: str, cap: str | None) -> str | None:
    """A cap given on either US scale, expressed on the scale of `media_type` (None when unknown)."""
    if not cap:
        return None
    cap = cap.strip().upper()
    if cap in certification_scale(media_type):
        return cap
    converted = (_TV_CAP_FOR_MOVIE_CAP if media_type == "tv" else _MOVIE_CAP_FOR_TV_CAP).get(cap)
    return converted


def within_maturity(media_type: str, certification: str | None, cap: str | None) -> bool:
    """True when a title's certification is at or below the cap.

    With a cap set, a title without a recognised rating is left out: TMDb's own filter skips
    unrated titles for the same reason, and a curator's cap is a promise to members.
    """
    cap = certification_cap(media_type, cap)
    if cap is None:
        return True
    scale = certification_scale(media_type)
    rating = (certification or "").strip().upper()
    return rating in scale and scale.index(rating) <= scale.index(cap)


def certification_from_payload(payload: dict[str, Any], media_type: str, country: str) -> str | None:
    """The rating a details payload gives for `country` (the cap's scale, whatever the display region)."""
    if media_type == "movie":
        return normalize.movie_certification(payload.get("release_dates"), country)
    return normalize.tv_certification(payload.get("content_ratings"), country)


# Hydration -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hydrated:
    """A title's normalised details plus the rating used for the maturity re-check."""

    details: MediaDetails
    certification: str | None


def connection_cap(client) -> int:
    """How many requests may run at once: the client's connection limit."""
    return max(1, int(getattr(client, "max_connections", 20) or 20))


def fetch_details(client, media_type: str, tmdb_id: int, *, region: str, images,
                  certification_country: str = "US") -> Hydrated | None:
    """One title's full details, normalised; None when TMDb no longer has it."""
    try:
        fetch = client.movie_details if media_type == "movie" else client.tv_details
        payload = fetch(tmdb_id)
    except TmdbNotFoundError:
        return None
    details = normalize.normalize_details(media_type, payload, region=region, images=images)
    return Hydrated(details, certification_from_payload(payload, media_type, certification_country))


def hydrate(client, media_type: str, tmdb_ids: list[int], *, region: str, images,
            certification_country: str = "US") -> list[Hydrated]:
    """Details for many titles at once, in the given order; titles TMDb lost are dropped.

    Threads are bounded by the client's connection cap; its limiter paces them and its cache
    answers titles fetched within the details TTL without a request. A title whose retries ran
    out in the crowd gets one more turn on its own afterwards: parallel retries after a 429 burst
    tend to collide again, and one lost title would otherwise fail the whole sync.
    """
    if not tmdb_ids:
        return []
    fetch = partial(fetch_details, client, media_type, region=region, images=images,
                    certification_country=certification_country)
    pool = worker_pool(connection_cap(client))
    first_pass = list(pool.map(partial(_transient_failure_as_value, fetch), tmdb_ids))
    found = [fetch(tmdb_id) if isinstance(result, TRANSIENT_ERRORS) else result
             for tmdb_id, result in zip(tmdb_ids, first_pass, strict=True)]
    return [h for h in found if h is not None]


TRANSIENT_ERRORS = (TmdbUnavailableError, TmdbRateLimitError)


def _transient_failure_as_value(fetch: Callable[[int], Hydrated | None], tmdb_id: int):
    try:
        return fetch(tmdb_id)
    except TRANSIENT_ERRORS as error:
        return error


@functools.cache
def worker_pool(workers: int) -> ThreadPoolExecutor:
    """Threads for concurrent TMDb requests, kept for the life of the process: a cold sync's twenty
    details requests then start at once instead of waiting for twenty threads to be created."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qwir-tmdb")


# A forked child (a Celery or gunicorn worker) gets threads of its own.
os.register_at_fork(after_in_child=worker_pool.cache_clear)


def image_config(client):
    """Image base URL and sizes from /configuration (cached by the client for a day)."""
    return normalize.ImageConfig.from_configuration(client.configuration())


@dataclass
class Found:
    """What `collect_titles` found, and how hard it had to look."""

    titles: list[MediaDetails]
    dropped_for_maturity: int = 0
    discover_pages: int = 0


def collect_titles(client, media_type: str, filters: DiscoverFilters, *, count: int, region: str,
                   images, max_extra_pages: int = DEFAULT_EXTRA_PAGES,
                   exclude_ids: Collection[int] = frozenset(),
                   accept: Callable[[Hydrated], bool] | None = None) -> Found:
    """Discover, hydrate and re-check maturity until `count` titles pass, in discover order.

    When the re-check drops titles, up to `max_extra_pages` further discover pages are fetched
    to fill the gap; each round hydrates only as many titles as are still missing. Titles in
    `exclude_ids` (hidden by a curator) are skipped before hydration.
    """
    accept = accept or (lambda h: _passes_filters(h, media_type, filters))
    collection = Found(titles=[])
    pending: list[dict[str, Any]] = []
    pages = iter_discover(client, media_type, filters)
    while len(collection.titles) < count:
        if not pending:
            if collection.discover_pages >= _page_budget(count, max_extra_pages):
                break
            page = next(pages, None)
            if page is None:
                break
            collection.discover_pages += 1
            pending.extend(r for r in page if r["id"] not in exclude_ids)
            continue
        wanted = count - len(collection.titles)
        batch, pending = pending[:wanted], pending[wanted:]
        for hydrated in hydrate(client, media_type, [r["id"] for r in batch], region=region,
                                images=images, certification_country=filters.certification_country):
            if accept(hydrated):
                collection.titles.append(hydrated.details)
            else:
                collection.dropped_for_maturity += 1
    return collection


def excluded_by_keywords(client, media_type: str, filters: DiscoverFilters) -> list[dict[str, Any]]:
    """The titles of discover's first page that `filters.without_keywords` removed, with their rank.

    Both answers share TMDb's order, so a title on the unfiltered first page and missing from the
    filtered one was left out by the excluded keywords (the filtered page is already cached).
    """
    if not filters.without_keywords:
        return []
    kept = {r.get("id") for r in _discover_page(client, media_type, filters, 1).get("results") or []}
    unfiltered = dataclasses.replace(filters, without_keywords=())
    results = _discover_page(client, media_type, unfiltered, 1).get("results") or []
    return [{"tmdb_id": int(r["id"]), "title": str(r.get("title") or r.get("name") or ""),
             "date": str(r.get("release_date") or r.get("first_air_date") or ""), "rank": rank}
            for rank, r in enumerate(results) if r.get("id") not in kept]


def _page_budget(count: int, max_extra_pages: int) -> int:
    """Pages needed for `count` titles at TMDb's 20 a page, plus the over-fetch allowance."""
    return -(-count // 20) + max_extra_pages


def _passes_filters(hydrated: Hydrated, media_type: str, filters: DiscoverFilters) -> bool:
    if hydrated.details.adult and not filters.include_adult:
        return False
    carried = {int(k["id"]) for k in hydrated.details.keywords if k.get("id") is not None}
    if carried & set(filters.without_keywords):
        return False
    return within_maturity(media_type, hydrated.certification, filters.max_certification)


# Random pick -----------------------------------------------------------------------------------


def random_pick(client, media_type: str, filters: DiscoverFilters, *, region: str, images,
                rng: random.Random | None = None) -> MediaDetails | None:
    """One random title: a random page within min(total_pages, 500), a random result, its details."""
    rng = rng or random.Random()
    first = _discover_page(client, media_type, filters, 1)
    total_pages = min(int(first.get("total_pages") or 0), MAX_DISCOVER_PAGE)
    if total_pages < 1:
        return None
    page_number = rng.randint(1, total_pages)
    page = first if page_number == 1 else _discover_page(client, media_type, filters, page_number)
    results = page.get("results") or []
    if not results:
        return None
    choice = rng.choice(results)
    hydrated = fetch_details(client, media_type, int(choice["id"]), region=region, images=images,
                             certification_country=filters.certification_country)
    return hydrated.details if hydrated else None
