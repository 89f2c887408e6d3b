"""Title pages for any TMDb id, live or sandbox: fetched on demand through the cache, never stored.

One details request (credits, ratings, keywords, providers, videos and recommendations appended)
answers a page; recommendations are kept to titles that carry an identity keyword and pass the
member's filters, hydrated through the cache. When TMDb cannot answer, a title a sync stored
still shows from the database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from qwir import browse, widgets
from qwir.content_notes import ContentNote, in_panel_order, notes_from_keywords, title_notes
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem
from qwir.preferences import Preferences
from qwir.tmdb import discovery, maturity
from qwir.tmdb.client import MOVIE_APPEND, TV_APPEND
from qwir.tmdb.errors import TmdbError, TmdbNotFoundError, TmdbValidationError
from qwir.tmdb.normalize import normalize_details

TITLE_APPEND = {
    "movie": (*MOVIE_APPEND, "videos", "recommendations"),
    "tv": (*TV_APPEND, "videos", "recommendations"),
}
RECOMMENDATIONS_CHECKED = 12  # bounds the hydration a cold page may need
# Embeds that set no cookies until played, and the shape of each site's video keys.
VIDEO_HOSTS = {"YouTube": "https://www.youtube-nocookie.com", "Vimeo": "https://player.vimeo.com"}
VIDEO_KEYS = {"YouTube": re.compile(r"[A-Za-z0-9_-]{6,32}"), "Vimeo": re.compile(r"\d{1,12}")}


class TitleUnavailable(LookupError):
    """TMDb cannot answer for a title that no sync has stored."""


@dataclass(frozen=True)
class Trailer:
    """An official trailer on a host we can embed without cookies until the member presses play."""

    site: str
    key: str
    name: str

    @property
    def host(self) -> str:
        return VIDEO_HOSTS[self.site]

    @property
    def embed_url(self) -> str:
        if self.site == "YouTube":
            return f"{self.host}/embed/{self.key}?autoplay=1&rel=0"
        return f"{self.host}/video/{self.key}?autoplay=1&dnt=1"

    @property
    def watch_url(self) -> str:
        if self.site == "YouTube":
            return f"https://www.youtube.com/watch?v={self.key}"
        return f"https://vimeo.com/{self.key}"


def official_trailer(videos: Any) -> Trailer | None:
    """The best trailer of a `videos` part: official first, then YouTube, then the newest."""
    results = videos.get("results") if isinstance(videos, dict) else None
    candidates = [
        video for video in results or []
        if isinstance(video, dict) and video.get("type") == "Trailer" and video.get("site") in VIDEO_HOSTS
        and VIDEO_KEYS[video["site"]].fullmatch(str(video.get("key") or ""))
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda video: (not video.get("official"), video["site"] != "YouTube",
                                       _reverse(str(video.get("published_at") or ""))))
    best = candidates[0]
    return Trailer(best["site"], str(best["key"]), str(best.get("name") or ""))


def _reverse(text: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in text)


@dataclass
class TitlePage:
    item: Any  # MediaDetails from TMDb, or the stored MediaItem when TMDb is down
    tags: list[IdentityTag]
    region: str
    rating: widgets.ShownRating | None
    providers: dict
    notes: list[ContentNote]
    avoided_topics: list[ContentNote]
    above_cap: bool
    seasons: list[dict] = field(default_factory=list)
    trailer: Trailer | None = None
    more_like_this: list[browse.Title] = field(default_factory=list)
    stored: bool = False
    shown_once: bool = False
    note_text: str = ""  # a curator's own words about the title, when a sync stored it

    @property
    def withheld(self) -> bool:
        """True when the member's preferences keep this title's poster and details out of sight,
        unless they asked to see it this once."""
        return (bool(self.avoided_topics) or self.above_cap) and not self.shown_once

    @property
    def genre_planet(self) -> IdentityTag | None:
        """The planet whose browse a genre chip opens: the first identity the title carries."""
        return self.tags[0] if self.tags else None

    @property
    def tmdb_url(self) -> str:
        return f"https://www.themoviedb.org/{self.item.media_type}/{self.item.tmdb_id}"

    @property
    def imdb_url(self) -> str | None:
        return f"https://www.imdb.com/title/{self.item.imdb_id}/" if self.item.imdb_id else None


def _fetch(client, media_type: str, tmdb_id: int) -> dict:
    fetch = client.movie_details if media_type == "movie" else client.tv_details
    return fetch(tmdb_id, append=TITLE_APPEND[media_type])


def title_page(client, media_type: str, tmdb_id: int, preferences: Preferences, *, region: str,
               show_once: bool = False) -> TitlePage:
    """Any title TMDb knows; NotFound for unknown ids and adult titles, stored facts when TMDb is down.

    `show_once` shows a title the preferences withhold, for this one answer: never remembered.
    """
    try:
        payload = _fetch(client, media_type, tmdb_id)
    except TmdbValidationError:
        raise widgets.NotFound(gettext("No title with TMDb id %(id)d.", id=tmdb_id)) from None
    except TmdbNotFoundError:
        # TMDb dropped it (or never had it): what a sync stored may still be shown, else a 404.
        return _stored_page(media_type, tmdb_id, preferences, region, show_once, missing=True)
    except TmdbError:
        return _stored_page(media_type, tmdb_id, preferences, region, show_once)
    details = normalize_details(media_type, payload, region=region)
    if details.adult:
        raise widgets.NotFound(gettext("No title with TMDb id %(id)d.", id=tmdb_id))
    keyword_ids = {int(keyword["id"]) for keyword in details.keywords if "id" in keyword}
    rating = _rating(client, media_type, details.certifications, region)
    regional = details.providers.get(region)
    stored = _stored_item(media_type, tmdb_id)
    curated = stored.curated_notes if stored is not None else None
    notes = notes_from_keywords(details.keywords)
    if stored is not None:
        notes |= title_notes(stored)
    return TitlePage(
        # Cast as plain mappings, the shape stored titles have, so every reader takes either.
        item=dataclasses.replace(details, cast=[dataclasses.asdict(member) for member in details.cast]),
        tags=_tags_carrying(keyword_ids),
        region=region,
        rating=rating,
        providers=dataclasses.asdict(regional) if regional else {},
        notes=in_panel_order(notes),
        avoided_topics=in_panel_order(notes & preferences.avoid_topics),
        above_cap=not preferences.age_allowed(rating.age if rating else None),
        shown_once=show_once,
        note_text=curated.text if curated else "",
        seasons=_seasons(payload),
        trailer=official_trailer(payload.get("videos")),
        more_like_this=_more_like_this(client, payload, media_type, preferences, region),
    )


def _rating(client, media_type: str, certifications: dict[str, str],
            region: str) -> widgets.ShownRating | None:
    """The rating the member goes by (their region's, else the US one), read as an age."""
    ratings = maturity.ratings_by_country(certifications, discovery.age_table(client, media_type))
    found = maturity.rating_for_region(ratings, region)
    if found is None:
        return None
    country, rating = found
    return widgets.ShownRating(country, rating["rating"], rating.get("age"))


def _stored_item(media_type: str, tmdb_id: int) -> MediaItem | None:
    """The title as a sync stored it, for the notes curators attached to it."""
    return db.session.scalar(
        select(MediaItem).where(MediaItem.media_type == media_type, MediaItem.tmdb_id == tmdb_id)
    )


def _stored_page(media_type: str, tmdb_id: int, preferences: Preferences, region: str, show_once: bool,
                 *, missing: bool = False) -> TitlePage:
    try:
        view = widgets.title_details(media_type, tmdb_id, preferences, region=region, show_once=show_once)
    except widgets.NotFound:
        if missing:
            raise
        raise TitleUnavailable(gettext("TMDb is not answering for this title right now.")) from None
    return TitlePage(
        item=view.item, tags=view.tags, region=region, rating=view.rating, providers=view.providers,
        notes=view.notes, avoided_topics=view.avoided_topics, above_cap=view.above_cap, stored=not missing,
        shown_once=show_once, note_text=view.note_text,
    )


def _tags_carrying(keyword_ids: set[int]) -> list[IdentityTag]:
    tags = db.session.scalars(select(IdentityTag).order_by(IdentityTag.feature_position, IdentityTag.name))
    return [tag for tag in tags if keyword_ids & set(tag.keyword_ids or [])]


def _seasons(payload: dict) -> list[dict]:
    seasons = payload.get("seasons") if isinstance(payload.get("seasons"), list) else []
    return [
        {"name": str(season.get("name") or ""), "episodes": season.get("episode_count"),
         "air_date": str(season.get("air_date") or "")[:4]}
        for season in seasons if isinstance(season, dict)
    ]


def _identity_keyword_ids() -> set[int]:
    return {keyword_id for tag in browse.identity_tags() for keyword_id in tag.keyword_ids or []}


def _more_like_this(client, payload: dict, media_type: str, preferences: Preferences,
                    region: str) -> list[browse.Title]:
    """TMDb's recommendations that carry an identity keyword and pass the member's filters."""
    part = payload.get("recommendations") if isinstance(payload.get("recommendations"), dict) else {}
    found = [browse.title_from_result(result, media_type) for result in part.get("results") or []]
    candidates = [title for title in found if title is not None and not title.adult][:RECOMMENDATIONS_CHECKED]
    browse.fill_from_store(candidates)
    with contextlib.suppress(TmdbError):  # titles left unknown drop out below: none shows unchecked
        browse.hydrate_missing(client, candidates)
    identity = _identity_keyword_ids()
    kept = [
        title for title in candidates
        if title.keyword_ids is not None and title.keyword_ids & identity
        and browse.passes(title, preferences, region)
    ]
    browse.badge(kept)
    return kept

