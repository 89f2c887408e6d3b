"""TmdbClient: the one way Qwir talks to TMDb v3 (auth, retries, pacing, caching, redaction)."""

from __future__ import annotations

import email.utils
import functools
import logging
import random as random_module
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx
import orjson

from qwir.tmdb import cache as tiers
from qwir.tmdb.cache import CacheBackend, ResponseCache, as_response_cache, cache_key
from qwir.tmdb.errors import (
    RETRYABLE,
    TmdbAuthorizationError,
    TmdbError,
    TmdbRateLimitError,
    TmdbUnavailableError,
    TmdbValidationError,
    error_from_response,
)
from qwir.tmdb.ratelimit import Limiter, TokenBucketLimiter
from qwir.tmdb.redaction import install_http_log_redaction, redact

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
# `translations` carries every language's title, overview and tagline: one request whatever the languages.
MOVIE_APPEND = ("credits", "external_ids", "watch/providers", "release_dates", "keywords", "translations")
# A series' `credits` cover only its latest season; `aggregate_credits` cover every season.
TV_APPEND = ("aggregate_credits", "external_ids", "watch/providers", "content_ratings", "keywords",
             "translations")
MAX_PAGE = 500
MAX_APPEND = 20
MEDIA_TYPES = ("movie", "tv")
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
RETRY_AFTER_CAP = 30.0
# A 429 without Retry-After still waits at least this long: TMDb's budget is counted per second.
RATE_LIMIT_FLOOR = 1.0
CONNECT_TIMEOUT_CAP = 5.0


def default_cache_namespace(base_url: str, transport: httpx.BaseTransport | None) -> str:
    """Who answers: the API's host and port, and the injected transport's kind (the sandbox's, say).

    Cached answers of the sandbox and of real TMDb thus never mix, even behind the same base URL.
    """
    url = httpx.URL(base_url)
    where = f"{url.host}:{url.port}" if url.port else url.host
    return f"{where}+{type(transport).__name__}" if transport is not None else where


def is_bearer_token(secret: str) -> bool:
    """TMDb's v4 read access token is a JWT (three dot-separated parts); the v3 key is 32 hex digits."""
    return secret.count(".") == 2


