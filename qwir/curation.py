"""Curator-side services: validating and saving identity tags, reading the audit log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from qwir.extensions import db
from qwir.models import MEDIA_TYPES, SYNC_STATUSES, IdentityTag, MediaList, SyncAudit, utcnow
from qwir.sync_heartbeat import is_dead
from qwir.tmdb.cache import cache_key
from qwir.tmdb.client import MOVIE_APPEND, TV_APPEND
from qwir.tmdb.discovery import DEFAULT_KEYWORD_SEARCH_PAGES, MOVIE_CERTIFICATIONS_US, TV_CERTIFICATIONS_US
from qwir.validation import Validation, has_control_characters, whole_number

KEYWORD_SEPARATORS = r"[,\n]"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
THEME_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")
# A tag's maturity cap is a rating on TMDb's US film or TV scale (the catalog maps one onto the other).
CERTIFICATIONS = MOVIE_CERTIFICATIONS_US + TV_CERTIFICATIONS_US
MAX_LIST_SIZE = 100
MAX_KEYWORD_NAMES = 12
PREVIEW_NAMES = 6
PREVIEW_MATCHES = 8
AUDITS_PER_PAGE = 25
TAG_FIELDS = (
    "name", "slug", "description", "keyword_names", "media_types", "language", "include_adult",
    "date_from", "date_to", "max_certification", "list_size", "featured", "feature_position", "theme",
)
EDITABLE_TAG_FIELDS = tuple(f for f in TAG_FIELDS if f != "slug")


class TagInput(Validation):
    """Tag fields from an HTML form (all strings, unticked boxes absent) or JSON (typed values).

    `partial` (a JSON PATCH) checks only the fields given; otherwise every field is read,
    and an absent one means its default.
    """

    def __init__(self, values: Mapping[str, Any], *, typed: bool = False, partial: bool = False) -> None:
        super().__init__(values)
        self.typed = typed
        self.partial = partial

    def changes(self, fields: tuple[str, ...]) -> dict[str, Any]:
        """Every clean value the input sets; errors collect on `self.errors`."""
        if self.typed:
            for unknown in sorted(set(self.values) - set(fields)):
                self.error(unknown, "This field is not known or cannot be changed.")
        wanted = [f for f in fields if not self.partial or f in self.values]
        clean = {field: getattr(self, f"_{field}")() for field in wanted}
        self._check_date_order(clean)
        return clean

    # Each reader below returns a clean value and records an error when the input is wrong.

    def _name(self) -> str:
        name = self._string("name", required=True, max_length=120, label="Name")
        if has_control_characters(name):
            self.error("name", "The name cannot hold control characters (tabs, line breaks and the like).")
        return name

    def _slug(self) -> str:
        slug = self._string("slug", required=True, max_length=64, label="Slug")
        if slug and not SLUG_PATTERN.match(slug):
            self.error("slug", "Use lower-case letters, digits and single hyphens, like non-binary.")
        return slug

    def _description(self) -> str:
        return self._string("description", max_length=2000, label="Description")

    def _keyword_names(self) -> list[str]:
        names = self._string_list("keyword_names", separators=KEYWORD_SEPARATORS)
        if not names:
            self.error("keyword_names", "Give at least one TMDb keyword name.")
        elif len(names) > MAX_KEYWORD_NAMES or any(len(n) > 100 for n in names):
            self.error("keyword_names", f"At most {MAX_KEYWORD_NAMES} names of up to 100 characters.")
        elif any(has_control_characters(n) for n in names):
            self.error("keyword_names", "Keyword names cannot hold control characters (tabs and the like).")
        return names

    def _media_types(self) -> list[str]:
        if self.typed and self.values.get("media_types") is None:
            return list(MEDIA_TYPES)
        kinds = self._string_list("media_types", separators=r"[,\s]")
        if not kinds or any(k not in MEDIA_TYPES for k in kinds):
            self.error("media_types", "Choose films, series or both.")
        return [k for k in MEDIA_TYPES if k in kinds]

    def _language(self) -> str | None:
        language = self._string("language", max_length=2, label="Language").lower()
        if language and not LANGUAGE_PATTERN.match(language):
            self.error("language", "Use a two-letter ISO 639-1 code, like en or pt.")
        return language or None

    def _include_adult(self) -> bool:
        return self._boolean("include_adult", default=False)

    def _featured(self) -> bool:
        return self._boolean("featured", default=True)

    def _date_from(self) -> dt.date | None:
        return self._date("date_from")

    def _date_to(self) -> dt.date | None:
        return self._date("date_to")

    def _max_certification(self) -> str | None:
        value = self._string("max_certification", max_length=16).upper()
        if value and value not in CERTIFICATIONS:
            self.error("max_certification", f"Choose one of {', '.join(CERTIFICATIONS)}, or none.")
        return value or None

    def _list_size(self) -> int:
        return self._integer("list_size", default=20, low=1, high=MAX_LIST_SIZE)

    def _feature_position(self) -> int:
        return self._integer("feature_position", default=100, low=0, high=10_000)

    def _theme(self) -> str:
        theme = self._string("theme", max_length=32, label="Theme") or "aurora"
        if not THEME_PATTERN.match(theme):
            self.error("theme", "Use lower-case letters, digits and hyphens.")
        return theme

    # Type-aware readers shared by the fields above.

    def _string(self, field: str, **rules: Any) -> str:
        value = self.values.get(field)
        if self.typed and value is not None and not isinstance(value, str):
            self.error(field, "Must be a string.")
            return ""
        return self.text(field, **rules)

    def _string_list(self, field: str, *, separators: str) -> list[str]:
        value = self.values.get(field)
        if self.typed:
            if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                self.error(field, "Must be a list of strings.")
                return []
            items = value or []
        elif isinstance(self.values, Mapping) and hasattr(self.values, "getlist"):
            items = [part for raw in self.values.getlist(field) for part in re.split(separators, raw)]
        else:
            items = re.split(separators, value or "")
        return list(dict.fromkeys(item.strip() for item in items if item.strip()))

    def _boolean(self, field: str, *, default: bool) -> bool:
        """JSON gives real booleans (absent: the default); a form sends a ticked box, absent when not."""
        value = self.values.get(field)
        if not self.typed:
            return value in ("on", "true", "1", "yes")
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(field, "Must be true or false.")
            return default
        return value

    def _integer(self, field: str, *, default: int, low: int, high: int) -> int:
        value = self.values.get(field)
        if value is None or value == "":
            return default
        number = _as_int(value, typed=self.typed)
        if number is None or not low <= number <= high:
            self.error(field, f"Give a whole number from {low} to {high}.")
            return default
        return number

    def _date(self, field: str) -> dt.date | None:
        value = self._string(field, max_length=10)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(field, "Use a date like 1999-12-31.")
            return None

    def _check_date_order(self, clean: dict[str, Any]) -> None:
        start, end = clean.get("date_from"), clean.get("date_to")
        if start and end and start > end:
            self.error("date_to", "The end date comes before the start date.")


def _as_int(value: Any, *, typed: bool) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not typed and isinstance(value, str):
        return whole_number(value.strip())
    return None


def find_tag(slug: str) -> IdentityTag | None:
    return db.session.scalar(select(IdentityTag).where(IdentityTag.slug == slug))


def all_tags() -> list[IdentityTag]:
    query = select(IdentityTag).order_by(IdentityTag.feature_position, IdentityTag.name)
    return list(db.session.scalars(query))


def create_tag(data: TagInput) -> IdentityTag | None:
    """Create a tag from valid input; None (with errors on `data`) when anything is wrong."""
    changes = data.changes(TAG_FIELDS)
    if changes.get("slug") and find_tag(changes["slug"]):
        data.error("slug", "Another tag already uses this slug.")
    if not data.ok:
        return None
    tag = IdentityTag(**changes)
    db.session.add(tag)
    db.session.commit()
    return tag


def update_tag(tag: IdentityTag, data: TagInput) -> bool:
    """Apply valid input to `tag` all at once, or nothing at all; False when there are errors."""
    changes = data.changes(EDITABLE_TAG_FIELDS)
    if not data.ok:
        return False
    if "keyword_names" in changes and changes["keyword_names"] != tag.keyword_names:
        # New names mean the old ids no longer stand for them: the next sync re-resolves.
        tag.keyword_ids, tag.keywords_resolved_at = [], None
    for field, value in changes.items():
        setattr(tag, field, value)
    db.session.commit()
    return True


def tag_form_values(tag: IdentityTag | None) -> dict[str, Any]:
    """A tag's fields as an edit form shows them (or the defaults for a new tag)."""
    if tag is None:
        return {"media_types": ["movie", "tv"], "featured": True, "list_size": 20,
                "feature_position": 100, "theme": "aurora"}
    values = {field: getattr(tag, field) for field in TAG_FIELDS}
    values["keyword_names"] = ", ".join(tag.keyword_names or [])
    return values


