"""Discreet mode: opaque collection ids, neutral labels for identity tags, and the identity-word check.

While discreet mode is on, nothing on screen, in the tab or in the address bar may say what the
site is about. Identity tags become "Collection 3" (with their colour) and are addressed by an
opaque id such as `c3`; list slugs become `c3` (films) and `c3-series`. Every page resolves both
forms, so a link made while discreet mode was off still works after it is turned on, and back.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import gettext as _

from qwir.extensions import db
from qwir.localized import Text, localized
from qwir.models import IdentityTag
from qwir.validation import whole_number

OPAQUE_TAG = re.compile(r"^c(?P<id>\d{1,9})$")
OPAQUE_LIST = re.compile(r"^c(?P<id>\d{1,9})(?P<series>-series)?$")

# Words that say what a page is about, in English and French (the interface languages), matched
# whole-word and case-insensitively, plural and feminine forms included. Used to mask titles while
# discreet mode is on, and by the tests that read every visible text node.
IDENTITY_WORDS = (
    # English
    "queer", "queers", "gay", "gays", "lesbian", "lesbians", "lesbianism", "trans", "transgender",
    "transgenders", "transsexual", "transsexuals", "transsexuality", "bisexual", "bisexuals",
    "bisexuality", "pansexual", "pansexuals", "pansexuality", "asexual", "asexuals", "asexuality",
    "aromantic", "non-binary", "nonbinary", "genderqueer", "genderfluid", "intersex", "homosexual",
    "homosexuals", "homosexuality", "lgbt", "lgbtq", "lgbtq+", "lgbtqia", "lgbtqia+", "lgbtqi",
    "drag", "drag queen", "drag king", "two-spirit", "rupaul", "rupaul's", "qwir",
    # French
    "lesbienne", "lesbiennes", "transgenre", "transgenres", "transsexuel", "transsexuelle",
    "transsexuels", "transsexuelles", "bisexuel", "bisexuelle", "bisexuels", "bisexuelles",
    "bisexualité", "pansexuel", "pansexuelle", "pansexualité", "asexuel", "asexuelle",
    "asexualité", "aromantique", "non-binaire", "non binaire", "homosexuel", "homosexuelle",
    "homosexuels", "homosexuelles", "homosexualité", "intersexe", "lgbti", "lgbtqi+",
)


@functools.cache
def _identity_pattern() -> re.Pattern:
    """Compiled on first use: about a hundred alternatives take long enough to slow every start-up."""
    words = "|".join(re.escape(word) for word in sorted(IDENTITY_WORDS, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + words + r")(?![\w-]|\+)", re.IGNORECASE)


def has_identity_word(text: str | None) -> bool:
    """Does this text name an identity (in English or French)?"""
    return bool(text) and _identity_pattern().search(text) is not None


def identity_words_in(text: str) -> list[str]:
    """Every identity word found in the text, for tests and diagnostics."""
    return [match.group(0) for match in _identity_pattern().finditer(text)]


# ---------------------------------------------------------------- opaque ids


def opaque_tag_id(tag: IdentityTag) -> str:
    return f"c{tag.id}"


def opaque_list_id(tag: IdentityTag, media_type: str) -> str:
    return f"c{tag.id}-series" if media_type == "tv" else f"c{tag.id}"


def tag_from_opaque(key: str) -> IdentityTag | None:
    """The tag an opaque id (`c3`) names, or None when the key is not one."""
    match = OPAQUE_TAG.match(key)
    tag_id = whole_number(match["id"], low=1) if match else None
    return db.session.get(IdentityTag, tag_id) if tag_id else None


def list_slug_from_opaque(key: str) -> str | None:
    """The real list slug behind an opaque list id (`c3`, `c3-series`), or None."""
    match = OPAQUE_LIST.match(key)
    tag_id = whole_number(match["id"], low=1) if match else None
    tag = db.session.get(IdentityTag, tag_id) if tag_id else None
    if tag is None:
        return None
    return tag.list_slug("tv" if match["series"] else "movie")


# ---------------------------------------------------------------- labels and links


@dataclass(frozen=True)
class TagLabel:
    """How a page names and links a tag: its own name, or a neutral one while discreet."""

    label: Text | str  # the tag's name in the page's language, or the neutral one
    key: str
    url: str
    theme: str
    neutral: bool


def _discreet() -> bool:
    from qwir.preferences import load_preferences

    return load_preferences().discreet


def neutral_tag_name(tag: IdentityTag) -> str:
    return _("Collection %(num)d", num=tag.id)


def tag_label(tag: IdentityTag, discreet: bool | None = None) -> TagLabel:
    """The label and planet URL of a tag for this member: `Queer` at /planets/queer, or
    `Collection 1` at /planets/c1 while discreet mode is on."""
    neutral = _discreet() if discreet is None else discreet
    key = opaque_tag_id(tag) if neutral else tag.slug
    label = neutral_tag_name(tag) if neutral else localized(tag, "name")
    return TagLabel(label, key, url_for("pages.planet", slug=key), tag.theme or "default", neutral)


def list_label(tag: IdentityTag, media_type: str, title: str, discreet: bool | None = None) -> str:
    """A spotlight's heading: its stored title, or "Collection 1 · Films" while discreet."""
    if not (_discreet() if discreet is None else discreet):
        return title
    kind = _("Series") if media_type == "tv" else _("Films")
    return f"{neutral_tag_name(tag)} · {kind}"


def list_key(tag: IdentityTag, media_type: str, discreet: bool | None = None) -> str:
    """The slug to put in a spotlight's URLs: the real one, or the opaque id while discreet."""
    neutral = _discreet() if discreet is None else discreet
    return opaque_list_id(tag, media_type) if neutral else tag.list_slug(media_type)


def masks_title(item, discreet: bool | None = None) -> bool:
    """A title whose own name says what the site is about stays masked while discreet."""
    if not (_discreet() if discreet is None else discreet):
        return False
    names = (item.title, getattr(item, "original_title", None), localized(item, "title").text)
    return any(has_identity_word(name) for name in names)


def quick_exit_url() -> str:
    from flask import current_app

    return current_app.config["QWIR_QUICK_EXIT_URL"]


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        tag_label=tag_label,
        list_label=list_label,
        list_key=list_key,
        masks_title=masks_title,
        quick_exit_url=quick_exit_url,
    )
