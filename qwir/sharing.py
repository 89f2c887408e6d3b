"""What a page tells link unfurlers and search engines: titles, descriptions, absolute URLs, images,
language alternates, feed and oEmbed discovery, and JSON-LD. Templates call the `share_for_*` globals.

While discreet mode is on, every text here that could leave the screen (previews, the shared text)
is neutral: no identity name, no identity colours, no posters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _

from qwir import share_cards, spotlights, widgets
from qwir.preferences import load_preferences
from qwir.share_images import HEIGHT, WIDTH
from qwir.urls import public_url, public_url_for

SITE_NAME = "Qwir"
OG_LOCALES = {"en": "en_US", "fr": "fr_FR"}
DESCRIPTION_LENGTH = 200
# TMDb's sizes used as previews, and their pixel sizes.
LIVE_BACKDROP = ("w1280", 1280, 720)
LIVE_POSTER = ("w780", 780, 1170)
SANDBOX_POSTER_WIDTH = 500


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int
    height: int
    alt: str
    mime: str = "image/png"


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    url: str


@dataclass(frozen=True)
class FeedLink:
    title: str
    url: str


@dataclass
class ShareMeta:
    """One page's preview: `share_text` is what the share button hands to the share sheet."""

    title: str
    description: str
    image: ShareImage
    canonical: str
    alternates: list[Alternate]
    og_type: str = "website"
    share_text: str = ""
    feeds: list[FeedLink] = field(default_factory=list)
    oembed: str | None = None
    json_ld: dict | None = None
    site_name: str = SITE_NAME

    @property
    def locale(self) -> str:
        return OG_LOCALES.get(str(get_locale()), str(get_locale()))

    @property
    def locale_alternates(self) -> list[str]:
        return [og for code, og in OG_LOCALES.items() if og != self.locale and code in _locales()]


def _locales() -> tuple[str, ...]:
    return tuple(current_app.config.get("QWIR_LOCALES") or ("en",))


def _discreet() -> bool:
    return load_preferences().discreet


def _page_urls(**kept) -> tuple[str, list[Alternate]]:
    """This page's canonical URL in the current language, and one alternate per language (+ x-default)."""
    endpoint, args = request.endpoint, {**(request.view_args or {}), **kept}
    alternates = [Alternate(code, public_url_for(endpoint, **args, lang=code)) for code in _locales()]
    alternates.append(Alternate("x-default", public_url_for(endpoint, **args)))
    return public_url_for(endpoint, **args, lang=str(get_locale())), alternates


def _card_image(source: share_cards.CardSource, endpoint: str, alt: str, **values) -> ShareImage:
    url = public_url_for(endpoint, **values, lang=str(get_locale()), v=source.version)
    return ShareImage(url, WIDTH, HEIGHT, alt)


def _neutral(**kept) -> ShareMeta:
    canonical, alternates = _page_urls(**kept)
    title = _("Film notes")
    image = _card_image(share_cards.neutral_source(), "sharing.neutral_image", title)
    return ShareMeta(title, _("Notes on films and series."), image, canonical, alternates, share_text=title)


def _shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def share_default(title: str) -> ShareMeta:
    """Any public page without its own preview (search, preferences): its title and the site card."""
    kept = {"q": request.args["q"]} if request.args.get("q") else {}
    if _discreet():
        return _neutral(**kept)
    canonical, alternates = _page_urls(**kept)
    image = _card_image(share_cards.site_source(), "sharing.site_image", _("Qwir spotlights"))
    description = _("Curated LGBTQ+ film and series spotlights: where to watch, in your language.")
    return ShareMeta(title, description, image, canonical, alternates, share_text=title)


def share_for_feed() -> ShareMeta:
    page = share_default(_("Spotlights for every one of us"))
    if not _discreet():
        page.description = _("Films and series chosen by identity, with where to watch them.")
    return page


def share_for_planet(planet: widgets.Planet) -> ShareMeta:
    if _discreet():
        return _neutral()
    tag = planet.tag
    canonical, alternates = _page_urls()
    title = _("%(name)s planet", name=tag.name)
    description = tag.description or _(
        "Films and series in the %(name)s spotlights, with where to watch them.", name=tag.name
    )
    image = _card_image(share_cards.planet_source(tag), "sharing.planet_image", title, slug=tag.slug)
    page = ShareMeta(title, _shorten(description), image, canonical, alternates, share_text=title)
    page.feeds = [_feed_link(media_list.title, media_list.slug) for media_list in tag.lists]
    if any(media_list.media_type == "movie" for media_list in tag.lists):  # what oEmbed embeds
        page.oembed = _oembed_link(public_url_for("pages.planet", slug=tag.slug))
    return page


