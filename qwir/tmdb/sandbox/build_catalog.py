"""Build the sandbox's bundled demo catalog from ../shared/demo-facts and our editorial notes.

Usage: python -m qwir.tmdb.sandbox.build_catalog /path/to/shared/demo-facts

Facts (ids, titles, French titles, dates, genres, keywords, votes, cast names, adult flags) come
from demo-facts; blurbs (English and French), directors and the series entries come from
data/editorial.json, written by us.
Certifications and relevance are derived here by the documented rules below.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_FILE = DATA_DIR / "catalog.json"
EDITORIAL_FILE = DATA_DIR / "editorial.json"

IDENTITY_GROUPS = frozenset({"lgbtq", "lgbtq_explicit"})
RELATED_GROUP = "lgbtq_related"

# A film tied to an identity by one keyword only counts as curated when enough people have rated
# it (or our editors chose it). Every film stays browsable, but the others rank below every curated
# film, so spotlights (the first discover pages) keep slasher sequels tagged "lesbian" once out.
MIN_VOTES_FOR_SINGLE_TIE = 150
EDITORIAL_BONUS = 1.5
UNCURATED_POPULARITY_WEIGHT = 0.1

# Keywords that make a film explicit (NC-17) or mature (R) in the derived certification.
EXPLICIT_KEYWORDS = frozenset({12420, 156433, 445, 155477, 190370, 33998, 15135, 238059, 283935, 2426})
THEME_ONLY_SAFETY_KEYWORDS = frozenset({1013, 191225, 154903, 208799, 250048, 6733})
FAMILY_GENRES = frozenset({16, 10751})
DOCUMENTARY_GENRE = 99
DARK_GENRES = frozenset({27, 53, 80, 10752})

MOVIE_GENRES = [
    (28, "Action"),
    (12, "Adventure"),
    (16, "Animation"),
    (35, "Comedy"),
    (80, "Crime"),
    (99, "Documentary"),
    (18, "Drama"),
    (10751, "Family"),
    (14, "Fantasy"),
    (36, "History"),
    (27, "Horror"),
    (10402, "Music"),
    (9648, "Mystery"),
    (10749, "Romance"),
    (878, "Science Fiction"),
    (10770, "TV Movie"),
    (53, "Thriller"),
    (10752, "War"),
    (37, "Western"),
]
TV_GENRES = [
    (10759, "Action & Adventure"),
    (16, "Animation"),
    (35, "Comedy"),
    (80, "Crime"),
    (99, "Documentary"),
    (18, "Drama"),
    (10751, "Family"),
    (10762, "Kids"),
    (9648, "Mystery"),
    (10763, "News"),
    (10764, "Reality"),
    (10765, "Sci-Fi & Fantasy"),
    (10766, "Soap"),
    (10767, "Talk"),
    (10768, "War & Politics"),
    (37, "Western"),
]


def relevance(identity_count: int, related_count: int, vote_count: int, editorial: bool) -> float:
    """Several identity keywords weigh most, then how widely seen the film is, then our editors' pick."""
    score = 2 * math.sqrt(min(identity_count, 6)) + 0.5 * min(related_count, 2)
    score += 1.2 * math.log10(vote_count + 1)
    return round(score + (EDITORIAL_BONUS if editorial else 0.0), 3)


def popularity_from_relevance(score: float) -> float:
    """Spread relevance on TMDb's popularity scale, so popularity.desc ranks the queerest films first."""
    return round(score * score * 1.5, 3)


def derived_certification(adult: bool, keyword_ids: set[int], genre_ids: set[int], safety: set[int]) -> str:
    """A US rating derived by rule (the demo facts carry none): content first, then genre."""
    if adult or keyword_ids & EXPLICIT_KEYWORDS:
        return "NC-17"
    if keyword_ids & (safety - THEME_ONLY_SAFETY_KEYWORDS):
        return "R"
    if DOCUMENTARY_GENRE in genre_ids:
        return "PG-13"
    if genre_ids & FAMILY_GENRES:
        return "PG"
    if genre_ids & DARK_GENRES:
        return "R"
    return "PG-13"


def _keyword_groups(keywords: list[dict]) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {}
    for keyword in keywords:
        groups.setdefault(keyword["group"], set()).add(keyword["id"])
    return groups


def _vocabulary(keywords: list[dict], films: list[dict]) -> list[dict]:
    names = {keyword["id"]: keyword["name"] for keyword in keywords}
    for film in films:
        for keyword in film["keywords"]:
            names.setdefault(keyword["id"], keyword["name"])
    return [{"id": keyword_id, "name": names[keyword_id]} for keyword_id in sorted(names)]


