"""TMDb failures as a small hierarchy, mapped from the HTTP status and TMDb's two error-body shapes."""

from __future__ import annotations

from typing import Any


class TmdbError(Exception):
    """Any failure talking to TMDb; `status` is the HTTP status, `tmdb_code` TMDb's own status_code."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        tmdb_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.tmdb_code = tmdb_code
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status}, tmdb_code={self.tmdb_code})"


class TmdbAuthorizationError(TmdbError):
    """The key or token was refused (401: codes 3, 7, 10)."""


class TmdbNotFoundError(TmdbError):
    """The id or resource does not exist (404: codes 6, 34)."""


class TmdbRateLimitError(TmdbError):
    """Too many requests (429, code 25); `retry_after` holds the server's hint in seconds, if any."""


class TmdbValidationError(TmdbError):
    """TMDb (or our own pre-flight check) rejected the parameters (400/422: codes 18, 22, 23, 27, 47)."""


class TmdbUnavailableError(TmdbError):
    """TMDb could not answer: 5xx (codes 11, 24, 46), network failures, timeouts, bad JSON, deadline."""


_BY_STATUS: dict[int, type[TmdbError]] = {
    400: TmdbValidationError,
    401: TmdbAuthorizationError,
    404: TmdbNotFoundError,
    422: TmdbValidationError,
    429: TmdbRateLimitError,
}

_BY_CODE: dict[int, type[TmdbError]] = {
    3: TmdbAuthorizationError,
    6: TmdbNotFoundError,
    7: TmdbAuthorizationError,
    10: TmdbAuthorizationError,
    11: TmdbUnavailableError,
    18: TmdbValidationError,
    22: TmdbValidationError,
    23: TmdbValidationError,
    24: TmdbUnavailableError,
    25: TmdbRateLimitError,
    27: TmdbValidationError,
    34: TmdbNotFoundError,
    46: TmdbUnavailableError,
    47: TmdbValidationError,
}

RETRYABLE = (TmdbRateLimitError, TmdbUnavailableError)


def error_class_for(status: int, tmdb_code: int | None) -> type[TmdbError]:
    """The status decides for the statuses we know; TMDb's code decides for the rest (403, 5xx...)."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return TmdbUnavailableError
    return _BY_CODE.get(tmdb_code, TmdbError) if tmdb_code is not None else TmdbError


def describe_body(body: Any) -> tuple[str | None, int | None]:
    """(message, tmdb_code) from `{"status_code", "status_message"}` or `{"errors": [...]}` bodies."""
    if not isinstance(body, dict):
        return None, None
    code = body.get("status_code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    message = body.get("status_message")
    if isinstance(message, str) and message.strip():
        return message.strip(), code
    errors = body.get("errors")
    if isinstance(errors, list):
        texts = [str(item) for item in errors if str(item).strip()]
        if texts:
            return "; ".join(texts), code
    return None, code


def error_from_response(status: int, body: Any, *, where: str, retry_after: float | None = None) -> TmdbError:
    """Build the right TmdbError for a non-2xx answer; `where` names the request without its query."""
    detail, code = describe_body(body)
    error_class = error_class_for(status, code)
    reason = detail or f"HTTP {status}"
    suffix = f" (TMDb code {code})" if code is not None else ""
    return error_class(
        f"TMDb answered {status} to {where}: {reason}{suffix}",
        status=status,
        tmdb_code=code,
        retry_after=retry_after,
    )
