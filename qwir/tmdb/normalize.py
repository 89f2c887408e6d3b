"""TMDb payloads -> plain dataclasses the rest of Qwir stores and renders; image URLs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Provider:
    provider_id: int
    provider_name: str
    logo_path: str | None = None
    display_priority: int | None = None


@dataclass(frozen=True)
class RegionProviders:
    """Where to watch in one country; `link` is TMDb's JustWatch-backed page."""

    link: str | None = None
    flatrate: list[Provider] = field(default_factory=list)
    rent: list[Provider] = field(default_factory=list)
    buy: list[Provider] = field(default_factory=list)
    ads: list[Provider] = field(default_factory=list)
    free: list[Provider] = field(default_factory=list)


@dataclass(frozen=True)
class CastMember:
    name: str
    character: str | None = None
    profile_path: str | None = None


@dataclass(frozen=True)
class MediaDetails:
    """One film or series, normalised. Every field may be empty: TMDb leaves many null."""

    media_type: str  # "movie" or "tv"
    tmdb_id: int
    title: str
    original_title: str | None = None
    original_language: str | None = None
    release_date: dt.date | None = None  # first air date for series
    year: int | None = None
    runtime: int | None = None  # minutes; typical episode length for series
    overview: str = ""
    genres: list[dict[str, Any]] = field(default_factory=list)  # [{"id", "name"}]
    keywords: list[dict[str, Any]] = field(default_factory=list)  # [{"id", "name"}]
    poster_path: str | None = None
    backdrop_path: str | None = None
    poster_url: str | None = None  # w342
    backdrop_url: str | None = None  # w1280
    directors: list[str] = field(default_factory=list)  # creators for series
    cast: list[CastMember] = field(default_factory=list)  # top billed, at most 10
    imdb_id: str | None = None
    certification: str | None = None  # for the requested region
    certification_region: str | None = None
    certifications: dict[str, str] = field(default_factory=dict)  # country -> rating, every country
    providers: dict[str, RegionProviders] = field(default_factory=dict)  # country -> providers, every country
    tagline: str = ""
    # language ("fr") -> {"title", "overview", "tagline"} from appended translations; "" where TMDb has none
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    vote_average: float | None = None
    vote_count: int | None = None
    popularity: float | None = None
    adult: bool = False


# The sizes the UI draws: poster cards and title pages, hero backdrops.
POSTER_SIZES_FOR_UI = ("w185", "w342", "w500")
BACKDROP_SIZES_FOR_UI = ("w780", "w1280")
TOP_CAST_LIMIT = 10
# release_dates types, in the order a film's certification is taken from: Theatrical, then limited.
THEATRICAL_TYPES = (3, 2)


