"""The seeded keyword names against demo-facts' record of where each name was seen."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from qwir.seed import SEED_TAGS

# No 2022 search asked for "drag", so its 2017 names were neither confirmed nor contradicted.
UNCONTRADICTED_2017_NAMES = {"drag queen", "drag kings", "drag"}


@pytest.fixture
def seen_in(shared_dir) -> dict[str, set[str]]:
    """Each keyword name (case-folded) with the years it was seen in."""
    years: dict[str, set[str]] = defaultdict(set)
    for keyword in json.loads((shared_dir / "demo-facts" / "keywords.json").read_text()):
        years[keyword["name"].casefold()] |= {source.rsplit("-", 1)[-1] for source in keyword["seen_in"]}
    return years


def seeded(slug: str) -> tuple[str, ...]:
    return next(tag.keyword_names for tag in SEED_TAGS if tag.slug == slug)


def test_no_seeded_name_was_seen_only_in_2017(seen_in):
    only_2017 = {name for tag in SEED_TAGS for name in tag.keyword_names
                 if seen_in.get(name.casefold()) == {"2017"}}
    assert only_2017 == UNCONTRADICTED_2017_NAMES


def test_live_names_missing_before_are_seeded(seen_in):
    assert "gay theme" in seeded("gay")
    assert {"2022"} <= seen_in["gay theme"]
    assert "lesbian romance" in seeded("lesbian")  # two ids, 2022 and 2026


def test_pansexuality_is_not_a_copy_of_bisexual():
    assert not set(seeded("pansexuality")) & set(seeded("bisexual"))


def test_the_asexual_tag_seeds_no_name_that_tmdb_never_had(seen_in):
    assert all(name in seen_in for name in seeded("asexual"))
