"""Curators' content notes on titles: validate, save with an audit row, and refresh what shows the title."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext
from sqlalchemy import func, select, update

from qwir.content_notes import CONTENT_NOTES, MAX_NOTE_TEXT, NOTES_BY_SLUG, in_panel_order
from qwir.extensions import db
from qwir.models import (
    Curator,
    MediaItem,
    MediaList,
    MediaListItem,
    NoteAudit,
    TitleNotes,
    TmdbKeyword,
    utcnow,
)
from qwir.tmdb import discovery

RECENT_AUDITS = 20


class InvalidNotes(ValueError):
    """Notes that do not parse; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {text}" for name, text in errors.items()))
        self.errors = errors


def parse_notes(values: Mapping[str, object]) -> tuple[list[str], str]:
    """Note slugs (a JSON list, repeated form fields or commas) and the free text; raise on anything wrong."""
    errors: dict[str, str] = {}
    raw = values.getlist("notes") if hasattr(values, "getlist") else values.get("notes", [])
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(slug, str) for slug in raw):
        errors["notes"] = gettext("notes must be a list of content note slugs.")
        raw = []
    slugs = {slug.strip() for slug in raw if slug.strip()}
    unknown = sorted(slugs - set(NOTES_BY_SLUG))
    if unknown:
        errors["notes"] = gettext("Unknown content note: %(notes)s", notes=", ".join(unknown))
    text = values.get("text") or ""
    if not isinstance(text, str):
        errors["text"] = gettext("text must be a string.")
        text = ""
    elif len(text.strip()) > MAX_NOTE_TEXT:
        errors["text"] = gettext("Keep the note to %(num)d characters.", num=MAX_NOTE_TEXT)
    if errors:
        raise InvalidNotes(errors)
    return [note.slug for note in in_panel_order(slugs)], text.strip()


def find_title(media_type: str, tmdb_id: int) -> MediaItem | None:
    return db.session.scalar(
        select(MediaItem).where(MediaItem.media_type == media_type, MediaItem.tmdb_id == tmdb_id)
    )


def set_title_notes(
    item: MediaItem, notes: list[str], text: str, *, curator: Curator | None, source: str
) -> bool:
    """Save a title's curated notes and audit the change; False (and nothing written) when nothing changed."""
    current = item.curated_notes
    notes_before = list(current.notes or []) if current else []
    text_before = (current.text or "") if current else ""
    if notes_before == notes and text_before == text:
        return False
    db.session.add(NoteAudit(
        item=item, curator_id=curator.id if curator else None, curator_email=curator.email if curator else "",
        source=source, notes_before=notes_before, notes_after=notes, text_before=text_before, text_after=text,
    ))
    if current is None:
        current = TitleNotes(media_item_id=item.id)
        db.session.add(current)
        item.curated_notes = current
    current.notes, current.text, current.updated_at = notes, text, utcnow()
    _refresh_lists_showing(item)
    db.session.commit()
    return True


def _refresh_lists_showing(item: MediaItem) -> None:
    """Every list holding the title gets a new revision, so cached carousels and ETags change."""
    holding = select(MediaListItem.list_id).where(MediaListItem.media_item_id == item.id)
    db.session.execute(
        update(MediaList).where(MediaList.id.in_(holding)).values(revision=MediaList.revision + 1)
    )


def note_audits(item: MediaItem | None = None, limit: int = RECENT_AUDITS) -> list[NoteAudit]:
    """The latest note changes, newest first; one title's when `item` is given."""
    query = select(NoteAudit).order_by(NoteAudit.changed_at.desc(), NoteAudit.id.desc()).limit(limit)
    if item is not None:
        query = query.where(NoteAudit.media_item_id == item.id)
    return list(db.session.scalars(query))


# ---------------------------------------------------------------- keyword ids, resolved by name


def resolve_note_keywords(client) -> int:
    """Look every note's keyword names up on TMDb (/search/keyword) and keep the ids they have today."""
    names = sorted({name for note in CONTENT_NOTES for name in note.keyword_names})
    keywords = discovery.resolve_keywords(client, names)
    now = utcnow()
    for keyword in keywords:
        db.session.merge(TmdbKeyword(tmdb_id=keyword.id, name=keyword.name[:200], resolved_at=now))
    db.session.commit()
    return len(keywords)


def note_keyword_ids(slugs: Iterable[str]) -> frozenset[int]:
    """TMDb ids of the notes' keywords as last resolved by name, for TMDb's `without_keywords`.

    Reads SQL only; titles already stored are checked by keyword name and need none of this.
    """
    names = {name for slug in slugs if slug in NOTES_BY_SLUG for name in NOTES_BY_SLUG[slug].keyword_names}
    if not names:
        return frozenset()
    found = db.session.scalars(select(TmdbKeyword.tmdb_id).where(func.lower(TmdbKeyword.name).in_(names)))
    return frozenset(found)
