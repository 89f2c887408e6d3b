"""Keep TMDb credentials out of log records, exception messages and reprs."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

REDACTED = "[REDACTED]"
# api_key=<anything> in a URL or query string, and Bearer tokens in header dumps.
_API_KEY_PARAM = re.compile(r"(api_key=)[^&\s'\"]+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._\-]+", re.IGNORECASE)
# httpx logs each request on "httpx"; httpcore traces on these children of "httpcore". A filter on a
# logger only sees records created on that exact logger, so each one needs its own.
HTTP_LOGGER_NAMES = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_install_lock = threading.Lock()


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return `text` with every known secret and every api_key/Bearer value masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _API_KEY_PARAM.sub(rf"\g<1>{REDACTED}", text)
    return _BEARER.sub(rf"\g<1>{REDACTED}", text)


class SecretRedactingFilter(logging.Filter):
    """A logging filter that renders each record's message (and traceback) and masks secrets in it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def add_secrets(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            if secret and secret not in self.secrets:
                self.secrets.append(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Formatters reuse exc_text when it is set, so the traceback is rendered here, then masked.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install_http_log_redaction(secrets: Iterable[str]) -> None:
    """Mask `secrets` in every record httpx and httpcore log; safe to call again and again."""
    secrets = [s for s in secrets if s]
    with _install_lock:
        for name in HTTP_LOGGER_NAMES:
            logger = logging.getLogger(name)
            existing = next((f for f in logger.filters if isinstance(f, SecretRedactingFilter)), None)
            if existing is None:
                logger.addFilter(SecretRedactingFilter(secrets))
            else:
                existing.add_secrets(secrets)
