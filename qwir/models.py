"""The SQL schema: identity tags, cached TMDb keywords, media items, spotlight lists, audits, curators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qwir.extensions import db

MEDIA_TYPES = ("movie", "tv")
SYNC_TRIGGERS = ("cli", "admin", "api", "schedule", "manual", "bootstrap", "fragment")
SYNC_STATUSES = ("running", "succeeded", "failed")


def utcnow() -> dt.datetime:
    """Timezone-aware now; stored as UTC on every backend."""
    return dt.datetime.now(dt.UTC)


media_item_tags = Table(
    "media_item_tags",
    db.metadata,
    Column("media_item_id", ForeignKey("media_items.id", ondelete="CASCADE"), primary_key=True),
    Column("identity_tag_id", ForeignKey("identity_tags.id", ondelete="CASCADE"), primary_key=True),
)


class IdentityTag(db.Model):
    """An identity (Queer, Trans, ...) with the TMDb keywords it stands for and how to discover it."""

    __tablename__ = "identity_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Name and description in the other interface languages: {"fr": {"name", "description"}}.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")
    # TMDb keyword names (synonyms, OR-ed in discover) and the ids they resolved to.
    keyword_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    keyword_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Each name with the ids it resolved to at the last resolution ([] for a name TMDb does not know).
    keyword_matches: Mapped[dict[str, list[int]] | None] = mapped_column(JSON)
    keywords_resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Discovery settings.
    media_types: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["movie", "tv"])
    language: Mapped[str | None] = mapped_column(String(8))  # with_original_language hint
    include_adult: Mapped[bool] = mapped_column(Boolean, default=False)
    date_from: Mapped[dt.date | None] = mapped_column(Date)
    date_to: Mapped[dt.date | None] = mapped_column(Date)
    max_certification: Mapped[str | None] = mapped_column(String(16))  # e.g. "R" (US scale)
    list_size: Mapped[int] = mapped_column(Integer, default=20)
    # Feed placement and planet look.
    featured: Mapped[bool] = mapped_column(Boolean, default=True)
    feature_position: Mapped[int] = mapped_column(Integer, default=100)
    theme: Mapped[str] = mapped_column(String(32), default="aurora")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    lists: Mapped[list[MediaList]] = relationship(back_populates="tag")

    def list_slug(self, media_type: str = "movie") -> str:
        """The public slug of this tag's spotlight list for one media type."""
        kind = "spotlight" if media_type == "movie" else "series-spotlight"
        return f"{self.slug}-{kind}-{self.id}"

    def __repr__(self) -> str:
        return f"<IdentityTag {self.slug}>"