def latest_audits_by_tag() -> dict[int, SyncAudit]:
    """The most recent sync of each tag."""
    newest = select(func.max(SyncAudit.id)).group_by(SyncAudit.tag_id).scalar_subquery()
    audits = db.session.scalars(select(SyncAudit).where(SyncAudit.id.in_(newest)))
    return {audit.tag_id: audit for audit in audits if audit.tag_id is not None}


def find_list(slug: str) -> MediaList | None:
    return db.session.scalar(select(MediaList).where(MediaList.slug == slug))


def audit_page(*, tag_slug: str | None, status: str | None, page: int):
    """One page of the audit log, newest first, optionally for one tag and one status."""
    query = select(SyncAudit).order_by(SyncAudit.id.desc())
    if tag_slug:
        query = query.join(SyncAudit.tag).where(IdentityTag.slug == tag_slug)
    if status in SYNC_STATUSES:
        query = query.where(SyncAudit.status == status)
    return db.paginate(query, page=max(page, 1), per_page=AUDITS_PER_PAGE, error_out=False)


def running_audits(tag: IdentityTag) -> list[SyncAudit]:
    """The tag's syncs under way; one whose process died (no heartbeat) no longer shows as running."""
    alive = ~is_dead(utcnow())
    query = select(SyncAudit).where(SyncAudit.tag_id == tag.id, SyncAudit.status == "running", alive)
    return list(db.session.scalars(query))


