"""The starting set of identity tags: names, slugs, TMDb keyword names, themes and feed order.

Each keyword name is checked against `../shared/demo-facts/keywords.json`, which says where a
name was seen: TMDb datasets of 2017, TMDb's keyword search of June 2022 (page 1 of the queries
lgbt, gay, lesbian, transgender, bisexual, intersex, queer, genderqueer, non-binary, gender,
asexual) and a 2026 cross-check. A name seen in 2022 or 2026 is live; a name seen only in 2017 is
dropped where the 2022 searches would have shown it, since TMDb renames and merges keywords.
Resolution keeps every id a name has, so an old 2017 id and its live successor both count and the
demo catalog (2017 ids) and real TMDb (today's ids) fill the same lists. The spotlight health page
names every keyword that resolves to nothing.
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
    SeedTag("queer", "Queer", "aurora", (
        "queer",  # 192761 (2017) and 250606 (2022): the umbrella word itself
        "lgbt",  # 158718, the same id in 2017, 2022 and 2026: TMDb's most used LGBTQ keyword
        "lgbtq+",  # 296739 (2022)
        "lgbtqia+",  # 296795 (2022)
        "queer cinema",  # 193410 (2017) and 285550 (2022): films about queer film-making
        "lgbt interest",  # 266959 (2022): the broad label TMDb now uses for LGBTQ-interest titles
    ), "The wide-open umbrella: stories from across the LGBTQ+ spectrum, loud, tender and strange.",
            ("Queer",
             "Le grand parapluie : des histoires venues de tout "
             "le spectre LGBTQ+, bruyantes, tendres et étranges.")),
    SeedTag("trans", "Trans", "dawn", (
        "transgender",  # 17975 (2017) and 290527 (2022, a complete page of three results)
        "transgender character",  # 288989 (2022): a trans character, not only a trans theme
        # "transsexuality" and "trans man" were seen only in 2017: dropped.
    ), "Trans lives on screen: becoming, belonging, and everything that happens after.",
            ("Trans",
             "Des vies trans à l'écran : devenir soi, "
             "trouver sa place, et tout ce qui vient après.")),
    SeedTag("lesbian", "Lesbian", "sunset", (
        "lesbian",  # 10768 (2017) and 264386 (2022, still current in 2026)
        "lesbian relationship",  # 9833, the same id in 2017, 2022 and 2026
        "lesbian romance",  # two live ids under one name: 249665 (2022) and 319872 (2026)
    ), "Women who love women, from slow-burn period romance to messy modern heartbreak.",
            ("Lesbienne",
             "Des femmes qui aiment des femmes, de la romance "
             "d'époque qui couve lentement aux chagrins d'amour d'aujourd'hui.")),
    SeedTag("gay", "Gay", "lagoon", (
        "gay",  # 237 (2017) and 264384 (2022)
        "gay theme",  # 258533 (2022): TMDb's label for films about gay life
        "gay romance",  # 282983 (2022)
        "gay youth",  # 247821 (2022): coming-of-age stories
        # "gay relationship" and "gay man" were seen only in 2017: dropped.
    ), "Men who love men: first kisses, chosen families and the long road to pride.",
            ("Gay",
             "Des hommes qui aiment des hommes : premiers "
             "baisers, familles choisies et long chemin vers la fierté.")),
    SeedTag("bisexual", "Bisexual", "twilight", (
        "bisexual",  # 154937 (2017) and 293284 (2022, a complete page of five results)
        "bisexuality",  # 3183, the same id in 2017 and 2022
        "bisexual woman",  # 178316 (2017) and 287417 (2022)
        "bisexual man",  # 168812, the same id in 2017 and 2022
        "bisexual male lead",  # 283117 (2022)
    ), "Attraction beyond one gender, told without the usual punchlines.",
            ("Bi",
             "L'attirance au-delà d'un seul genre, "
             "racontée sans les blagues habituelles.")),
    SeedTag("pansexuality", "Pansexuality", "solar", (
        # Neither name appears in our facts: kept because they are the identity's own words,
        # and the health page says plainly when TMDb has no such keyword.
        "pansexual",
        "pansexuality",
        "gender identity",  # 210039 (2017 and 2022): attraction that looks past gender
        # "bisexuality" made this list a copy of Bisexual, and "sexual identity" was seen only in 2017.
    ), "Love that looks past gender altogether, and the stories circling that freedom.",
            ("Pansexualité",
             "Un amour qui regarde au-delà du genre, et les "
             "histoires qui gravitent autour de cette liberté.")),
    SeedTag("asexual", "Asexual", "nebula", (
        "asexuality",  # 247099: the only keyword TMDb's 2022 search for "asexual" returned
        # "asexual" and "aromantic" matched no keyword in any source: dropped until TMDb has them.
    ), "Ace and aro perspectives: intimacy, friendship and desire on their own terms.",
            ("Asexuel·le",
             "Des regards ace et aro : l'intimité, "
             "l'amitié et le désir selon leurs propres règles.")),
    SeedTag("non-binary", "Non-binary", "comet", (
        "non-binary",  # 252909 (2022)
        "genderqueer",  # 266529 (2022)
        "gender identity",  # 210039 (2017 and 2022)
    ), "Outside the binary and at home there: genderqueer and non-binary stories.",
            ("Non-binaire",
             "Hors de la binarité, et bien chez soi : "
             "des histoires genderqueer et non binaires.")),
    SeedTag("drag", "Drag", "glitter", (
        # All three were seen only in 2017, but no 2022 search asked for "drag", so nothing says
        # they are gone: kept, and the health page flags any that TMDb no longer has.
        "drag queen",  # 824 (2017)
        "drag kings",  # 199911 (2017)
        "drag",  # 171636 (2017)
    ), "Wigs, heels, stubble and spotlight: the art, the families and the fights of drag.",
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