class TmdbKeyword(db.Model):
    """A TMDb keyword id and name as last resolved through /search/keyword."""

    __tablename__ = "tmdb_keywords"

    tmdb_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), index=True)
    resolved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GenreName(db.Model):
    """A TMDb genre's name in one language, from /genre/{movie,tv}/list (refreshed apart from syncs)."""

    __tablename__ = "genre_names"

    media_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    genre_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MediaItem(db.Model):
    """One film or series, normalised from TMDb details."""

    __tablename__ = "media_items"
    __table_args__ = (UniqueConstraint("media_type", "tmdb_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    media_type: Mapped[str] = mapped_column(String(8))
    tmdb_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    original_title: Mapped[str | None] = mapped_column(String(300))
    original_language: Mapped[str | None] = mapped_column(String(8))
    release_date: Mapped[dt.date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer)
    runtime: Mapped[int | None] = mapped_column(Integer)  # minutes; episode runtime for series
    overview: Mapped[str] = mapped_column(Text, default="")
    genres: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{id, name}]
    keywords: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{id, name}]
    poster_path: Mapped[str | None] = mapped_column(String(300))
    backdrop_path: Mapped[str | None] = mapped_column(String(300))
    certification: Mapped[str | None] = mapped_column(String(16))  # for the configured region
    certification_region: Mapped[str | None] = mapped_column(String(2))
    # Every country's rating and the youngest age it admits: {"GB": {"rating": "12A", "age": 12}}.
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    tagline: Mapped[str] = mapped_column(Text, default="", server_default="")
    # TMDb's text per language of QWIR_LANGUAGES: {"fr": {"title", "overview", "tagline"}}, "" where absent.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")
    # {"US": {"link": ..., "flatrate": [{provider_id, provider_name, logo_path}], "rent": [], ...}}
    providers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    directors: Mapped[list[str]] = mapped_column(JSON, default=list)  # creators for series
    cast: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, character}]
    imdb_id: Mapped[str | None] = mapped_column(String(16))
    vote_average: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)
    popularity: Mapped[float | None] = mapped_column(Float)
    adult: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Decided once per sync and stored with the item: "live" or "sandbox", and the image host
    # that TMDb's /configuration named then, so posters never depend on today's settings.
    source: Mapped[str | None] = mapped_column(String(8))
    image_base_url: Mapped[str | None] = mapped_column(String(300))
    # Set when TMDb answered 404 for this title on a refresh: it is flagged, not silently kept.
    missing_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    tags: Mapped[list[IdentityTag]] = relationship(secondary=media_item_tags)
    # Loaded with every item, since every member surface checks a title's notes before showing it.
    curated_notes: Mapped[TitleNotes | None] = relationship(
        back_populates="item", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def keyword_ids(self) -> set[int]:
        return {int(k["id"]) for k in self.keywords or [] if "id" in k}

    def __repr__(self) -> str:
        return f"<MediaItem {self.media_type}/{self.tmdb_id}>"


class MediaList(db.Model):
    """A tag's spotlight: an ordered list of media items, regenerated from TMDb."""

    __tablename__ = "media_lists"
    __table_args__ = (UniqueConstraint("tag_id", "media_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    tag_id: Mapped[int] = mapped_column(ForeignKey("identity_tags.id", ondelete="CASCADE"))
    media_type: Mapped[str] = mapped_column(String(8))
    generated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(16), default="sandbox")  # "live" or "sandbox"
    # Bumped by every sync and every curator override: readers key ETags and cached fragments on it.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # TMDb's order at the last sync (media item ids) and the size asked for: undoing an override
    # rebuilds the list from these and the remaining overrides, without asking TMDb again.
    tmdb_order: Mapped[list[int] | None] = mapped_column(JSON)
    target_size: Mapped[int | None] = mapped_column(Integer)
    # Titles the explicit-content exclusion removed at the last sync ([{tmdb_id, title, year}]),
    # and the TMDb ids a curator chose to keep anyway.
    excluded_titles: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    kept_tmdb_ids: Mapped[list[int] | None] = mapped_column(JSON)

    tag: Mapped[IdentityTag] = relationship(back_populates="lists")
    entries: Mapped[list[MediaListItem]] = relationship(
        back_populates="media_list",
        order_by="MediaListItem.position",
        cascade="all, delete-orphan",
    )
    overrides: Mapped[list[ListOverride]] = relationship(
        back_populates="media_list", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<MediaList {self.slug}>"


class MediaListItem(db.Model):
    """One position in a spotlight list."""

    __tablename__ = "media_list_items"
    __table_args__ = (
        UniqueConstraint("list_id", "media_item_id"),
        UniqueConstraint("list_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("media_lists.id", ondelete="CASCADE"))
    media_item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based, dense
    # When the title first entered this list; kept across syncs, so feeds can put newcomers first.
    added_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.current_timestamp()
    )

    media_list: Mapped[MediaList] = relationship(back_populates="entries")
    item: Mapped[MediaItem] = relationship()


class ListOverride(db.Model):
    """A curator's decision about one item in one list (pin to a position, or hide); outlives syncs."""

    __tablename__ = "list_overrides"
    __table_args__ = (UniqueConstraint("list_id", "media_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("media_lists.id", ondelete="CASCADE"))
    media_item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"))
    pinned_position: Mapped[int | None] = mapped_column(Integer)  # 0-based
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    media_list: Mapped[MediaList] = relationship(back_populates="overrides")
    item: Mapped[MediaItem] = relationship()


class TmdbConfiguration(db.Model):
    """The last /configuration answer per source ("live" or "sandbox"): image hosts and sizes."""

    __tablename__ = "tmdb_configurations"

    source: Mapped[str] = mapped_column(String(8), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncAudit(db.Model):
    """What one regeneration of a tag's list did, and why it failed if it did."""

    __tablename__ = "sync_audits"
    # At most one running sync per list, enforced by the database so it holds across processes.
    __table_args__ = (
        Index(
            "uq_sync_audits_one_running",
            "tag_id",
            "media_type",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int | None] = mapped_column(
        ForeignKey("identity_tags.id", ondelete="SET NULL"), index=True
    )
    list_id: Mapped[int | None] = mapped_column(ForeignKey("media_lists.id", ondelete="SET NULL"))
    media_type: Mapped[str] = mapped_column(String(8), default="movie")
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Stamped every few seconds while the sync runs (qwir.sync_heartbeat): silence means its process died.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    requested_count: Mapped[int] = mapped_column(Integer, default=0)
    stored_count: Mapped[int] = mapped_column(Integer, default=0)
    tmdb_requests: Mapped[int] = mapped_column(Integer, default=0)
    error_class: Mapped[str | None] = mapped_column(String(80))
    error_message: Mapped[str | None] = mapped_column(Text)  # always redacted
    duration_ms: Mapped[int | None] = mapped_column(Integer)

    tag: Mapped[IdentityTag | None] = relationship()
    media_list: Mapped[MediaList | None] = relationship()


class Curator(db.Model):
    """A curator account for the admin page and the write API."""

    __tablename__ = "curators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Stored in each session at sign-in; bumping it ends every session issued before (curator_sessions).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="curator")

    # Flask-Login protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<Curator {self.id}>"


class ApiToken(db.Model):
    """A curator's bearer token for the write API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    curator_id: Mapped[int] = mapped_column(ForeignKey("curators.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    curator: Mapped[Curator] = relationship(back_populates="tokens")


class TitleNotes(db.Model):
    """The content notes curators attached to a title, and their short free-text note; outlives syncs."""

    __tablename__ = "title_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_item_id: Mapped[int] = mapped_column(
        ForeignKey("media_items.id", ondelete="CASCADE"), unique=True
    )
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)  # content note slugs
    text: Mapped[str] = mapped_column(String(280), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    item: Mapped[MediaItem] = relationship(back_populates="curated_notes")


class NoteAudit(db.Model):
    """Who changed a title's content notes, from where, when, and what they were before and after."""

    __tablename__ = "note_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    curator_id: Mapped[int | None] = mapped_column(ForeignKey("curators.id", ondelete="SET NULL"))
    curator_email: Mapped[str] = mapped_column(String(254), default="")
    source: Mapped[str] = mapped_column(String(16))  # "admin" or "api"
    notes_before: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes_after: Mapped[list[str]] = mapped_column(JSON, default=list)
    text_before: Mapped[str] = mapped_column(String(280), default="")
    text_after: Mapped[str] = mapped_column(String(280), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    item: Mapped[MediaItem] = relationship()