class TmdbClient:
    """A thread-safe TMDb v3 client over one shared httpx.Client; methods return parsed JSON dicts.

    Failures raise the classes of `qwir.tmdb.errors`. `request_count` counts the HTTP requests really
    sent (retries included, cache hits excluded).
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        language: str = "en-US",
        timeout: float = 10.0,
        max_retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        cache: ResponseCache | CacheBackend | dict | None = None,
        limiter: Limiter | None = None,
        max_connections: int = 20,
        deadline: float | None = None,
        cache_namespace: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random_module.random,
        http_client: httpx.Client | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise TmdbAuthorizationError("No TMDb API key or read access token was configured.")
        if max_retries < 0 or timeout <= 0:
            raise ValueError("max_retries must be >= 0 and timeout > 0")
        self._secret = api_key.strip()
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.deadline = float(deadline) if deadline is not None else 3 * self.timeout
        self.cache = as_response_cache(cache)
        self.cache_namespace = cache_namespace or default_cache_namespace(self.base_url, transport)
        self.max_connections = int(max_connections)
        self.limiter = limiter if limiter is not None else TokenBucketLimiter(sleep=sleep, clock=clock)
        self._sleep, self._clock, self._random = sleep, clock, random
        self._count_lock = threading.Lock()
        self._request_count = 0
        install_http_log_redaction([self._secret])
        # A borrowed httpx.Client (one per process, shared by every sync: its pool and TLS setup
        # outlive this client) is its owner's to close; one built here is closed with the client.
        self._owns_http = http_client is None
        self._http = http_client or build_http_client(
            self._secret, base_url=self.base_url, timeout=self.timeout, max_connections=max_connections,
            transport=transport,
        )

    def __repr__(self) -> str:
        auth = "bearer token" if self.uses_bearer_token else "api_key"
        return f"<TmdbClient {self.base_url} ({auth}, language={self.language})>"

    @property
    def uses_bearer_token(self) -> bool:
        return is_bearer_token(self._secret)

    @property
    def request_count(self) -> int:
        with self._count_lock:
            return self._request_count

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> TmdbClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- endpoints -------------------------------------------------------------------------------

    def configuration(self) -> dict:
        """Image base URLs and sizes (`/configuration`)."""
        return self._get("configuration", {}, ttl=tiers.TTL_CONFIGURATION)

    def genres(self, media_type: str, language: str | None = None) -> dict:
        """`{"genres": [{"id", "name"}]}` for "movie" or "tv", named in `language` (default: the client's)."""
        _check_media_type(media_type)
        params = {"language": language or self.language}
        return self._get(f"genre/{media_type}/list", params, ttl=tiers.TTL_GENRES)

    def certifications(self, media_type: str) -> dict:
        """`{"certifications": {country: [{certification, meaning, order}]}}` for "movie" or "tv"."""
        _check_media_type(media_type)
        return self._get(f"certification/{media_type}/list", {}, ttl=tiers.TTL_CERTIFICATIONS)

    def search_keywords(self, query: str, page: int = 1) -> dict:
        """Keywords whose name contains `query`: `{page, results: [{id, name}], total_pages, ...}`."""
        if not query or not query.strip():
            raise TmdbValidationError("A keyword search needs a non-empty query.")
        params = {"query": query.strip(), "page": _check_page(page)}
        return self._get("search/keyword", params, ttl=tiers.TTL_KEYWORD_SEARCH)

    def search_multi(self, query: str, page: int = 1, *, include_adult: bool = False,
                     language: str | None = None) -> dict:
        """Films, series and people whose name matches `query`; each result names its `media_type`.

        Names come in `language` (default: the client's).
        """
        if not query or not query.strip():
            raise TmdbValidationError("A search needs a non-empty query.")
        params = {
            "query": query.strip(),
            "include_adult": _param_text(include_adult),
            "language": language or self.language,
            "page": _check_page(page),
        }
        return self._get("search/multi", params, ttl=tiers.TTL_SEARCH)

    def watch_providers(self, media_type: str, region: str) -> dict:
        """`{"results": [{provider_id, provider_name, logo_path, ...}]}`: the services offered in `region`."""
        _check_media_type(media_type)
        params = {"language": self.language, "watch_region": region}
        return self._get(f"watch/providers/{media_type}", params, ttl=tiers.TTL_GENRES)

    def keyword(self, keyword_id: int) -> dict:
        """`{id, name}` of one keyword."""
        return self._get(f"keyword/{_check_id(keyword_id)}", {}, ttl=tiers.TTL_KEYWORD)

    def discover_movies(self, **params: Any) -> dict:
        """`/discover/movie`; pass TMDb's dotted filters as `**{"primary_release_date.gte": ...}`."""
        return self._discover("movie", params)

    def discover_tv(self, **params: Any) -> dict:
        """`/discover/tv`, with the same conventions as `discover_movies`."""
        return self._discover("tv", params)

    def movie_details(self, movie_id: int, append: Iterable[str] = MOVIE_APPEND) -> dict:
        """One film with the appended parts (credits, release dates, providers...) in one request."""
        return self._details("movie", movie_id, append)

    def tv_details(self, tv_id: int, append: Iterable[str] = TV_APPEND) -> dict:
        """One series with the appended parts (credits, content ratings, providers...) in one request."""
        return self._details("tv", tv_id, append)

    def _discover(self, media_type: str, params: Mapping[str, Any]) -> dict:
        query = {name: _param_text(value) for name, value in params.items() if value is not None}
        query.setdefault("language", self.language)
        query["page"] = _check_page(query.get("page", 1))
        return self._get(f"discover/{media_type}", query, ttl=tiers.TTL_DISCOVER)

    def _details(self, media_type: str, tmdb_id: int, append: Iterable[str]) -> dict:
        parts = [part for part in append if part]
        if len(parts) > MAX_APPEND:
            message = f"append_to_response takes at most {MAX_APPEND} parts ({len(parts)} given)"
            raise TmdbValidationError(message)
        params = {"language": self.language}
        if parts:
            params["append_to_response"] = ",".join(parts)
        return self._get(f"{media_type}/{_check_id(tmdb_id)}", params, ttl=tiers.TTL_DETAILS)

    # -- transport ---------------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, Any], *, ttl: int) -> dict:
        if self.cache is None:
            return self._fetch(path, params)[0]
        key = cache_key(self.cache_namespace, path, params, self.language)
        fetched: list[dict] = []

        def fetch_raw() -> bytes:
            body, raw = self._fetch(path, params)
            fetched.append(body)
            return raw

        # The cache keeps TMDb's bytes as they came: storing them costs a copy, where pickling a
        # parsed 165 KB details payload would hold the GIL for milliseconds per title.
        cached = self.cache.get_or_fetch(key, ttl, fetch_raw)
        return fetched[0] if fetched else _cached_body(cached)

    def _fetch(self, path: str, params: dict[str, Any]) -> tuple[dict, bytes]:
        """Send until success (the parsed body and its bytes), a final error, or the call's deadline.

        Errors spend the retry budget. A 429 does not: TMDb is asking us to slow down, not failing,
        so the call waits (Retry-After, else a growing backoff) for as long as its deadline allows,
        and the limiter slows every request of the process (of all processes, through Redis).
        """
        started = self._clock()
        attempt = rate_limited = 0
        while True:
            remaining = self.deadline - (self._clock() - started)
            if remaining <= 0:
                raise self._deadline_error(path, None)
            failure = self._attempt(path, params, remaining)
            if isinstance(failure, tuple):
                return failure
            if isinstance(failure, TmdbRateLimitError):
                delay = self._backoff(rate_limited, failure)
                if self._clock() - started + delay >= self.deadline:
                    raise failure
                self._slow_down(delay)
                rate_limited += 1
            else:
                if not isinstance(failure, RETRYABLE) or attempt >= self.max_retries:
                    raise failure
                delay = self._backoff(attempt, failure)
                if self._clock() - started + delay >= self.deadline:
                    raise self._deadline_error(path, failure)
                attempt += 1
            logger.info("TMDb %s failed (%s); trying again in %.2fs", path, failure.message, delay)
            self._sleep(delay)

    def _slow_down(self, pause: float) -> None:
        """Tell the limiter TMDb said 429; limiters without that notion just keep their pace."""
        slow_down = getattr(self.limiter, "slow_down", None)
        if slow_down is not None:
            slow_down(pause)

    def _attempt(self, path: str, params: dict[str, Any], remaining: float) -> tuple[dict, bytes] | TmdbError:
        """One request: its parsed body, or the TmdbError it amounts to (never raised from here)."""
        self.limiter.acquire()
        with self._count_lock:
            self._request_count += 1
        try:
            response = self._http.get(path, params=params, timeout=self._timeout_within(remaining))
        except httpx.RequestError as exc:  # transport failures, and bodies that fail to decode
            return TmdbUnavailableError(f"TMDb gave no usable answer for /{path}: {_describe(exc)}")
        if response.is_success:
            return self._parse(path, response)
        return self._error(path, response)

    def _timeout_within(self, remaining: float) -> httpx.Timeout:
        budget = min(self.timeout, remaining)
        return httpx.Timeout(budget, connect=min(budget, CONNECT_TIMEOUT_CAP))

    def _parse(self, path: str, response: httpx.Response) -> tuple[dict, bytes] | TmdbError:
        body = _json_or_none(response)
        if not isinstance(body, dict):
            return TmdbUnavailableError(
                f"TMDb answered /{path} with a body that is not a JSON object", status=response.status_code
            )
        return body, response.content

    def _error(self, path: str, response: httpx.Response) -> TmdbError:
        body, retry_after = _json_or_none(response), parse_retry_after(response)
        error = error_from_response(response.status_code, body, where=f"/{path}", retry_after=retry_after)
        error.message = self._clean(error.message)
        error.args = (error.message,)
        return error

    def _backoff(self, attempt: int, failure: TmdbError) -> float:
        """Exponential backoff with full jitter; a server's Retry-After wins, within RETRY_AFTER_CAP."""
        if failure.retry_after is not None:
            return min(failure.retry_after, RETRY_AFTER_CAP)
        jitter = self._random() * min(BACKOFF_MAX, BACKOFF_BASE * 2**attempt)
        if isinstance(failure, TmdbRateLimitError):
            return RATE_LIMIT_FLOOR + jitter
        return jitter

    def _deadline_error(self, path: str, last: TmdbError | None) -> TmdbUnavailableError:
        reason = f" (last failure: {last.message})" if last is not None else ""
        return TmdbUnavailableError(
            f"TMDb did not answer /{path} within the {self.deadline:g}s deadline{reason}",
            status=last.status if last is not None else None,
            tmdb_code=last.tmdb_code if last is not None else None,
        )

    def _clean(self, text: str) -> str:
        return redact(text, [self._secret])


def build_http_client(secret: str, *, base_url: str, timeout: float, max_connections: int,
                      transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The httpx.Client a TmdbClient sends through: credentials, JSON, a bounded pool, TLS set up once."""
    headers = {"Accept": "application/json", "User-Agent": "Qwir (TMDb client)"}
    params = {}
    if is_bearer_token(secret):
        headers["Authorization"] = f"Bearer {secret}"
    else:
        params["api_key"] = secret
    return httpx.Client(
        base_url=base_url.rstrip("/") + "/",
        headers=headers,
        params=params,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_CAP)),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        transport=transport,
        verify=tls_context(),
    )


@functools.cache
def tls_context():
    """Loading the CA bundle takes tens of milliseconds: do it once per process, not per client."""
    return httpx.create_ssl_context()


def _cached_body(value: Any) -> dict:
    """A cached answer: TMDb's bytes (or, from before they were kept as bytes, the parsed dict)."""
    return orjson.loads(value) if isinstance(value, bytes | str) else value


def _json_or_none(response: httpx.Response) -> Any:
    # orjson parses a 165 KB details payload about three times faster than the standard library,
    # and parsing runs under the GIL: on a cold sync it is most of the CPU the threads contend for.
    try:
        return orjson.loads(response.content)
    except ValueError:
        return None


def parse_retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (against the Date header)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        retry_at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if retry_at is None or retry_at.tzinfo is None:
        return None
    now = _response_date(response)
    return max(0.0, retry_at.timestamp() - now)


def _response_date(response: httpx.Response) -> float:
    # Measuring against the server's own Date keeps local clock skew out of the wait.
    try:
        served_at = email.utils.parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        served_at = None
    if served_at is None or served_at.tzinfo is None:
        return time.time()
    return served_at.timestamp()


def _describe(exc: httpx.RequestError) -> str:
    # The exception text of a request error can carry the request URL, so name only its kind.
    if isinstance(exc, httpx.TimeoutException):
        kind = "timed out"
    elif isinstance(exc, httpx.DecodingError):
        kind = "undecodable body"
    else:
        kind = "network error"
    return f"{kind} ({type(exc).__name__})"


def _check_page(page: Any) -> int:
    try:
        number = int(page)
    except (TypeError, ValueError):
        raise TmdbValidationError(f"page must be a whole number from 1 to {MAX_PAGE}, got {page!r}") from None
    if not 1 <= number <= MAX_PAGE or str(number) != str(page).strip():
        raise TmdbValidationError(f"page must be a whole number from 1 to {MAX_PAGE}, got {page!r}")
    return number


def _check_id(tmdb_id: Any) -> int:
    if isinstance(tmdb_id, bool) or not str(tmdb_id).isdigit() or int(tmdb_id) < 1:
        raise TmdbValidationError(f"A TMDb id is a positive whole number, got {tmdb_id!r}")
    return int(tmdb_id)


def _check_media_type(media_type: str) -> None:
    if media_type not in MEDIA_TYPES:
        raise TmdbValidationError(f"media_type must be 'movie' or 'tv', got {media_type!r}")


def _param_text(value: Any) -> str:
    """TMDb's query values: booleans as true/false, lists joined with commas (AND)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)
