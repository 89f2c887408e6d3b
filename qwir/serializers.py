"""JSON shapes of the REST API: tags, spotlight lists, titles and sync audits (see qwir/openapi.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for

from qwir.content_notes import title_notes
from qwir.models import IdentityTag, MediaItem, SyncAudit
from qwir.widgets import image_base_url, poster_sources


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    """ISO 8601; stored times are UTC, though SQLite hands them back without their offset."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if value else None


def tag_json(tag: IdentityTag) -> dict[str, Any]:
    return {
        "slug": tag.slug,
        "name": tag.name,
        "description": tag.description or "",
        "keyword_names": list(tag.keyword_names or []),
        "keyword_ids": [int(i) for i in tag.keyword_ids or []],
        "media_types": list(tag.media_types or []),
        "language": tag.language,
        "include_adult": bool(tag.include_adult),
        "date_from": _iso(tag.date_from),
        "date_to": _iso(tag.date_to),
        "max_certification": tag.max_certification,
        "list_size": tag.list_size,
        "featured": bool(tag.featured),
        "feature_position": tag.feature_position,
        "theme": tag.theme,
        "lists": [_list_link(tag, media_type) for media_type in tag.media_types or []],
    }


def _list_link(tag: IdentityTag, media_type: str) -> dict[str, Any]:
    slug = tag.list_slug(media_type)
    return {"slug": slug, "media_type": media_type, "url": url_for("api.get_list", slug=slug)}


def item_json(item: MediaItem, *, live: bool = False) -> dict[str, Any]:
    poster = poster_sources(item.poster_path, image_base_url(live))
    return {
        "media_type": item.media_type,
        "tmdb_id": item.tmdb_id,
        "title": item.title,
        "original_title": item.original_title,
        "year": item.year,
        "release_date": _iso(item.release_date),
        "runtime": item.runtime,
        "genres": [str(genre.get("name", "")) for genre in item.genres or []],
        "certification": item.certification,
        "overview": item.overview or "",
        "poster_url": poster.src if poster else None,
        "directors": list(item.directors or []),
        "cast": [str(member.get("name", "")) for member in item.cast or []],
        "imdb_id": item.imdb_id,
        "vote_average": item.vote_average,
        "vote_count": item.vote_count,
        "tmdb_url": f"https://www.themoviedb.org/{item.media_type}/{item.tmdb_id}",
        "content_notes": sorted(title_notes(item)),
    }


def notes_json(item: MediaItem) -> dict[str, Any]:
    """A title's content notes: every one it carries, and which of them curators attached."""
    curated = item.curated_notes
    return {
        "media_type": item.media_type,
        "tmdb_id": item.tmdb_id,
        "content_notes": sorted(title_notes(item)),
        "curated": list(curated.notes) if curated else [],
        "text": curated.text if curated else "",
        "updated_at": _iso(curated.updated_at) if curated else None,
    }


def _from_live_tmdb(tag: IdentityTag, list_slug: str) -> bool:
    """Whether a list's images live on TMDb's image host (live) or the sandbox's."""
    return any(media_list.slug == list_slug and media_list.source == "live" for media_list in tag.lists)


def list_json(found) -> dict[str, Any]:
    """A widgets.Carousel (the visible part of a stored list) as the API shows it."""
    live = _from_live_tmdb(found.tag, found.slug)
    return {
        "slug": found.slug,
        "title": found.title,
        "tag": found.tag.slug,
        "media_type": found.media_type,
        "generated_at": _iso(found.generated_at),
        "filtered_out": found.filtered_out,
        "items": [item_json(item, live=live) for item in found.items],
    }


def pick_json(tag: IdentityTag, pick) -> dict[str, Any]:
    """A widgets.RandomPick as the API shows it."""
    return {
        "tag": tag.slug,
        "list": pick.slug,
        "item": item_json(pick.item, live=_from_live_tmdb(tag, pick.slug)),
    }


def audit_json(audit: SyncAudit) -> dict[str, Any]:
    return {
        "id": audit.id,
        "tag": audit.tag.slug if audit.tag else None,
        "media_type": audit.media_type,
        "trigger": audit.trigger,
        "status": audit.status,
        "started_at": _iso(audit.started_at),
        "finished_at": _iso(audit.finished_at),
        "requested_count": audit.requested_count,
        "stored_count": audit.stored_count,
        "tmdb_requests": audit.tmdb_requests,
        "duration_ms": audit.duration_ms,
        "error_class": audit.error_class,
        "error_message": audit.error_message,
        "url": url_for("api.get_sync", audit_id=audit.id),
    }
