"""Content notes: one fixed, translatable vocabulary for what a member may avoid and what a title carries.

A title carries a note when a curator attached it, or when one of its TMDb keywords names it.
Keywords are matched by name (TMDb's ids for the same words have changed over the years), and
the names come from the `safety` and `lgbtq_explicit` groups of the demo facts plus the words
TMDb uses for the LGBTQ-specific harms. Identity keywords (lesbian, gay, transgender, ...) are
deliberately absent from every note: being queer is never a content warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext


@dataclass(frozen=True)
class ContentNote:
    """A note shown on title pages and in the preferences panel, and the TMDb keyword names that signal it."""

    slug: str
    label: str
    hint: str
    keyword_names: frozenset[str]


def _names(*names: str) -> frozenset[str]:
    return frozenset(name.casefold() for name in names)


CONTENT_NOTES: tuple[ContentNote, ...] = (
    ContentNote(
        "queer-character-dies",
        lazy_gettext('A queer character dies ("bury your gays")'),
        lazy_gettext("The death of an LGBTQ+ character, the trope where they rarely get a happy ending."),
        _names("bury your gays", "dead lesbian syndrome", "death of gay character",
               "death of lesbian character"),
    ),
    ContentNote(
        "conversion-therapy",
        lazy_gettext("Conversion therapy"),
        lazy_gettext("Attempts to change someone's sexuality or gender identity."),
        _names("conversion therapy", "gay conversion therapy", "reparative therapy", "ex-gay",
               "ex-gay movement"),
    ),
    ContentNote(
        "outing",
        lazy_gettext("Outing"),
        lazy_gettext("Someone's sexuality or gender identity revealed against their will."),
        _names("outing", "forced outing", "outed"),
    ),
    ContentNote(
        "anti-lgbtq-violence",
        lazy_gettext("Homophobic or transphobic violence"),
        lazy_gettext("Homophobia, transphobia, hate crimes, slurs, bashing."),
        _names("homophobia", "homophobic", "homophobe", "transphobia", "transphobic", "biphobia",
               "lesbophobia", "hate crime", "gay bashing", "gay slur", "anti gay"),
    ),
    ContentNote(
        "sexual-violence",
        lazy_gettext("Sexual violence and abuse"),
        lazy_gettext("Rape, sexual abuse, harassment, abuse of children."),
        _names("rape", "sexual abuse", "gang rape", "sexual violence", "rape of a male", "lesbian rape",
               "sexual murder", "sexual harassment", "pedophilia", "child molestation", "child abuse"),
    ),
    ContentNote(
        "suicide-self-harm",
        lazy_gettext("Suicide and self-harm"),
        lazy_gettext("Suicide, suicide attempts, self-harm, eating disorders."),
        _names("suicide", "suicide attempt", "suicidal", "self mutilation", "self-harm", "self harm",
               "eating disorder"),
    ),
    ContentNote(
        "deadnaming-misgendering",
        lazy_gettext("Deadnaming or misgendering"),
        lazy_gettext("A trans or non-binary person called by a former name or the wrong gender."),
        _names("deadnaming", "deadname", "misgendering", "misgender"),
    ),
    ContentNote(
        "explicit-sex",
        lazy_gettext("Explicit sex and nudity"),
        lazy_gettext("Sex scenes, nudity, erotica, pornography, BDSM."),
        _names("sex", "nudity", "female nudity", "male nudity", "erotic movie", "eroticism", "masturbation",
               "pornography", "sex scene", "sadomasochism", "bdsm", "explicit sex", "softcore",
               "erotic thriller", "group sex", "porn actor", "porn actress", "erotica", "porn industry",
               "pornographic video", "cartoon sex", "internet porn", "erotic", "unsimulated sex",
               # The LGBTQ-specific keywords that tag sexual content.
               "lesbian sex", "gay sex", "gay erotica", "queer porn"),
    ),
    ContentNote(
        "sex-work",
        lazy_gettext("Sex work"),
        lazy_gettext("Prostitution and sex workers."),
        _names("prostitution", "sex worker"),
    ),
    ContentNote(
        "incest",
        lazy_gettext("Incest"),
        lazy_gettext("Incest within families."),
        _names("incest", "brother sister incest", "aunt nephew incest", "sister sister incest"),
    ),
    ContentNote(
        "violence",
        lazy_gettext("Graphic violence and abuse"),
        lazy_gettext("Murder, torture, gore, domestic violence, bullying."),
        _names("murder", "violence", "gore", "torture", "domestic violence", "abuse", "bullying"),
    ),
    ContentNote(
        "drug-use",
        lazy_gettext("Drug use"),
        lazy_gettext("Drug addiction and drug abuse."),
        _names("drug addiction", "drug abuse"),
    ),
)

NOTES_BY_SLUG: dict[str, ContentNote] = {note.slug: note for note in CONTENT_NOTES}
MAX_NOTE_TEXT = 280


def notes_from_keywords(keywords: Iterable[dict]) -> frozenset[str]:
    """The notes a title's TMDb keywords (`[{id, name}]`) signal, by keyword name."""
    names = {str(keyword.get("name", "")).strip().casefold() for keyword in keywords or []}
    return frozenset(note.slug for note in CONTENT_NOTES if note.keyword_names & names)


def title_notes(item) -> frozenset[str]:
    """Every note a title carries: from its TMDb keywords and from curators."""
    curated = item.curated_notes.notes if item.curated_notes else []
    return notes_from_keywords(item.keywords) | frozenset(slug for slug in curated if slug in NOTES_BY_SLUG)


def in_panel_order(slugs: Iterable[str]) -> list[ContentNote]:
    wanted = set(slugs)
    return [note for note in CONTENT_NOTES if note.slug in wanted]
