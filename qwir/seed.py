"""The starting set of identity tags: names, slugs, TMDb keyword names, themes and feed order.

Keyword names are chosen to resolve both on real TMDb and in the sandbox's catalog; where TMDb
has little for an identity, a close neighbour is listed after the exact names so the planet is
not empty on a first run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qwir.extensions import db
from qwir.models import IdentityTag


@dataclass(frozen=True)
class SeedTag:
    slug: str
    name: str
    theme: str
    keyword_names: tuple[str, ...]
    description: str
    french: tuple[str, str] = ("", "")  # name and description in French


SEED_TAGS = (
    SeedTag("queer", "Queer", "aurora",
            ("queer", "lgbt", "lgbtq+", "lgbtqia+", "queer cinema"),
            "The wide-open umbrella: stories from across the LGBTQ+ spectrum, loud, tender and strange.",
            ("Queer",
             "Le grand parapluie : des histoires venues de tout "
             "le spectre LGBTQ+, bruyantes, tendres et étranges.")),
    SeedTag("trans", "Trans", "dawn",
            ("transgender", "trans woman", "trans man", "transsexuality", "transgender character"),
            "Trans lives on screen: becoming, belonging, and everything that happens after.",
            ("Trans",
             "Des vies trans à l'écran : devenir soi, "
             "trouver sa place, et tout ce qui vient après.")),
    SeedTag("lesbian", "Lesbian", "sunset",
            ("lesbian", "lesbian relationship", "lesbian romance"),
            "Women who love women, from slow-burn period romance to messy modern heartbreak.",
            ("Lesbienne",
             "Des femmes qui aiment des femmes, de la romance "
             "d'époque qui couve lentement aux chagrins d'amour d'aujourd'hui.")),
    SeedTag("gay", "Gay", "lagoon",
            ("gay", "gay relationship", "gay man", "gay romance"),
            "Men who love men: first kisses, chosen families and the long road to pride.",
            ("Gay",
             "Des hommes qui aiment des hommes : premiers "
             "baisers, familles choisies et long chemin vers la fierté.")),
    SeedTag("bisexual", "Bisexual", "twilight",
            ("bisexual", "bisexuality", "bisexual woman", "bisexual man"),
            "Attraction beyond one gender, told without the usual punchlines.",
            ("Bi",
             "L'attirance au-delà d'un seul genre, "
             "racontée sans les blagues habituelles.")),
    SeedTag("pansexuality", "Pansexuality", "solar",
            ("pansexual", "pansexuality", "bisexuality", "sexual identity"),
            "Love that looks past gender altogether, and the stories circling that freedom.",
            ("Pansexualité",
             "Un amour qui regarde au-delà du genre, et les "
             "histoires qui gravitent autour de cette liberté.")),
    SeedTag("asexual", "Asexual", "nebula",
            ("asexuality", "asexual", "aromantic"),
            "Ace and aro perspectives: intimacy, friendship and desire on their own terms.",
            ("Asexuel·le",
             "Des regards ace et aro : l'intimité, "
             "l'amitié et le désir selon leurs propres règles.")),
    SeedTag("non-binary", "Non-binary", "comet",
            ("non-binary", "genderqueer", "gender identity"),
            "Outside the binary and at home there: genderqueer and non-binary stories.",
            ("Non-binaire",
             "Hors de la binarité, et bien chez soi : "
             "des histoires genderqueer et non binaires.")),
    SeedTag("drag", "Drag", "glitter",
            ("drag queen", "drag kings", "drag"),
            "Wigs, heels, stubble and spotlight: the art, the families and the fights of drag.",
            ("Drag",
             "Perruques, talons, barbe de trois jours et "
             "projecteurs : l'art, les familles et les combats du drag.")),
)


def seed_tags() -> tuple[list[IdentityTag], list[IdentityTag]]:
    """Create the seed tags, or bring existing ones back to the seed; returns (created, updated).

    Re-running is harmless: a tag whose keyword names changed forgets its resolved ids so the next
    sync resolves them again; curator settings outside the seed's fields are left alone.
    """
    created, updated = [], []
    existing = {t.slug: t for t in db.session.scalars(select(IdentityTag))}
    for position, seed in enumerate(SEED_TAGS, start=1):
        tag = existing.get(seed.slug)
        if tag is None:
            tag = IdentityTag(slug=seed.slug, media_types=["movie", "tv"], featured=True)
            db.session.add(tag)
            created.append(tag)
            _apply(tag, seed, position)
        elif _apply(tag, seed, position):
            updated.append(tag)
    db.session.commit()
    return created, updated


def _apply(tag: IdentityTag, seed: SeedTag, position: int) -> bool:
    """Set the seed's fields on `tag`; True when anything differed."""
    french_name, french_description = seed.french
    wanted = {"name": seed.name, "theme": seed.theme, "description": seed.description,
              "keyword_names": list(seed.keyword_names), "feature_position": position * 10,
              "translations": {"fr": {"name": french_name, "description": french_description}}}
    changed = {name: value for name, value in wanted.items() if getattr(tag, name) != value}
    if "keyword_names" in changed:
        tag.keyword_ids, tag.keywords_resolved_at = [], None
    for name, value in changed.items():
        setattr(tag, name, value)
    return bool(changed)