def split_keyword_names(text: str) -> list[str]:
    """Names typed as a comma- or line-separated list, trimmed and de-duplicated."""
    return list(dict.fromkeys(n.strip() for n in re.split(KEYWORD_SEPARATORS, text or "") if n.strip()))


@dataclass(frozen=True)
class KeywordPreview:
    """What a keyword search finds for one typed name; `exact` are the ids a sync would use."""

    name: str
    matches: list[dict[str, Any]]
    exact: list[int]


def preview_keywords(client, names: list[str]) -> list[KeywordPreview]:
    """Search TMDb for the first few names; raises the client's TmdbError when TMDb fails."""
    previews = []
    for name in names[:PREVIEW_NAMES]:
        results = client.search_keywords(name).get("results") or []
        wanted = name.casefold()
        exact = [int(r["id"]) for r in results if str(r.get("name", "")).strip().casefold() == wanted]
        previews.append(KeywordPreview(name, results[:PREVIEW_MATCHES], exact))
    return previews


def clear_tag_cache(tag: IdentityTag, client) -> int:
    """Drop the tag's cached keyword searches and its titles' details; returns how many were cached.

    Discover pages are keyed on every filter of a query, so they cannot be singled out per tag;
    they expire on their own within five minutes. The keyword ids are marked stale so that the
    next sync resolves them again.
    """
    keys = [*_keyword_search_keys(tag, client), *_details_keys(tag, client)]
    present = sum(1 for key in keys if client.cache.backend.get(key) is not None)
    for key in keys:
        client.cache.delete(key)
    tag.keywords_resolved_at = None
    db.session.commit()
    return present


def _keyword_search_keys(tag: IdentityTag, client) -> list[str]:
    return [
        cache_key(client.cache_namespace, "search/keyword", {"query": name, "page": page}, client.language)
        for name in tag.keyword_names or []
        for page in range(1, DEFAULT_KEYWORD_SEARCH_PAGES + 1)
    ]


def _details_keys(tag: IdentityTag, client) -> list[str]:
    keys = []
    for media_list in tag.lists:
        append = ",".join(TV_APPEND if media_list.media_type == "tv" else MOVIE_APPEND)
        params = {"language": client.language, "append_to_response": append}
        for entry in media_list.entries:
            path = f"{media_list.media_type}/{entry.item.tmdb_id}"
            keys.append(cache_key(client.cache_namespace, path, params, client.language))
    return keys
