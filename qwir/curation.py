"""Curator-side services: validating and saving identity tags, reading the audit log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, select

from qwir import api_models
from qwir.api_models import CERTIFICATIONS
from qwir.extensions import db
from qwir.models import SYNC_STATUSES, IdentityTag, MediaList, SyncAudit
from qwir.tmdb import discovery
from qwir.tmdb.cache import cache_key
from qwir.tmdb.client import MOVIE_APPEND, TV_APPEND
from qwir.tmdb.discovery import MAX_KEYWORD_SEARCH_PAGES
from qwir.validation import Validation, whole_number

KEYWORD_SEPARATORS = r"[,\n]"
TICKED = ("on", "true", "1", "yes")
PREVIEW_NAMES = 6
PREVIEW_MATCHES = 8
AUDITS_PER_PAGE = 25
TAG_FIELDS = (
    "name", "slug", "description", "keyword_names", "media_types", "language", "include_adult",
    "date_from", "date_to", "max_certification", "list_size", "featured", "feature_position", "theme",
    "translations",
)
EDITABLE_TAG_FIELDS = tuple(f for f in TAG_FIELDS if f != "slug")


def _field_messages() -> dict[str, str]:
    """One message per field, whatever rule the value broke (translated for the current request)."""
    return {
        "name": _("Give a name of up to 120 characters."),
        "slug": _("Use lower-case letters, digits and single hyphens, like non-binary."),
        "description": _("The description can be at most 2000 characters."),
        "keyword_names": _("Give from 1 to %(most)d TMDb keyword names of up to 100 characters.",
                           most=api_models.MAX_KEYWORD_NAMES),
        "media_types": _("Choose films, series or both."),
        "language": _("Use a two-letter ISO 639-1 code, like en or pt."),
        "include_adult": _("Must be true or false."),
        "featured": _("Must be true or false."),
        "date_from": _("Use a date like 1999-12-31."),
        "date_to": _("Use a date like 1999-12-31."),
        "max_certification": _("Choose one of %(choices)s, or none.", choices=", ".join(CERTIFICATIONS)),
        "list_size": _("Give a whole number from 1 to %(most)d.", most=api_models.MAX_LIST_SIZE),
        "feature_position": _("Give a whole number from 0 to 10000."),
        "theme": _("Use lower-case letters, digits and hyphens."),
        "translations": _("Give each language a name of up to 120 characters and a description of up "
                          "to 2000."),
    }


class TagInput(Validation):
    """Tag fields from an HTML form or a JSON body, checked by the API's own models (qwir/api_models.py).

    A form's strings are first read into the JSON shapes (ticked boxes as booleans, numbers as
    numbers), so both kinds of input meet the same rules. `partial` (a JSON PATCH) changes only the
    fields given; otherwise every field is read, and an absent one means its default.
    """

    def __init__(self, values: Mapping[str, Any], *, typed: bool = False, partial: bool = False) -> None:
        super().__init__(values)
        self.typed = typed
        self.partial = partial
        if hasattr(values, "getlist"):
            # A form sends one value per ticked box under the same name; a plain dict keeps only one.
            self.values["media_types"] = values.getlist("media_types")

    def changes(self, fields: tuple[str, ...]) -> dict[str, Any]:
        """Every clean value the input sets; errors collect on `self.errors`."""
        if "slug" in fields:
            model = api_models.NewTag
        else:
            model = api_models.TagChanges if self.partial else api_models.EditedTag
        data = self.values if self.typed else _typed_form_values(self.values, with_slug="slug" in fields)
        try:
            parsed = model.model_validate(data)
        except ValidationError as invalid:
            self._collect(invalid)
            return {}
        return parsed.model_dump(exclude_unset=self.partial)

    def _collect(self, invalid: ValidationError) -> None:
        messages = _field_messages()
        for problem in invalid.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "date_to"  # the one rule across fields
            if problem["type"] == "extra_forbidden":
                self.error(field, _("This field is not known or cannot be changed."))
            elif not problem["loc"]:
                self.error(field, _("The end date comes before the start date."))
            else:
                self.error(field, messages.get(field, problem["msg"]))


def _typed_form_values(form: Mapping[str, Any], *, with_slug: bool) -> dict[str, Any]:
    """A form's strings as the JSON body would give them; a number that does not parse stays text."""
    def text(field: str) -> str:
        value = form.get(field)
        return value.strip() if isinstance(value, str) else ""

    kinds = form.get("media_types") or []
    data: dict[str, Any] = {
        "name": text("name"),
        "description": text("description"),
        "keyword_names": split_keyword_names(text("keyword_names")),
        "media_types": [k for raw in kinds for k in re.split(r"[,\s]+", raw) if k],
        "language": text("language").lower() or None,
        "include_adult": form.get("include_adult") in TICKED,
        "featured": form.get("featured") in TICKED,
        "date_from": text("date_from") or None,
        "date_to": text("date_to") or None,
        "max_certification": text("max_certification").upper() or None,
        "theme": text("theme") or "aurora",
        "translations": {"fr": {"name": text("name_fr"), "description": text("description_fr")}},
    }
    if with_slug:
        data["slug"] = text("slug")
    for field in ("list_size", "feature_position"):
        raw = text(field)
        if raw:
            number = whole_number(raw)
            data[field] = raw if number is None else number
    return data


def find_tag(slug: str) -> IdentityTag | None:
    return db.session.scalar(select(IdentityTag).where(IdentityTag.slug == slug))


def all_tags() -> list[IdentityTag]:
    query = select(IdentityTag).order_by(IdentityTag.feature_position, IdentityTag.name)
    return list(db.session.scalars(query))


def create_tag(data: TagInput) -> IdentityTag | None:
    """Create a tag from valid input; None (with errors on `data`) when anything is wrong."""
    changes = data.changes(TAG_FIELDS)
    if changes.get("slug") and find_tag(changes["slug"]):
        data.error("slug", _("Another tag already uses this slug."))
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
    values = {field: getattr(tag, field) for field in TAG_FIELDS if field != "translations"}
    values["keyword_names"] = ", ".join(tag.keyword_names or [])
    for language, texts in (tag.translations or {}).items():
        values.update({f"{name}_{language}": text for name, text in texts.items()})
    return values


def latest_audits_by_list(tag: IdentityTag | None = None) -> dict[tuple[int, str], SyncAudit]:
    """The most recent sync of each list, keyed by (tag id, media type); of one tag's lists if given."""
    newest = select(func.max(SyncAudit.id)).group_by(SyncAudit.tag_id, SyncAudit.media_type)
    if tag is not None:
        newest = newest.where(SyncAudit.tag_id == tag.id)
    audits = db.session.scalars(select(SyncAudit).where(SyncAudit.id.in_(newest.scalar_subquery())))
    return {(audit.tag_id, audit.media_type): audit for audit in audits if audit.tag_id is not None}


def keywords_match_nothing(tag: IdentityTag) -> bool:
    """The last resolution found no TMDb keyword for any of the tag's names: no sync can succeed."""
    return tag.keywords_resolved_at is not None and not tag.keyword_ids


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
        exact = [keyword.id for keyword in discovery.resolve_keyword(client, name)]
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
        for page in range(1, MAX_KEYWORD_SEARCH_PAGES + 1)
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