def _french(title: str, overview: str) -> dict:
    """The French translation TMDb would hold: "" where nobody wrote one (no fallback, like TMDb)."""
    return {"fr": {"title": title, "overview": overview}} if title or overview else {}


def _movie_entry(film: dict, groups: dict[str, set[int]], notes: dict | None, french_title: str) -> dict:
    keyword_ids = {keyword["id"] for keyword in film["keywords"]}
    genre_ids = {genre["id"] for genre in film["genres"]}
    identity = len(keyword_ids & (groups["lgbtq"] | groups["lgbtq_explicit"]))
    score = relevance(
        identity, len(keyword_ids & groups[RELATED_GROUP]), film["vote_count"], notes is not None
    )
    adult = bool(film["adult"])
    return {
        "id": film["id"],
        "title": film["title"],
        "original_title": film["original_title"],
        "original_language": film["original_language"],
        "release_date": film["release_date"] or "",
        "runtime": film["runtime"],
        "genres": film["genres"],
        "keyword_ids": sorted(keyword_ids),
        "vote_average": film["vote_average"],
        "vote_count": film["vote_count"],
        "popularity": popularity_from_relevance(score),
        "relevance": score,
        "identity_keywords": identity,
        "adult": adult,
        "cast": film["cast"] or [],
        "directors": notes["directors"] if notes else [],
        "overview": notes["overview"] if notes else "",
        "certification": derived_certification(adult, keyword_ids, genre_ids, groups["safety"]),
        "translations": _french(french_title, notes["overview_fr"] if notes else ""),
    }


def _curated(entry: dict) -> bool:
    single_tie = entry["identity_keywords"] <= 1
    return not single_tie or entry["vote_count"] >= MIN_VOTES_FOR_SINGLE_TIE or bool(entry["overview"])


def _rank_curation(entry: dict) -> dict:
    """Mark the entry curated or not; an uncurated film's popularity drops below every curated one's."""
    curated = _curated(entry)
    if not curated:
        entry["popularity"] = round(entry["popularity"] * UNCURATED_POPULARITY_WEIGHT, 3)
    return entry | {"curated": curated}


def _series_entry(show: dict, groups: dict[str, set[int]]) -> dict:
    genre_names = dict(TV_GENRES)
    identity = len(set(show["keywords"]) & (groups["lgbtq"] | groups["lgbtq_explicit"]))
    score = relevance(identity, len(set(show["keywords"]) & groups[RELATED_GROUP]), 0, True)
    return {
        "id": show["id"],
        "name": show["name"],
        "original_name": show.get("original_name", show["name"]),
        "original_language": show["original_language"],
        "origin_country": show["origin_country"],
        "first_air_date": show["first_air_date"],
        "genres": [{"id": genre_id, "name": genre_names[genre_id]} for genre_id in show["genre_ids"]],
        "keyword_ids": sorted(show["keywords"]),
        "vote_average": 0.0,
        "vote_count": 0,
        "popularity": popularity_from_relevance(score),
        "relevance": score,
        "adult": False,
        "cast": show["cast"],
        "created_by": show["created_by"],
        "overview": show["overview"],
        "content_rating": show["content_rating"],
        "translations": _french("", show["overview_fr"]),
    }


def build(demo_facts: Path) -> dict:
    """Assemble the catalog document from the demo facts and the editorial notes."""
    films = json.loads((demo_facts / "movies.json").read_text())
    keywords = json.loads((demo_facts / "keywords.json").read_text())
    editorial = json.loads(EDITORIAL_FILE.read_text())
    french = json.loads((demo_facts / "titles_fr.json").read_text())
    french_titles = {entry["id"]: entry["title_fr"] for entry in french}
    groups = _keyword_groups(keywords)
    movies = [
        _movie_entry(film, groups, editorial["films"].get(str(film["id"])), french_titles.get(film["id"], ""))
        for film in films
    ]
    movies = sorted((_rank_curation(entry) for entry in movies), key=lambda entry: entry["id"])
    return {
        "keywords": _vocabulary(keywords, films),
        "identity_keyword_ids": sorted(groups["lgbtq"] | groups["lgbtq_explicit"]),
        "movie_genres": [{"id": genre_id, "name": name} for genre_id, name in MOVIE_GENRES],
        "tv_genres": [{"id": genre_id, "name": name} for genre_id, name in TV_GENRES],
        "movies": movies,
        "series": [_series_entry(show, groups) for show in editorial["series"]],
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0], "movies.json").is_file():
        print("usage: python -m qwir.tmdb.sandbox.build_catalog /path/to/shared/demo-facts", file=sys.stderr)
        return 2
    catalog = build(Path(argv[0]))
    CATALOG_FILE.write_text(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {CATALOG_FILE}: {len(catalog['movies'])} films, {len(catalog['series'])} series")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
