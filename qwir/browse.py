"""The catalog read side: planet browse over TMDb discover, search and title pages, all safety-checked.

widgets.py reads the stored spotlights; this module answers from TMDb itself, always through the
client's cache (discover and search 5 minutes, details 12 hours, with single flight), and never
writes a list. Every title shown here has passed `screen()`: TMDb's own filters first, then a
re-check of its keywords and rating on our side.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select

from qwir import discretion
from qwir.content_notes import title_notes
from qwir.extensions import db
from qwir.localized import genre_label
from qwir.models import IdentityTag, MediaItem, MediaList, MediaListItem
from qwir.preferences import Preferences
from qwir.tmdb import discovery, maturity
from qwir.tmdb.errors import TmdbError
from qwir.validation import whole_number
from qwir.widgets import BadQuery, NotFound, shown_rating, visible_items

PAGE_SIZE = 20  # TMDb's page: one of ours is one of theirs, so counts and page numbers stay true
MAX_PAGE = discovery.MAX_DISCOVER_PAGE
DOCUMENTARY_GENRE = 99
SHORT_RUNTIME = 40
TOP_RATED_VOTE_FLOOR = 50
FIRST_DECADE, LAST_DECADE = 1900, 2020
# Original languages offered in the filter (ISO 639-1); the names come from Babel for the member's locale.
LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "sv", "da", "nl", "pl", "ru", "ja", "ko", "zh", "hi", "th",
             "tl", "tr", "he", "ar")


@dataclass(frozen=True)
class Format:
    label: object  # a lazy translation
    media_type: str
    params: Mapping[str, str] = field(default_factory=dict)


FORMATS = {
    "movie": Format(lazy_gettext("Films"), "movie"),
    "tv": Format(lazy_gettext("Series"), "tv"),
    "documentary": Format(lazy_gettext("Documentaries"), "movie", {"with_genres": str(DOCUMENTARY_GENRE)}),
    "short": Format(lazy_gettext("Shorts"), "movie", {"with_runtime.lte": str(SHORT_RUNTIME)}),
}
SORTS = {
    "popular": (lazy_gettext("Most popular"), "popularity.desc"),
    "top": (lazy_gettext("Top rated"), "vote_average.desc"),
    "newest": (lazy_gettext("Newest"), "primary_release_date.desc"),
    "oldest": (lazy_gettext("Oldest"), "primary_release_date.asc"),
}


# ---------------------------------------------------------------- the query in the URL


@dataclass(frozen=True)
class BrowseQuery:
    """Format, filters, sort and page of a planet's browse section, as they appear in its URL."""

    format: str = "movie"
    genre: int | None = None
    decade: int | None = None
    language: str | None = None
    services: tuple[int, ...] = ()
    min_votes: int | None = None
    sort: str = "popular"
    page: int = 1

    @property
    def media_type(self) -> str:
        return FORMATS[self.format].media_type

    def params(self, **changes: object) -> dict[str, object]:
        """URL parameters with some changed; defaults are left out to keep URLs short."""
        values = {**self.__dict__, **changes}
        defaults = BrowseQuery().__dict__
        params = {name: value for name, value in values.items() if value != defaults[name]}
        if "services" in params:
            params["services"] = list(params["services"])
        return params

    @property
    def filtered(self) -> bool:
        return replace(self, format="movie", sort="popular", page=1) != BrowseQuery()


