"""What the sandbox answers: a plain response value and TMDb's own error bodies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON_CONTENT_TYPE = "application/json;charset=utf-8"


@dataclass(frozen=True)
class SandboxResponse:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class TmdbFailure(Exception):
    """Raised inside the sandbox to answer with one of TMDb's error bodies."""

    def __init__(self, status: int, code: int, message: str, body: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.body = body

    def response(self) -> SandboxResponse:
        if self.body is not None:
            return SandboxResponse(self.status, self.body)
        return error_response(self.status, self.code, self.message)


def error_response(status: int, code: int, message: str, headers: dict[str, str] | None = None):
    body = {"success": False, "status_code": code, "status_message": message}
    return SandboxResponse(status, body, dict(headers or {}))


INVALID_API_KEY = (401, 7, "Invalid API key: You must be granted a valid key.")
NOT_FOUND = (404, 34, "The resource you requested could not be found.")
INVALID_PAGE = (400, 22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.")
INVALID_DATE = (400, 23, "Invalid date: Dates must be formatted as YYYY-MM-DD.")
TOO_MANY_APPENDS = (400, 27, "Too many append to response objects: The maximum number of remote calls is 20.")
INVALID_INPUT = (400, 47, "The input is not valid.")
INTERNAL_ERROR = (500, 11, "Internal error: Something went wrong, contact TMDb.")
MAINTENANCE = (503, 46, "The API is undergoing maintenance. Try again later.")
BACKEND_TIMEOUT = (504, 24, "Your request to the backend server timed out. Try again.")
RATE_LIMITED_CODE = 25


def validation_failure(message: str) -> TmdbFailure:
    """TMDb's other error shape, seen on search without a query: 422 with an `errors` list."""
    return TmdbFailure(422, 0, message, body={"errors": [message]})


def rate_limited(request_count: int) -> tuple[int, int, str]:
    message = f"Your request count ({request_count}) is over the allowed limit of (40)."
    return 429, RATE_LIMITED_CODE, message


def fail(error: tuple[int, int, str]) -> TmdbFailure:
    return TmdbFailure(*error)
