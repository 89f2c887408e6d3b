"""The sandbox's answers in the language asked for, as TMDb gives them: `language` and `translations`.

TMDb answers `language=fr-FR` with the French title where one exists (else the default title) and the
French overview, which is "" when nobody translated it: TMDb has no fallback for text. The
`translations` part lists every language a title has, English first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qwir.tmdb.sandbox.catalog import Title

NAME_FIELD = {"movie": "title", "tv": "name"}
LANGUAGE_NAMES = {"en": ("English", "English", "US"), "fr": ("Français", "French", "FR")}
# TMDb's own French genre names (its /genre/{movie,tv}/list?language=fr answers).
FRENCH_GENRES = {
    28: "Action", 12: "Aventure", 16: "Animation", 35: "Comédie", 80: "Crime", 99: "Documentaire",
    18: "Drame", 10751: "Familial", 14: "Fantastique", 36: "Histoire", 27: "Horreur", 10402: "Musique",
    9648: "Mystère", 10749: "Romance", 878: "Science-Fiction", 10770: "Téléfilm", 53: "Thriller",
    10752: "Guerre", 37: "Western", 10765: "Science-Fiction & Fantastique",
}


def language_of(params: Mapping[str, str]) -> str:
    """The ISO 639-1 part of the `language` parameter ("fr-CA" -> "fr"); English by default."""
    return (params.get("language") or "en").split("-")[0].strip().lower() or "en"


def genre_name(genre: Mapping[str, Any], language: str) -> str:
    if language == "fr":
        return FRENCH_GENRES.get(genre["id"], genre["name"])
    return genre["name"]


def localized_genres(genres: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    return [{"id": genre["id"], "name": genre_name(genre, language)} for genre in genres]


def localized(title: Title, media_type: str, language: str) -> Title:
    """A copy of the record with its name, overview and genres in `language` (records stay shared)."""
    if language == "en":
        return title
    text = title.get("translations", {}).get(language, {})
    name = NAME_FIELD[media_type]
    return title | {
        name: text.get("title") or title[name],
        "overview": text.get("overview", ""),
        "genres": localized_genres(title["genres"], language),
    }


def translations(media_type: str, title: Title) -> dict[str, Any]:
    """The `translations` part: English (the record's own text) first, then each translation."""
    name_key = NAME_FIELD[media_type]
    texts = {"en": {"title": title[name_key], "overview": title["overview"]}} | title.get("translations", {})
    return {"translations": [_entry(media_type, language, text) for language, text in texts.items()]}


def _entry(media_type: str, language: str, text: Mapping[str, str]) -> dict[str, Any]:
    native, english, country = LANGUAGE_NAMES[language]
    data: dict[str, Any] = {
        NAME_FIELD[media_type]: text.get("title", ""),
        "overview": text.get("overview", ""),
        "homepage": "",
        "tagline": "",
    }
    if media_type == "movie":
        data["runtime"] = 0
    return {"iso_3166_1": country, "iso_639_1": language, "name": native, "english_name": english,
            "data": data}
