"""Member search over TMDb's /search/multi: calm input checks, films and series only, safety-screened."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from qwir import browse
from qwir.preferences import Preferences
from qwir.tmdb.errors import TmdbError

MAX_QUERY_LENGTH = 100


@dataclass
class SearchResults:
    """What one search found; `problem` names why nothing was asked of TMDb ("too-long")."""

    query: str
    titles: list[browse.Title] = field(default_factory=list)
    problem: str | None = None
    unavailable: bool = False

    @property
    def status(self) -> int:
        return 422 if self.problem else 200

    @property
    def max_length(self) -> int:
        return MAX_QUERY_LENGTH


def clean_query(raw: str | None) -> str:
    """The query without control or format characters, its spaces collapsed."""
    printable = "".join(" " if unicodedata.category(char).startswith("C") else char for char in raw or "")
    return " ".join(printable.split())


def search(client, raw: str | None, preferences: Preferences, *, region: str,
           language: str = "en") -> SearchResults:
    """Films and series matching the query that the member may see (first page of TMDb's answer),
    named in `language` and judged by the ratings of `region`."""
    query = clean_query(raw)
    if not query:
        return SearchResults("")
    if len(query) > MAX_QUERY_LENGTH:
        return SearchResults(query[:MAX_QUERY_LENGTH], problem="too-long")
    try:
        answer = client.search_multi(query, language=language)
        results = answer.get("results") or []
        found = [browse.title_from_result(result, language=language) for result in results]
        titles = browse.screen(client, [title for title in found if title is not None], preferences, region)
    except TmdbError:
        return SearchResults(query, unavailable=True)
    return SearchResults(query, titles)