def _number(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    number = whole_number(raw, low=low, high=high)
    if number is None:
        raise BadQuery(gettext("%(name)s must be a whole number from %(low)d to %(high)d.", name=name,
                               low=low, high=high))
    return number


def _choice(args: Mapping[str, str], name: str, choices: Iterable[str], default: str) -> str:
    value = (args.get(name) or "").strip() or default
    if value not in choices:
        raise BadQuery(gettext("%(name)s must be one of: %(choices)s", name=name, choices=", ".join(choices)))
    return value


def _services(args) -> tuple[int, ...]:
    raw = args.getlist("services") if hasattr(args, "getlist") else []
    ids = [whole_number(value.strip(), low=1, high=10**7) for value in raw if value.strip()]
    if None in ids or len(ids) > 20:
        raise BadQuery(gettext("services must be up to 20 TMDb provider ids."))
    return tuple(sorted(set(ids)))


def parse_browse_query(args) -> BrowseQuery:
    """Read the browse parameters; anything that does not parse is a BadQuery naming the parameter."""
    decade = _number(args, "decade", FIRST_DECADE, LAST_DECADE)
    if decade is not None and decade % 10:
        raise BadQuery(gettext("decade must be a year ending in 0, such as 1990."))
    language = (args.get("language") or "").strip() or None
    if language is not None and language not in LANGUAGES:
        raise BadQuery(gettext("language must be one of: %(choices)s", choices=", ".join(LANGUAGES)))
    return BrowseQuery(
        format=_choice(args, "format", FORMATS, "movie"),
        genre=_number(args, "genre", 1, 10**7),
        decade=decade,
        language=language,
        services=_services(args),
        min_votes=_number(args, "min_votes", 0, 100_000),
        sort=_choice(args, "sort", SORTS, "popular"),
        page=_number(args, "page", 1, MAX_PAGE) or 1,
    )


# ---------------------------------------------------------------- safety


def safety_params(client, media_type: str, preferences: Preferences, region: str) -> dict[str, str]:
    """TMDb's own filters for the member: no adult titles, their age cap, their avoided topics.

    The cap becomes the list of the region's film certifications whose age it admits (the US list
    where TMDb knows none for the region). TMDb applies it to films only and leaves unrated ones
    out, so a member who chose to see unrated titles gets the re-check alone; series rely on the
    re-check in `screen`, as every title does in the end.
    """
    params = {"include_adult": "false"}
    blocked = sorted(set(discovery.EXPLICIT_CONTENT_KEYWORD_IDS) | preferences.avoided_keyword_ids)
    params["without_keywords"] = "|".join(map(str, blocked))
    if media_type == "movie" and preferences.cap is not None and not preferences.show_unrated:
        ages = discovery.age_table(client, "movie")
        country = region if ages.get(region) else maturity.FALLBACK_COUNTRY
        allowed = [rating for rating, age in (ages.get(country) or {}).items()
                   if age is not None and preferences.age_allowed(age)]
        if allowed:
            params["certification_country"] = country
            params["certification"] = "|".join(allowed)
    return params


@dataclass
class Title:
    """A title as a card shows it, whatever answered for it (discover, search, recommendations)."""

    media_type: str
    tmdb_id: int
    title: str
    poster_path: str | None
    release_date: dt.date | None
    adult: bool = False
    keyword_ids: frozenset[int] | None = None  # None: not known yet
    keywords: list[dict[str, Any]] = field(default_factory=list)  # [{id, name}], for content notes
    curated_notes: Any = None  # the notes curators attached, when a sync stored the title
    ratings: dict[str, dict[str, Any]] = field(default_factory=dict)  # country -> {"rating", "age"}
    certification: str | None = None  # a stored title's one rating, from before every country was kept
    certification_region: str | None = None
    translations: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> {"title"}
    genre_ids: tuple[int, ...] = ()
    vote_average: float | None = None
    badges: list[IdentityTag] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return self.release_date.year if self.release_date else None


def title_from_result(result: Mapping[str, Any], media_type: str | None = None,
                      language: str = "en") -> Title | None:
    """A discover, search or recommendation result as a Title; None for people and malformed entries.

    `language` is the one TMDb answered in: its name is that language's title.
    """
    kind = result.get("media_type") or media_type
    if kind not in ("movie", "tv") or not isinstance(result.get("id"), int):
        return None
    name = result.get("title") if kind == "movie" else result.get("name")
    released = result.get("release_date") if kind == "movie" else result.get("first_air_date")
    shown = str(name or result.get("original_title") or result.get("original_name") or "")
    return Title(
        media_type=kind,
        tmdb_id=result["id"],
        title=shown,
        translations={language: {"title": shown}} if language != "en" and name else {},
        poster_path=result.get("poster_path") or None,
        release_date=_date(released),
        adult=bool(result.get("adult")),
        genre_ids=tuple(g for g in result.get("genre_ids") or [] if isinstance(g, int)),
        vote_average=result.get("vote_average"),
    )


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def fill_from_store(titles: Sequence[Title]) -> None:
    """Fill keywords and rating from titles a sync already stored: one query, no TMDb request."""
    for media_type in ("movie", "tv"):
        ids = [title.tmdb_id for title in titles if title.media_type == media_type]
        if not ids:
            continue
        stored = {
            item.tmdb_id: item
            for item in db.session.scalars(
                select(MediaItem).where(MediaItem.media_type == media_type, MediaItem.tmdb_id.in_(ids))
            )
        }
        for title in titles:
            item = stored.get(title.tmdb_id) if title.media_type == media_type else None
            if item is not None:
                title.keyword_ids = frozenset(item.keyword_ids)
                title.keywords = list(item.keywords or [])
                title.curated_notes = item.curated_notes
                title.ratings = dict(item.ratings or {})
                title.certification = item.certification
                title.certification_region = item.certification_region
                title.translations = {**(item.translations or {}), **title.translations}
                title.adult = title.adult or item.adult


def hydrate_missing(client, titles: Sequence[Title]) -> None:
    """Fetch keywords and every country's rating (through the cache) for the titles still missing them."""
    missing = [title for title in titles if title.keyword_ids is None]
    for media_type in ("movie", "tv"):
        wanted = [title.tmdb_id for title in missing if title.media_type == media_type]
        if not wanted:
            continue
        found = discovery.hydrate(client, media_type, wanted, region=maturity.FALLBACK_COUNTRY, images=None)
        ages = discovery.age_table(client, media_type)
        by_id = {hydrated.details.tmdb_id: hydrated for hydrated in found}
        for title in missing:
            hydrated = by_id.get(title.tmdb_id) if title.media_type == media_type else None
            if hydrated is not None:
                title.keyword_ids = frozenset(int(k["id"]) for k in hydrated.details.keywords if "id" in k)
                title.keywords = list(hydrated.details.keywords)
                title.ratings = maturity.ratings_by_country(hydrated.details.certifications, ages)
                title.adult = title.adult or hydrated.details.adult


def passes(title: Title, preferences: Preferences, region: str) -> bool:
    """The same rules as the spotlights: never adult, within the cap in the member's region's
    ratings, free of explicit content and of the content notes they avoid."""
    if title.adult:
        return False
    rating = shown_rating(title, region)
    if not preferences.age_allowed(rating.age if rating else None):
        return False
    if (title.keyword_ids or frozenset()) & set(discovery.EXPLICIT_CONTENT_KEYWORD_IDS):
        return False
    return preferences.allows_notes(title_notes(title))


def _must_know_details(preferences: Preferences) -> bool:
    """A member who avoids content notes or caps maturity sees nothing whose keywords or rating we
    do not know."""
    return bool(preferences.avoid_topics) or preferences.cap is not None


def screen(client, titles: Sequence[Title], preferences: Preferences, region: str) -> list[Title]:
    """The titles the member may see, in order: stored facts first, then hydration where still needed."""
    candidates = [title for title in titles if not title.adult]
    fill_from_store(candidates)
    if _must_know_details(preferences):
        hydrate_missing(client, candidates)
        # A title TMDb could not describe stays out: nothing is shown unchecked.
        candidates = [title for title in candidates if title.keyword_ids is not None]
    shown = [title for title in candidates if passes(title, preferences, region)]
    badge(shown)
    return shown


def identity_tags() -> list[IdentityTag]:
    return db.session.scalars(select(IdentityTag).order_by(IdentityTag.name)).all()


def badge(titles: Sequence[Title], tags: Sequence[IdentityTag] | None = None) -> None:
    """Identity badges for titles whose keywords are known."""
    tags = identity_tags() if tags is None else tags
    for title in titles:
        carried = title.keyword_ids or frozenset()
        title.badges = [tag for tag in tags if carried & set(tag.keyword_ids or [])]


# ---------------------------------------------------------------- planet browse


@dataclass
class Browse:
    """One page of a planet's browse section; `fallback` when TMDb could not answer."""

    tag: IdentityTag
    query: BrowseQuery
    titles: list[Any]
    total: int
    total_pages: int
    left_out: int = 0
    fallback: str | None = None  # "unavailable" (TMDb down) or "unresolved" (keywords not known yet)
    genres: list[dict[str, Any]] = field(default_factory=list)
    providers: list[dict[str, Any]] = field(default_factory=list)
    region: str = "US"

    @property
    def shown_so_far(self) -> int:
        """Titles up to the end of this page, as TMDb counts them (before our safety re-check)."""
        return min(self.query.page * PAGE_SIZE, self.total)

    @property
    def has_more(self) -> bool:
        return self.query.page < self.total_pages

    @property
    def page_numbers(self) -> list[int | None]:
        """First, last and the pages around the current one; None marks a gap."""
        current, last = self.query.page, self.total_pages
        wanted = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        numbers: list[int | None] = []
        for number in wanted:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def discover_params(client, tag: IdentityTag, query: BrowseQuery, preferences: Preferences, region: str,
                    language: str = "en") -> dict:
    """TMDb discover parameters for one browse page: the identity's keywords, the filters, safety,
    and the language TMDb answers in."""
    media_type = query.media_type
    sort_by = SORTS[query.sort][1]
    if media_type == "tv":
        sort_by = sort_by.replace("primary_release_date", "first_air_date")
    params: dict[str, Any] = {
        "with_keywords": "|".join(str(keyword_id) for keyword_id in tag.keyword_ids),
        "sort_by": sort_by,
        "page": query.page,
        "language": language,
        **FORMATS[query.format].params,
        **safety_params(client, media_type, preferences, region),
    }
    if query.genre is not None:
        params["with_genres"] = ",".join(filter(None, (params.get("with_genres"), str(query.genre))))
    if query.decade is not None:
        prefix = "primary_release_date" if media_type == "movie" else "first_air_date"
        params[f"{prefix}.gte"] = f"{query.decade}-01-01"
        params[f"{prefix}.lte"] = f"{query.decade + 9}-12-31"
    if query.language:
        params["with_original_language"] = query.language
    if query.services:
        params["with_watch_providers"] = "|".join(map(str, query.services))
        params["watch_region"] = region
    floor = TOP_RATED_VOTE_FLOOR if query.sort == "top" else 0
    if max(floor, query.min_votes or 0):
        params["vote_count.gte"] = max(floor, query.min_votes or 0)
    return params


def browse(client, slug: str, query: BrowseQuery, preferences: Preferences, *, region: str,
           language: str = "en") -> Browse:
    """One page of everything TMDb knows for the planet's identity, in `language` (ISO 639-1);
    stored titles when TMDb is down."""
    tag = planet_tag(slug)
    if not tag.keyword_ids:
        return _fallback(tag, query, preferences, region, "unresolved")
    try:
        call = client.discover_movies if query.media_type == "movie" else client.discover_tv
        answer = call(**discover_params(client, tag, query, preferences, region, language))
        genres = client.genres(query.media_type, language).get("genres") or []
        providers = client.watch_providers(query.media_type, region).get("results") or []
        results = answer.get("results") or []
        found = [title_from_result(result, query.media_type, language) for result in results]
        found = [title for title in found if title is not None]
        shown = screen(client, found, preferences, region)
    except TmdbError:
        return _fallback(tag, query, preferences, region, "unavailable")
    total = min(int(answer.get("total_results") or 0), MAX_PAGE * PAGE_SIZE)
    return Browse(
        tag=tag, query=query, titles=shown, total=total,
        total_pages=min(int(answer.get("total_pages") or 0), MAX_PAGE),
        left_out=len(found) - len(shown), genres=genres, providers=providers, region=region,
    )


def _fallback(tag: IdentityTag, query: BrowseQuery, preferences: Preferences, region: str,
              reason: str) -> Browse:
    """The identity's stored titles, filtered like the browse query, so the planet still answers.

    The genre filter offers the genres those titles carry, named in the member's language.
    """
    stored = _stored_titles(tag, preferences)
    items = _stored_sorted([item for item in stored if _stored_match(item, query)], query.sort)
    start = (query.page - 1) * PAGE_SIZE
    return Browse(
        tag=tag, query=query, titles=items[start:start + PAGE_SIZE], total=len(items),
        total_pages=max(1, math.ceil(len(items) / PAGE_SIZE)), fallback=reason, region=region,
        genres=_stored_genres(item for item in stored if item.media_type == query.media_type),
    )


def _stored_genres(items: Iterable[MediaItem]) -> list[dict[str, Any]]:
    genres = {genre["id"]: genre for item in items for genre in item.genres or [] if "id" in genre}
    named = [{"id": genre_id, "name": str(genre_label(genre))} for genre_id, genre in genres.items()]
    return sorted(named, key=lambda genre: genre["name"].casefold())


def _stored_titles(tag: IdentityTag, preferences: Preferences) -> list[MediaItem]:
    items = db.session.scalars(
        select(MediaItem)
        .where(MediaItem.tags.any(IdentityTag.id == tag.id))
        .order_by(MediaItem.popularity.desc())
    ).all()
    return visible_items(items, preferences)


def _stored_match(item: MediaItem, query: BrowseQuery) -> bool:
    genre_ids = {genre.get("id") for genre in item.genres or []}
    checks = (
        item.media_type == query.media_type,
        query.format != "documentary" or DOCUMENTARY_GENRE in genre_ids,
        query.format != "short" or (item.runtime is not None and item.runtime <= SHORT_RUNTIME),
        query.genre is None or query.genre in genre_ids,
        query.decade is None or (item.year is not None and item.year // 10 * 10 == query.decade),
        query.language is None or item.original_language == query.language,
        query.min_votes is None or (item.vote_count or 0) >= query.min_votes,
    )
    return all(checks)


def _stored_sorted(items: list[MediaItem], sort: str) -> list[MediaItem]:
    if sort == "top":
        return sorted(items, key=lambda item: item.vote_average or 0.0, reverse=True)
    if sort in ("newest", "oldest"):
        return sorted(items, key=lambda item: item.release_date or dt.date.min, reverse=sort == "newest")
    return items


# ---------------------------------------------------------------- planets


def planet_tag(slug: str) -> IdentityTag:
    """The tag a planet URL names, by its slug or by its opaque id (`c3`), used while discreet."""
    opaque = discretion.tag_from_opaque(slug)
    if opaque is not None:
        return opaque
    tag = db.session.scalar(select(IdentityTag).where(IdentityTag.slug == slug))
    if tag is None:
        raise UnknownPlanet(slug)
    return tag


class UnknownPlanet(NotFound):
    """No planet by that name; the 404 page lists the real ones."""

    def __init__(self, slug: str):
        super().__init__(gettext("No planet called %(slug)s.", slug=repr(slug)))
        self.slug = slug


@dataclass
class PlanetSummary:
    tag: IdentityTag
    films: int
    series: int


def planet_index() -> list[PlanetSummary]:
    """Every identity with how many titles its spotlights hold, films and series (two queries)."""
    tags = db.session.scalars(
        select(IdentityTag)
        .order_by(IdentityTag.featured.desc(), IdentityTag.feature_position, IdentityTag.name)
    ).all()
    counts = {
        (tag_id, media_type): count
        for tag_id, media_type, count in db.session.execute(
            select(MediaList.tag_id, MediaList.media_type, func.count(MediaListItem.id))
            .join(MediaListItem, MediaListItem.list_id == MediaList.id)
            .group_by(MediaList.tag_id, MediaList.media_type)
        )
    }
    return [
        PlanetSummary(tag, counts.get((tag.id, "movie"), 0), counts.get((tag.id, "tv"), 0)) for tag in tags
    ]
