"""The TMDb layer: client, errors, caching, pacing and normalisation; it imports nothing from Flask."""

from qwir.tmdb.client import MOVIE_APPEND, TV_APPEND, TmdbClient
from qwir.tmdb.errors import (
    TmdbAuthorizationError,
    TmdbError,
    TmdbNotFoundError,
    TmdbRateLimitError,
    TmdbUnavailableError,
    TmdbValidationError,
)

__all__ = [
    "MOVIE_APPEND",
    "TV_APPEND",
    "TmdbAuthorizationError",
    "TmdbClient",
    "TmdbError",
    "TmdbNotFoundError",
    "TmdbRateLimitError",
    "TmdbUnavailableError",
    "TmdbValidationError",
]
