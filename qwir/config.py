"""Settings read from the environment (and a `.env` file); tests override them with a mapping."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import load_dotenv

DEFAULT_TMDB_BASE_URL = "https://api.themoviedb.org/3"
DEFAULT_QUICK_EXIT_URL = "https://www.bbc.com/weather"


class SettingsError(ValueError):
    """An environment variable holds something Qwir cannot use; the message names it."""


def _env_number(name: str, default: float, kind: type[int] | type[float]):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        expected = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {expected}, not {raw!r}") from None


def _env_int(name: str, default: int) -> int:
    return _env_number(name, default, int)


def _env_float(name: str, default: float) -> float:
    return _env_number(name, default, float)


def _quick_exit_url() -> str:
    url = os.environ.get("QWIR_QUICK_EXIT_URL", "").strip() or DEFAULT_QUICK_EXIT_URL
    if not url.startswith(("https://", "http://")):
        raise SettingsError(f"QWIR_QUICK_EXIT_URL must be an http(s) address, not {url!r}")
    return url


def _env_region(name: str, default: str) -> str:
    """A country code such as GB, upper-cased: TMDb matches regions case-sensitively."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    code = raw.upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise SettingsError(f"{name} must be a two-letter country code such as US or FR, not {raw!r}")
    return code


def _env_languages(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Two-letter language codes, comma-separated; English is always among them (the fallback text)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    codes = [part.strip().lower() for part in raw.split(",") if part.strip()]
    wrong = [code for code in codes if not re.fullmatch(r"[a-z]{2}", code)]
    if wrong:
        raise SettingsError(f"{name} must list two-letter language codes such as en,fr, not {wrong[0]!r}")
    return tuple(dict.fromkeys(["en", *codes]))


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def check_tmdb_transport(api_key: str | None, base_url: str) -> None:
    """A real key travels only over HTTPS, or plain HTTP to this machine (a sandbox server)."""
    parts = urlsplit(base_url)
    on_loopback = (parts.hostname or "") in LOOPBACK_NAMES or (parts.hostname or "").startswith("127.")
    if api_key and parts.scheme != "https" and not on_loopback:
        raise SettingsError(f"TMDB_API_BASE_URL must use https:// when TMDB_API_KEY is set (the key would "
                            f"travel in clear); plain http:// is for a sandbox on loopback, not {base_url!r}")


def settings_from_environment(instance_path: str) -> dict:
    """Build the app's settings; anything unset falls back to the embedded default."""
    load_dotenv(override=False)
    instance = Path(instance_path)
    redis_url = os.environ.get("CACHE_REDIS_URL", "").strip()
    broker_url = os.environ.get("CELERY_BROKER_URL", "").strip()
    settings = {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'qwir.sqlite3'}",
        "TMDB_API_KEY": os.environ.get("TMDB_API_KEY", "").strip() or None,
        "TMDB_API_BASE_URL": os.environ.get("TMDB_API_BASE_URL", "").strip()
        or DEFAULT_TMDB_BASE_URL,
        "TMDB_LANGUAGE": os.environ.get("TMDB_LANGUAGE", "").strip() or "en-US",
        "TMDB_REGION": _env_region("TMDB_REGION", "US"),
        "TMDB_TIMEOUT": _env_float("TMDB_TIMEOUT", 10.0),
        "TMDB_MAX_RETRIES": _env_int("TMDB_MAX_RETRIES", 3),
        "TMDB_RATE_LIMIT_PER_SECOND": _env_float("TMDB_RATE_LIMIT_PER_SECOND", 40.0),
        "TMDB_MAX_CONNECTIONS": _env_int("TMDB_MAX_CONNECTIONS", 20),
        "CACHE_REDIS_URL": redis_url or None,
        "CELERY_BROKER_URL": broker_url or None,
        "SYNC_SCHEDULE_HOURS": _env_float("SYNC_SCHEDULE_HOURS", 24.0),
        # The feed features a spotlight only from this many titles; the admin lists those held back.
        "FEED_MIN_TITLES": _env_int("QWIR_FEED_MIN_TITLES", 4),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO",
        # Interface languages that have a catalog, and the one used when a member states none.
        "QWIR_LOCALES": ("en", "fr"),
        "QWIR_DEFAULT_LOCALE": os.environ.get("QWIR_DEFAULT_LOCALE", "").strip().lower() or "en",
        # Where "Quick exit" sends a member who must leave in a hurry: a harmless, everyday site.
        "QWIR_QUICK_EXIT_URL": _quick_exit_url(),
        # Languages whose TMDb text (titles, overviews, taglines) each sync stores.
        "QWIR_LANGUAGES": _env_languages("QWIR_LANGUAGES", ("en", "fr")),
        # A curator's session ends after this long without a request, and this long after sign-in.
        "CURATOR_IDLE_MINUTES": _env_float("QWIR_CURATOR_IDLE_MINUTES", 30.0),
        "CURATOR_SESSION_HOURS": _env_float("QWIR_CURATOR_SESSION_HOURS", 12.0),
        # How many reverse proxies stand in front (each adds one X-Forwarded-For entry): the client
        # address, scheme and host are read from that many X-Forwarded-* hops (ProxyFix). 0: none.
        "TRUSTED_PROXIES": _env_int("QWIR_TRUSTED_PROXIES", 0),
        # Pages, fragments and text assets go out compressed: brotli when the client takes it, else
        # gzip. Flask-Compress gives each encoding its own ETag and varies on Accept-Encoding.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_STREAMS": False,
        "COMPRESS_MIN_SIZE": 500,
        # The address members and link previews reach Qwir at: every absolute link is built on it.
        "QWIR_PUBLIC_URL": os.environ.get("QWIR_PUBLIC_URL", "").strip().rstrip("/") or None,
        # Any site may show the embed pages in an iframe (else only QWIR_EMBED_ORIGINS may).
        "EMBED_ANY_ORIGIN": os.environ.get("QWIR_EMBED_ANY_ORIGIN", "").strip().lower()
        in ("1", "true", "yes"),
        # Host pages on other origins allowed to lazy-load our fragments (comma-separated).
        "EMBED_ORIGINS": tuple(
            origin.strip().rstrip("/")
            for origin in os.environ.get("QWIR_EMBED_ORIGINS", "").split(",")
            if origin.strip()
        ),
        # What a fragment shows on a host page that passes no preferences of its own (no cookie
        # crosses origins): cautious by default. Values as in the embed parameters (qwir/embedding.py).
        "EMBED_DEFAULT_PREFERENCES": {
            "cap": os.environ.get("QWIR_EMBED_CAP", "").strip() or "16",
            "avoid": os.environ.get("QWIR_EMBED_AVOID", "").strip() or "all",
            "discreet": os.environ.get("QWIR_EMBED_DISCREET", "").strip() or "off",
        },
    }
    check_tmdb_transport(settings["TMDB_API_KEY"], settings["TMDB_API_BASE_URL"])
    settings.update(_cache_settings(redis_url, instance))
    return settings


DEFAULT_KEY_PREFIX = "qwir:"


def key_prefix(config: Mapping[str, Any]) -> str:
    """What every name Qwir keeps in a shared store starts with (only Redis sets one explicitly)."""
    return config.get("CACHE_KEY_PREFIX") or DEFAULT_KEY_PREFIX


def _cache_settings(redis_url: str, instance: Path) -> dict:
    """Redis when configured (shared by every worker), else a file cache in the instance folder."""
    if redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            # One Redis may serve several deployments (or test runs): everything Qwir keeps there is
            # under this prefix, the shared rate limit and single-flight locks included.
            "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "").strip() or DEFAULT_KEY_PREFIX,
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(instance / "cache"),
        "CACHE_THRESHOLD": 5000,
    }