def share_for_spotlight(spotlight: widgets.Carousel) -> ShareMeta:
    if _discreet():
        return _neutral()
    canonical, alternates = _page_urls()
    tag = spotlight.tag
    description = tag.description or _("A curated list of %(name)s titles, with where to watch them.",
                                       name=tag.name)
    image = _card_image(share_cards.spotlight_source(spotlight.slug), "sharing.spotlight_image",
                        spotlight.title, slug=spotlight.slug)
    page = ShareMeta(spotlight.title, _shorten(description), image, canonical, alternates,
                     share_text=spotlight.title)
    page.feeds = [_feed_link(spotlight.title, spotlight.slug)]
    page.oembed = _oembed_link(public_url_for("sharing.spotlight", slug=spotlight.slug))
    page.json_ld = spotlight_json_ld(spotlight, canonical)
    return page


def share_for_title(view: widgets.TitleView) -> ShareMeta:
    item = view.item
    title = f"{item.title} ({item.year})" if item.year else item.title
    canonical, alternates = _page_urls()
    json_ld = title_json_ld(view, canonical)
    if _discreet() or view.withheld:
        page = _neutral() if _discreet() else share_default(title)
        page.json_ld = None if _discreet() else json_ld
        return page
    description = item.overview or _("%(title)s on Qwir, with where to watch it.", title=item.title)
    page = ShareMeta(title, _shorten(description), _title_image(view), canonical, alternates,
                     og_type="video.tv_show" if item.media_type == "tv" else "video.movie", share_text=title)
    page.json_ld = json_ld
    return page


def _title_image(view: widgets.TitleView) -> ShareImage:
    """TMDb's backdrop (or poster) live; the demo poster drawn to PNG in the sandbox; else the site card."""
    item = view.item
    alt = _("Poster of %(title)s", title=item.title)
    if not share_cards.from_sandbox(item):
        path, (size, width, height) = (
            (item.backdrop_path, LIVE_BACKDROP) if item.backdrop_path else (item.poster_path, LIVE_POSTER)
        )
        if path:
            mime = "image/png" if path.endswith(".png") else "image/jpeg"
            base = item.image_base_url or widgets.LIVE_IMAGE_BASE_URL
            return ShareImage(f"{base}{size}{path}", width, height, alt, mime)
    elif item.poster_path:
        url = public_url_for("sharing.title_image", media_type=item.media_type, tmdb_id=item.tmdb_id)
        return ShareImage(url, SANDBOX_POSTER_WIDTH, SANDBOX_POSTER_WIDTH * 3 // 2, alt)
    return _card_image(share_cards.site_source(), "sharing.site_image", _("Qwir spotlights"))


def _feed_link(title: str, slug: str) -> FeedLink:
    url = public_url_for("sharing.spotlight_feed", slug=slug)
    return FeedLink(_("%(title)s (Atom feed)", title=title), url)


def _oembed_link(page_url: str) -> str:
    return public_url_for("sharing.oembed", url=page_url, format="json")


def title_url(item) -> str:
    return public_url_for("pages.title", media_type=item.media_type, tmdb_id=item.tmdb_id)


def title_json_ld(view: widgets.TitleView, canonical: str) -> dict:
    """schema.org Movie or TVSeries: name, date, director(s), actors, TMDb rating, poster, genres."""
    item = view.item
    people = lambda names: [{"@type": "Person", "name": name} for name in names]  # noqa: E731
    data = {
        "@context": "https://schema.org",
        "@type": "TVSeries" if item.media_type == "tv" else "Movie",
        "name": item.title,
        "url": canonical,
        "director": people(item.directors or []),
        "actor": people([member.get("name") for member in item.cast or [] if member.get("name")]),
        "genre": [genre.get("name") for genre in item.genres or [] if genre.get("name")],
    }
    if item.media_type == "tv":
        data["creator"] = data["director"]
    if item.release_date:
        data["datePublished" if item.media_type == "movie" else "startDate"] = item.release_date.isoformat()
    if item.vote_average and item.vote_count:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": round(item.vote_average, 1),
                                   "bestRating": 10, "worstRating": 0, "ratingCount": item.vote_count}
    if item.overview and not view.withheld:
        data["description"] = item.overview
    if not view.withheld:
        data["image"] = public_url(_title_image(view).url)
    return data


def spotlight_json_ld(spotlight: widgets.Carousel, canonical: str) -> dict:
    """schema.org ItemList in the curated order, positions from 1."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": spotlight.title,
        "url": canonical,
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "numberOfItems": len(spotlight.items),
        "itemListElement": [
            {"@type": "ListItem", "position": position, "url": title_url(item), "name": item.title}
            for position, item in enumerate(spotlight.items, start=1)
        ],
    }


def init_app(app: Flask) -> None:
    for builder in (share_default, share_for_feed, share_for_planet, share_for_spotlight, share_for_title,
                    public_url_for):
        app.add_template_global(builder)
    app.add_template_filter(spotlights.atom_date)