@dataclass(frozen=True)
class ImageConfig:
    """Where TMDb's images live and in which sizes; from `/configuration`, or TMDb's usual values.

    The base URL is never assumed: the sandbox serves its own (a relative "/sandbox/t/p/").
    """

    secure_base_url: str = "https://image.tmdb.org/t/p/"
    poster_sizes: tuple[str, ...] = ("w92", "w154", "w185", "w342", "w500", "w780", "original")
    backdrop_sizes: tuple[str, ...] = ("w300", "w780", "w1280", "original")
    profile_sizes: tuple[str, ...] = ("w45", "w185", "h632", "original")

    @classmethod
    def default(cls) -> ImageConfig:
        return cls()

    @classmethod
    def from_configuration(cls, payload: Mapping[str, Any] | None) -> ImageConfig:
        """Read a `/configuration` answer; anything missing or malformed keeps the default."""
        images = _mapping(_mapping(payload).get("images"))
        default = cls()
        base = images.get("secure_base_url") or images.get("base_url")
        return cls(
            secure_base_url=base if isinstance(base, str) and base else default.secure_base_url,
            poster_sizes=_sizes(images.get("poster_sizes"), default.poster_sizes),
            backdrop_sizes=_sizes(images.get("backdrop_sizes"), default.backdrop_sizes),
            profile_sizes=_sizes(images.get("profile_sizes"), default.profile_sizes),
        )

    def image_url(self, path: str | None, size: str) -> str | None:
        """Full URL of one image at one size; None when the title has no such image."""
        if not path:
            return None
        return f"{self.secure_base_url.rstrip('/')}/{size}/{path.lstrip('/')}"

    def poster_url(self, path: str | None, size: str = "w342") -> str | None:
        return self.image_url(path, size)

    def backdrop_url(self, path: str | None, size: str = "w1280") -> str | None:
        return self.image_url(path, size)

    def profile_url(self, path: str | None, size: str = "w185") -> str | None:
        return self.image_url(path, size)

    def srcset(self, path: str | None, sizes: Iterable[str]) -> str:
        """An `srcset` value over the width sizes ("w342" -> "<url> 342w"); "" without an image."""
        if not path:
            return ""
        widths = [size for size in sizes if size.startswith("w") and size[1:].isdigit()]
        return ", ".join(f"{self.image_url(path, size)} {size[1:]}w" for size in widths)

    def poster_srcset(self, path: str | None) -> str:
        return self.srcset(path, self._available(POSTER_SIZES_FOR_UI, self.poster_sizes))

    def backdrop_srcset(self, path: str | None) -> str:
        return self.srcset(path, self._available(BACKDROP_SIZES_FOR_UI, self.backdrop_sizes))

    @staticmethod
    def _available(wanted: tuple[str, ...], offered: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(size for size in wanted if size in offered) or wanted


def image_url(path: str | None, size: str, images: ImageConfig | None = None) -> str | None:
    """Full URL of a TMDb image path at `size`, over `images` (TMDb's usual configuration by default)."""
    return (images or ImageConfig.default()).image_url(path, size)


def normalize_movie(
    payload: Mapping[str, Any], *, region: str = "US", images: ImageConfig | None = None
) -> MediaDetails:
    """A `/movie/{id}` answer (with or without appended parts) as MediaDetails."""
    images = images or ImageConfig.default()
    release_date = parse_date(payload.get("release_date"))
    certification = movie_certification(payload.get("release_dates"), region)
    return MediaDetails(
        media_type="movie",
        tmdb_id=_tmdb_id(payload),
        title=_text(payload.get("title")) or _text(payload.get("original_title")),
        original_title=_text(payload.get("original_title")) or None,
        original_language=_text(payload.get("original_language")) or None,
        release_date=release_date,
        year=release_date.year if release_date else None,
        runtime=_minutes(payload.get("runtime")),
        directors=directors(payload.get("credits")),
        cast=top_cast(payload.get("credits")),
        imdb_id=imdb_id(payload),
        certification=certification,
        certification_region=region if certification else None,
        certifications=movie_certifications(payload.get("release_dates")),
        translations=translations(payload.get("translations"), "title"),
        **_shared_fields(payload, images),
    )


def normalize_tv(
    payload: Mapping[str, Any], *, region: str = "US", images: ImageConfig | None = None
) -> MediaDetails:
    """A `/tv/{id}` answer (with or without appended parts) as MediaDetails; creators as directors."""
    images = images or ImageConfig.default()
    first_air_date = parse_date(payload.get("first_air_date"))
    certification = tv_certification(payload.get("content_ratings"), region)
    return MediaDetails(
        media_type="tv",
        tmdb_id=_tmdb_id(payload),
        title=_text(payload.get("name")) or _text(payload.get("original_name")),
        original_title=_text(payload.get("original_name")) or None,
        original_language=_text(payload.get("original_language")) or None,
        release_date=first_air_date,
        year=first_air_date.year if first_air_date else None,
        runtime=episode_runtime(payload),
        directors=creators(payload.get("created_by")),
        cast=series_cast(payload),
        imdb_id=imdb_id(payload),
        certification=certification,
        certification_region=region if certification else None,
        certifications=tv_certifications(payload.get("content_ratings")),
        translations=translations(payload.get("translations"), "name"),
        **_shared_fields(payload, images),
    )


def normalize_details(
    media_type: str, payload: Mapping[str, Any], *, region: str = "US", images: ImageConfig | None = None
) -> MediaDetails:
    """normalize_movie or normalize_tv, by media type ("movie" or "tv")."""
    if media_type == "movie":
        return normalize_movie(payload, region=region, images=images)
    if media_type == "tv":
        return normalize_tv(payload, region=region, images=images)
    raise ValueError(f"media_type must be 'movie' or 'tv', got {media_type!r}")


def _shared_fields(payload: Mapping[str, Any], images: ImageConfig) -> dict[str, Any]:
    poster_path = _text(payload.get("poster_path")) or None
    backdrop_path = _text(payload.get("backdrop_path")) or None
    return {
        "overview": _text(payload.get("overview")),
        "tagline": _text(payload.get("tagline")),
        "genres": id_name_pairs(payload.get("genres")),
        "keywords": keywords(payload.get("keywords")),
        "poster_path": poster_path,
        "backdrop_path": backdrop_path,
        "poster_url": images.poster_url(poster_path),
        "backdrop_url": images.backdrop_url(backdrop_path),
        "providers": all_providers(payload.get("watch/providers")),
        "vote_average": _number(payload.get("vote_average"), float),
        "vote_count": _number(payload.get("vote_count"), int),
        "popularity": _number(payload.get("popularity"), float),
        "adult": payload.get("adult") is True,
    }


# -- the parts, each usable on its own (also on the separate sub-resource answers) -----------------


def parse_date(value: Any) -> dt.date | None:
    """ "YYYY-MM-DD" (or an ISO timestamp) -> date; "", None and nonsense -> None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def id_name_pairs(items: Any) -> list[dict[str, Any]]:
    """[{"id", "name"}] from a list of TMDb objects, skipping anything without both."""
    pairs = []
    for item in _list(items):
        if isinstance(item, Mapping) and isinstance(item.get("id"), int) and _text(item.get("name")):
            pairs.append({"id": item["id"], "name": _text(item["name"])})
    return pairs


def keywords(part: Any) -> list[dict[str, Any]]:
    """Keywords from the appended part: films carry them under "keywords", series under "results"."""
    part = _mapping(part)
    return id_name_pairs(part.get("keywords") if "keywords" in part else part.get("results"))


def directors(credits: Any) -> list[str]:
    """Names of the crew credited with the job "Director", in billing order, without repeats."""
    crew = _list(_mapping(credits).get("crew"))
    names = (_text(person.get("name")) for person in crew if _is_director(person))
    return list(dict.fromkeys(name for name in names if name))


def creators(created_by: Any) -> list[str]:
    names = (_text(person.get("name")) for person in _list(created_by) if isinstance(person, Mapping))
    return list(dict.fromkeys(name for name in names if name))


def top_cast(credits: Any, limit: int = TOP_CAST_LIMIT) -> list[CastMember]:
    """The first `limit` cast members by TMDb's billing `order` (unordered ones last)."""
    cast = _list(_mapping(credits).get("cast"))
    people = sorted((p for p in cast if isinstance(p, Mapping) and _text(p.get("name"))), key=_billing)
    return [
        CastMember(
            name=_text(person["name"]),
            character=_text(person.get("character")) or None,
            profile_path=_text(person.get("profile_path")) or None,
        )
        for person in people[:limit]
    ]


def series_cast(payload: Mapping[str, Any], limit: int = TOP_CAST_LIMIT) -> list[CastMember]:
    """A series' cast over all its seasons (`aggregate_credits`), else its latest season's (`credits`).

    Aggregate entries carry `roles` instead of one `character`: the role with most episodes is shown.
    """
    if "aggregate_credits" not in payload:
        return top_cast(payload.get("credits"), limit)
    cast = _list(_mapping(payload.get("aggregate_credits")).get("cast"))
    people = sorted((p for p in cast if isinstance(p, Mapping) and _text(p.get("name"))), key=_billing)
    return [
        CastMember(
            name=_text(person["name"]),
            character=_main_role(person.get("roles")),
            profile_path=_text(person.get("profile_path")) or None,
        )
        for person in people[:limit]
    ]


def _main_role(roles: Any) -> str | None:
    named = [r for r in _list(roles) if isinstance(r, Mapping) and _text(r.get("character"))]
    if not named:
        return None
    main = max(named, key=lambda r: _number(r.get("episode_count"), int) or 0)
    return _text(main["character"])


def imdb_id(payload: Mapping[str, Any]) -> str | None:
    """From the appended external_ids, else the film's own top-level imdb_id; "" counts as none."""
    external = _text(_mapping(payload.get("external_ids")).get("imdb_id"))
    return external or _text(payload.get("imdb_id")) or None


def movie_certification(release_dates: Any, region: str) -> str | None:
    """The film's rating in `region`: theatrical first (type 3, then 2), else any non-empty one."""
    entries = _region_entries(release_dates, region)
    dated = [d for e in entries for d in _list(e.get("release_dates")) if isinstance(d, Mapping)]
    rated = [d for d in dated if _text(d.get("certification"))]
    for release_type in THEATRICAL_TYPES:
        for release in rated:
            if release.get("type") == release_type:
                return _text(release["certification"])
    return _text(rated[0]["certification"]) if rated else None


def tv_certification(content_ratings: Any, region: str) -> str | None:
    """The series' rating in `region` from content_ratings."""
    for entry in _region_entries(content_ratings, region):
        rating = _text(entry.get("rating"))
        if rating:
            return rating
    return None


def movie_certifications(release_dates: Any) -> dict[str, str]:
    """{country: rating} for every country release_dates rates the film in."""
    return _per_country(release_dates, movie_certification)


def tv_certifications(content_ratings: Any) -> dict[str, str]:
    """{country: rating} for every country content_ratings rates the series in."""
    return _per_country(content_ratings, tv_certification)


def _per_country(part: Any, certification_in: Any) -> dict[str, str]:
    countries = {e.get("iso_3166_1") for e in _list(_mapping(part).get("results")) if isinstance(e, Mapping)}
    found = {c: certification_in(part, c) for c in sorted(c for c in countries if isinstance(c, str) and c)}
    return {country: rating for country, rating in found.items() if rating}


def all_providers(watch_providers: Any) -> dict[str, RegionProviders]:
    """{country: RegionProviders} for every country TMDb lists providers in."""
    results = _mapping(_mapping(watch_providers).get("results"))
    return {
        region: RegionProviders(
            link=web_link(country.get("link")),
            **{kind: _providers(country.get(kind)) for kind in ("flatrate", "rent", "buy", "ads", "free")},
        )
        for region, country in sorted(results.items())
        if isinstance(region, str) and isinstance(country, Mapping)
    }


def translations(part: Any, title_key: str) -> dict[str, dict[str, str]]:
    """{language: {"title", "overview", "tagline"}} from appended `translations`.

    TMDb keys each by `iso_639_1` (and country); the first entry of a language wins, since TMDb
    lists a language's main country first. Missing text stays "": TMDb itself has no fallback.
    """
    found: dict[str, dict[str, str]] = {}
    for entry in _list(_mapping(part).get("translations")):
        language = _text(_mapping(entry).get("iso_639_1")).lower()
        data = _mapping(_mapping(entry).get("data"))
        if language and language not in found:
            found[language] = {
                "title": _text(data.get(title_key)),
                "overview": _text(data.get("overview")),
                "tagline": _text(data.get("tagline")),
            }
    return found


def episode_runtime(payload: Mapping[str, Any]) -> int | None:
    """A series' typical episode length: episode_run_time[0], else the last aired episode's runtime."""
    run_times = _list(payload.get("episode_run_time"))
    first = _minutes(run_times[0]) if run_times else None
    return first or _minutes(_mapping(payload.get("last_episode_to_air")).get("runtime"))


# -- tolerant readers: TMDb sends null, "", or leaves keys out ------------------------------------


def _tmdb_id(payload: Mapping[str, Any]) -> int:
    tmdb_id = _mapping(payload).get("id")
    if not isinstance(tmdb_id, int) or isinstance(tmdb_id, bool):
        raise ValueError("a TMDb details payload needs an integer id")
    return tmdb_id


def _providers(items: Any) -> list[Provider]:
    providers = [
        Provider(
            provider_id=item["provider_id"],
            provider_name=_text(item.get("provider_name")),
            logo_path=_text(item.get("logo_path")) or None,
            display_priority=_number(item.get("display_priority"), int),
        )
        for item in _list(items)
        if isinstance(item, Mapping) and isinstance(item.get("provider_id"), int)
    ]
    return sorted(providers, key=lambda p: p.display_priority if p.display_priority is not None else 10**9)


def _region_entries(part: Any, region: str) -> list[Mapping[str, Any]]:
    results = _list(_mapping(part).get("results"))
    return [entry for entry in results if isinstance(entry, Mapping) and entry.get("iso_3166_1") == region]


def _billing(person: Mapping[str, Any]) -> float:
    order = _number(person.get("order"), int)
    return order if order is not None else float("inf")


def _is_director(person: Any) -> bool:
    # Called for every crew member (hundreds per title): parsed JSON objects are plain dicts, and
    # the exact check costs a fraction of an ABC isinstance.
    return isinstance(person, dict) and person.get("job") == "Director"


def _minutes(value: Any) -> int | None:
    # TMDb writes 0 for "unknown" runtimes; nobody means a zero-minute film.
    minutes = _number(value, int)
    return minutes if minutes else None


def _number(value: Any, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return kind(value)


# NUL and the other C0 controls (tab, newline and carriage return aside) and DEL: invisible on a page,
# and PostgreSQL refuses NUL in text outright, which would fail every sync of the list holding it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> str:
    """TMDb text as Qwir stores it: a string without control characters and outer whitespace."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else ""


def web_link(value: Any) -> str | None:
    """An http(s) URL, or None: a `javascript:` or `data:` link never reaches an href."""
    link = clean_text(value)
    return link if re.match(r"https?://[^\s/]", link, re.IGNORECASE) else None


def _text(value: Any) -> str:
    return clean_text(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _sizes(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    sizes = tuple(size for size in _list(value) if isinstance(size, str) and size)
    return sizes or default
