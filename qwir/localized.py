"""TMDb's text and our tags' text in the member's language, with the English fallback marked.

TMDb has no fallback of its own: a French overview nobody wrote comes back empty. The English text
is shown then, wrapped in `lang="en"` so screen readers switch voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale
from flask import g
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape
from sqlalchemy import select

from qwir.extensions import db
from qwir.models import GenreName

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Text:
    """Text to show; `lang` is set when it is not in the page's language."""

    text: str
    lang: str | None = None

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> str:
        if self.lang and self.text:
            return Markup('<span lang="{}">{}</span>').format(self.lang, self.text)
        return str(escape(self.text))


def page_language() -> str:
    return str(get_locale() or FALLBACK_LANGUAGE)


def _translated(translations: dict[str, Any] | None, language: str, field: str) -> str:
    return str(((translations or {}).get(language) or {}).get(field) or "")


def localized(record: Any, field: str) -> Text:
    """A media item's title, overview or tagline, or a tag's name or description, in the page's language.

    The record's own column holds the English text; `translations` holds the others.
    """
    language = page_language()
    translated = _translated(record.translations, language, field)
    if translated:
        return Text(translated)
    english = _translated(record.translations, FALLBACK_LANGUAGE, field) or str(getattr(record, field) or "")
    return Text(english, None if language == FALLBACK_LANGUAGE else FALLBACK_LANGUAGE)


def original_title(item: Any) -> Text | None:
    """The original title in its own language, when it differs from the title shown."""
    shown = localized(item, "title").text
    if not item.original_title or item.original_title == shown:
        return None
    return Text(item.original_title, item.original_language or None)


def genre_label(genre: dict[str, Any]) -> Text:
    """A genre's name from TMDb's list in the page's language, else the stored English name."""
    names = _genre_names(page_language())
    name = names.get(genre.get("id"))
    if name:
        return Text(name)
    language = page_language()
    return Text(str(genre.get("name") or ""), None if language == FALLBACK_LANGUAGE else FALLBACK_LANGUAGE)


def _genre_names(language: str) -> dict[int, str]:
    """Genre id -> name in `language`, read once per request."""
    cached = g.setdefault("genre_names", {})
    if language not in cached:
        rows = db.session.execute(
            select(GenreName.genre_id, GenreName.name).where(GenreName.language == language)
            .order_by(GenreName.media_type.desc())  # "tv" first, so film names win on shared ids
        )
        cached[language] = dict(rows.all())
    return cached[language]


def rating_of(item: Any):
    """The rating a card shows: the member's country's, else the US one."""
    from qwir.i18n import member_region
    from qwir.widgets import shown_rating

    return shown_rating(item, member_region())


def spotlight_title(tag: Any, media_type: str) -> str:
    """A spotlight's heading in the page's language: "Lesbienne : films", "Queer series spotlight"."""
    name = localized(tag, "name").text
    if media_type == "tv":
        return gettext("%(tag)s series spotlight", tag=name)
    return gettext("%(tag)s spotlight", tag=name)


def region_name(code: str) -> str:
    """A country's name in the page's language ("Royaume-Uni" for GB in French)."""
    return Locale.parse(page_language()).territories.get(code, code)


def jinja_globals() -> dict[str, Any]:
    return {"localized": localized, "original_title": original_title, "genre_label": genre_label,
            "rating_of": rating_of, "region_name": region_name, "spotlight_title": spotlight_title}
