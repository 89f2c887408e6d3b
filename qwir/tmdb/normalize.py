"""TMDb payloads -> plain dataclasses the rest of Qwir stores and renders; image URLs."""

from __future__ import annotations

import datetime as dt
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
    providers: dict[str, RegionProviders] = field(default_factory=dict)  # region -> providers
    vote_average: float | None = None
    vote_count: int | None = None
    popularity: float | None = None
    adult: bool = False
