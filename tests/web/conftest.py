"""Member-side fixtures: a small catalog inserted row by row, with the cases the safety filters meet."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from qwir.catalog import hide_item
from qwir.extensions import db
from qwir.models import IdentityTag, MediaItem, MediaList, MediaListItem

GENERATED_AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
SUICIDE = {"id": 236, "name": "suicide"}
HOMOPHOBIA = {"id": 1013, "name": "homophobia"}
LESBIAN = {"id": 264386, "name": "lesbian"}
DRAMA = {"id": 18, "name": "Drama"}
COMEDY = {"id": 35, "name": "Comedy"}


def make_item(tmdb_id: int, title: str, *, media_type="movie", year=2010, **fields) -> MediaItem:
    fields.setdefault("genres", [DRAMA])
    fields.setdefault("keywords", [LESBIAN])
    fields.setdefault("certification", "PG-13" if media_type == "movie" else "TV-14")
    fields.setdefault("poster_path", f"/poster-{tmdb_id}.svg")
    return MediaItem(
        media_type=media_type,
        tmdb_id=tmdb_id,
        title=title,
        year=year,
        release_date=dt.date(year, 6, 1),
        vote_average=fields.pop("vote_average", 7.0),
        **fields,
    )


def make_list(tag: IdentityTag, items: list[MediaItem], media_type: str = "movie") -> MediaList:
    kind = "series" if media_type == "tv" else "films"
    media_list = MediaList(
        slug=tag.list_slug(media_type),
        title=f"{tag.name} {kind} spotlight",
        tag=tag,
        media_type=media_type,
        generated_at=GENERATED_AT,
    )
    for position, item in enumerate(items):
        media_list.entries.append(MediaListItem(item=item, position=position))
        item.tags.append(tag)
    db.session.add(media_list)
    return media_list


class Catalog:
    """Handles to the rows a test may change; `refresh()` reloads them after a request."""

    def __init__(self, queer: IdentityTag, trans: IdentityTag, movies: MediaList, series: MediaList):
        self.queer_id, self.trans_id = queer.id, trans.id
        self.movie_slug, self.series_slug = movies.slug, series.slug
        self.trans_slug = trans.list_slug("movie")

    @staticmethod
    def list(slug: str) -> MediaList:
        return db.session.scalar(db.select(MediaList).where(MediaList.slug == slug))

    @staticmethod
    def item(tmdb_id: int, media_type: str = "movie") -> MediaItem:
        return db.session.scalar(
            db.select(MediaItem).where(MediaItem.tmdb_id == tmdb_id, MediaItem.media_type == media_type)
        )

    def hide(self, tmdb_id: int) -> None:
        """Hide a title the way curators do, through the write side."""
        hide_item(self.list(self.movie_slug), self.item(tmdb_id))

    def touch(self, slug: str) -> None:
        self.list(slug).generated_at = GENERATED_AT + dt.timedelta(hours=1)
        db.session.commit()


@pytest.fixture
def app_config(app_config):
    """The feed features spotlights from three titles here, so the three-series list shows."""
    return {**app_config, "FEED_MIN_TITLES": 3}


@pytest.fixture
def catalog(app) -> Catalog:
    """Queer has 16 films (a <script> title, then one with suicide; one adult and one R last) and 3 series;
    Trans is featured but has no list yet; Drag is not featured."""
    with app.app_context():
        queer = IdentityTag(slug="queer", name="Queer", description="Stories across the spectrum.",
                            keyword_names=["lgbt"], theme="nebula", feature_position=1)
        trans = IdentityTag(slug="trans", name="Trans", keyword_names=["transgender"], theme="dawn",
                            feature_position=2)
        drag = IdentityTag(slug="drag", name="Drag", keyword_names=["drag"], featured=False)
        db.session.add_all([queer, trans, drag])
        db.session.flush()
        films = [
            make_item(2004, "<script>alert(1)</script>", genres=[COMEDY], poster_path=None),
            make_item(2002, "Hard Goodbyes", keywords=[LESBIAN, SUICIDE], genres=[DRAMA]),
        ]
        films += [make_item(1000 + n, f"Film {n:02d}", year=1990 + n * 2) for n in range(12)]
        films += [
            make_item(2001, "Adult Feature", adult=True),
            make_item(2003, "Rated Restricted", certification="R", genres=[COMEDY]),
        ]
        movies = make_list(queer, films)
        shows = [make_item(3000 + n, f"Series {n}", media_type="tv", year=2015 + n) for n in range(3)]
        shows[2].certification = "TV-MA"
        shows[2].keywords = [LESBIAN, HOMOPHOBIA]
        series = make_list(queer, shows, media_type="tv")
        db.session.commit()
        return Catalog(queer, trans, movies, series)


@pytest.fixture
def csrf_client(app_config, tmp_path, monkeypatch):
    """A client on an app with CSRF protection on, as in production."""
    from qwir import create_app

    config = {**app_config, "WTF_CSRF_ENABLED": True, "INSTANCE_PATH": str(tmp_path / "csrf-instance")}
    app = create_app(config)
    with app.app_context():
        db.create_all()
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def hx(**headers) -> dict:
    """Headers of a plain htmx request."""
    return {"HX-Request": "true", **headers}
