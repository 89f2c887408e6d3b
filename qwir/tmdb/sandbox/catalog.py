"""The bundled demo catalog, loaded once per process, with the indexes the sandbox answers from."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOG_FILE = Path(__file__).resolve().parent / "data" / "catalog.json"

Title = dict[str, Any]


@dataclass(frozen=True)
class Catalog:
    """Read-only views of catalog.json: never mutate the records, every request shares them."""

    movies: dict[int, Title]
    series: dict[int, Title]
    keyword_names: dict[int, str]
    keywords_by_id: tuple[tuple[int, str], ...]
    movie_genres: tuple[dict[str, Any], ...]
    tv_genres: tuple[dict[str, Any], ...]

    def titles(self, media_type: str) -> dict[int, Title]:
        return self.movies if media_type == "movie" else self.series

    def keywords_of(self, title: Title) -> list[dict[str, Any]]:
        return [
            {"id": keyword_id, "name": self.keyword_names[keyword_id]} for keyword_id in title["keyword_ids"]
        ]


@functools.cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Parse the catalog file and index it; cached, so each process reads it once."""
    document = json.loads(path.read_text(encoding="utf-8"))
    keyword_names = {keyword["id"]: keyword["name"] for keyword in document["keywords"]}
    return Catalog(
        movies={movie["id"]: movie for movie in document["movies"]},
        series={show["id"]: show for show in document["series"]},
        keyword_names=keyword_names,
        keywords_by_id=tuple(sorted(keyword_names.items())),
        movie_genres=tuple(document["movie_genres"]),
        tv_genres=tuple(document["tv_genres"]),
    )
