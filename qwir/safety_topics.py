"""Named topics a member can choose to avoid, each a group of TMDb keyword ids.

The ids come from the `safety` and `lgbtq_explicit` groups of the demo facts (real TMDb keyword
ids). Identity keywords (lesbian, gay, transgender, ...) are deliberately absent from every topic:
being queer is never a content warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext


@dataclass(frozen=True)
class SafetyTopic:
    """A topic shown in the preferences panel and the TMDb keyword ids that signal it."""

    slug: str
    label: str  # translated lazily: it reads in the member's language when rendered
    hint: str
    keyword_ids: frozenset[int]


SAFETY_TOPICS: tuple[SafetyTopic, ...] = (
    SafetyTopic(
        "sexual-violence",
        lazy_gettext("Sexual violence and abuse"),
        lazy_gettext("Rape, sexual abuse, harassment, abuse of children."),
        frozenset({570, 739, 12365, 11534, 9627, 275267, 7098, 10850, 165615, 2337, 516}),
    ),
    SafetyTopic(
        "suicide-self-harm",
        lazy_gettext("Suicide and self-harm"),
        lazy_gettext("Suicide, suicide attempts, self-harm, eating disorders."),
        frozenset({236, 1252, 11258, 157791, 172383}),
    ),
    SafetyTopic(
        "anti-lgbtq-violence",
        lazy_gettext("Homophobic or transphobic violence"),
        lazy_gettext("Homophobia, transphobia, hate crimes, slurs, bashing."),
        frozenset({1013, 191225, 154903, 160335, 11137, 208799, 250048}),
    ),
    SafetyTopic(
        "explicit-sex",
        lazy_gettext("Explicit sex and nudity"),
        lazy_gettext("Sex scenes, nudity, erotica, pornography, BDSM."),
        frozenset(
            {
                572, 2483, 293, 255, 190370, 1664, 12420, 33451, 445, 18049, 6373, 158713, 156433,
                155477, 207767, 2426, 2727, 211279, 18321, 158436, 5593, 11214, 18314, 230346,
                # The four LGBTQ-specific keywords that tag sexual content.
                33998, 15135, 238059, 283935,
            }
        ),
    ),
    SafetyTopic(
        "sex-work",
        lazy_gettext("Sex work"),
        lazy_gettext("Prostitution and sex workers."),
        frozenset({13059, 190178}),
    ),
    SafetyTopic(
        "incest",
        lazy_gettext("Incest"),
        lazy_gettext("Incest within families."),
        frozenset({33841, 181531, 180861, 232441}),
    ),
    SafetyTopic(
        "violence",
        lazy_gettext("Graphic violence and abuse"),
        lazy_gettext("Murder, torture, gore, domestic violence, bullying."),
        frozenset({9826, 14819, 10292, 13006, 11925, 207691, 6733}),
    ),
    SafetyTopic(
        "drug-use",
        lazy_gettext("Drug use"),
        lazy_gettext("Drug addiction and drug abuse."),
        frozenset({1803, 726}),
    ),
)

TOPICS_BY_SLUG: dict[str, SafetyTopic] = {topic.slug: topic for topic in SAFETY_TOPICS}


def avoided_keyword_ids(topic_slugs: Iterable[str]) -> frozenset[int]:
    """Every keyword id covered by the given topics; unknown slugs are ignored."""
    ids: set[int] = set()
    for slug in topic_slugs:
        topic = TOPICS_BY_SLUG.get(slug)
        if topic:
            ids |= topic.keyword_ids
    return frozenset(ids)


def topics_touched(keyword_ids: Iterable[int], topic_slugs: Iterable[str]) -> list[SafetyTopic]:
    """The avoided topics that a title with these keywords touches, in panel order."""
    present = set(keyword_ids)
    wanted = set(topic_slugs)
    return [t for t in SAFETY_TOPICS if t.slug in wanted and t.keyword_ids & present]
