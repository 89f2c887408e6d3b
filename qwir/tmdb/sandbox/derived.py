"""What the demo facts lack, derived deterministically: regional ratings, demo providers, person ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from qwir.tmdb.sandbox.catalog import Title

# Ratings per country, mildest first: the US rating is stored, the others follow this table position
# by position (G and TV-Y first, NC-17 and TV-MA last). Each value is on its country's TMDb list.
MOVIE_RATING_ORDER = {
    "US": ("G", "PG", "PG-13", "R", "NC-17"),
    "GB": ("U", "PG", "12A", "15", "18"),
    "DE": ("0", "6", "12", "16", "18"),
    "FR": ("U", "U", "12", "16", "18"),
    "BE": ("AL", "6", "12", "16", "18"),
    "CH": ("0", "6", "12", "16", "18"),
    "CA": ("G", "PG", "14A", "18A", "A"),
}
TV_RATING_ORDER = {
    "US": ("TV-Y", "TV-G", "TV-PG", "TV-14", "TV-MA"),
    "GB": ("U", "PG", "12", "15", "18"),
    "DE": ("0", "6", "12", "16", "18"),
    "FR": ("TP", "TP", "10", "12", "16"),
    "BE": ("AL", "6", "12", "16", "18"),
    "CH": ("0", "6", "12", "16", "18"),
    "CA": ("C", "G", "PG", "14+", "18+"),
}
PROVIDER_REGIONS = tuple(MOVIE_RATING_ORDER)

DEMO_PROVIDERS = {
    9001: "Demo Stream",
    9002: "Demo Rentals",
    9003: "Demo Store",
    9004: "Demo Free TV",
}
PERSON_ID_BASE = 90_000_000


def stable_number(*parts: object) -> int:
    """A hash that stays the same across processes and Python versions (unlike hash())."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def movie_rating(title: Title, country: str) -> str | None:
    order = MOVIE_RATING_ORDER.get(country.upper())
    if order is None:
        return None
    return order[MOVIE_RATING_ORDER["US"].index(title["certification"])]


def tv_rating(title: Title, country: str) -> str | None:
    order = TV_RATING_ORDER.get(country.upper())
    if order is None:
        return None
    return order[TV_RATING_ORDER["US"].index(title["content_rating"])]


def person_id(name: str) -> int:
    return PERSON_ID_BASE + stable_number("person", name) % 9_000_000


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _provider(provider_id: int, priority: int) -> dict[str, Any]:
    return {
        "logo_path": f"/qwir-demo-provider-{provider_id}.svg",
        "provider_id": provider_id,
        "provider_name": DEMO_PROVIDERS[provider_id],
        "display_priority": priority,
    }


def provider_list() -> list[dict[str, Any]]:
    """`/watch/providers/{media}` results: each demo provider with its priority in every demo region."""
    return [
        _provider(provider_id, priority)
        | {"display_priorities": dict.fromkeys(PROVIDER_REGIONS, priority)}
        for priority, provider_id in enumerate(DEMO_PROVIDERS, start=1)
    ]


def watch_providers(media_type: str, title: Title) -> dict[str, dict[str, Any]]:
    """Per region: a TMDb-shaped entry offering a few fictional providers, picked by a hash of the id."""
    name = title.get("title") or title.get("name", "")
    regions = {}
    for region in PROVIDER_REGIONS:
        pick = stable_number("providers", media_type, title["id"], region)
        entry: dict[str, Any] = {
            "link": f"https://www.themoviedb.org/{media_type}/{title['id']}-{slugify(name)}/watch?locale={region}"
        }
        if pick % 3:
            entry["flatrate"] = [_provider(9001, 1)]
        if pick % 5 != 0:
            entry["rent"] = [_provider(9002, 2)]
            entry["buy"] = [_provider(9003, 3)]
        if pick % 7 == 0:
            entry["ads"] = [_provider(9004, 4)]
        regions[region] = entry
    return regions


def provider_ids(media_type: str, title: Title, region: str) -> set[int]:
    entry = watch_providers(media_type, title).get(region.upper(), {})
    return {
        provider["provider_id"] for kind, offers in entry.items() if kind != "link" for provider in offers
    }
