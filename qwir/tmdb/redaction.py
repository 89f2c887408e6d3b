"""Keep TMDb credentials out of log records, exception messages and reprs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[REDACTED]"
# api_key=<anything> in a URL or query string, and Bearer tokens in header dumps.
_API_KEY_PARAM = re.compile(r"(api_key=)[^&\s'\"]+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._\-]+", re.IGNORECASE)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return `text` with every known secret and every api_key/Bearer value masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _API_KEY_PARAM.sub(rf"\g<1>{REDACTED}", text)
    return _BEARER.sub(rf"\g<1>{REDACTED}", text)


class SecretRedactingFilter(logging.Filter):
    """A logging filter that renders each record's message and masks secrets in it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
