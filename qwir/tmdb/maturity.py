"""Maturity across countries: each country's certifications read as a minimum age, and age caps.

TMDb's `/certification/{movie,tv}/list` gives, per country, every certification with its meaning
and its `order` (mildest first, 0 for "not rated"). A cap means the same thing everywhere when it
is an age, so each certification is read as the youngest age it admits: from a short table of
named ratings ("PG", "TV-MA"), else from the certification itself when it names one ("12A",
"TV-14", "-16"), else from its meaning ("under 10", "all ages"), else from the milder certification
before it. Nothing here knows about Flask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FALLBACK_COUNTRY = "US"
REGION_CODE = re.compile(r"^[A-Z]{2}$")

# Ratings whose name holds no age, or a misleading one ("NC-17" admits only adults); letters that
# mean different things in different countries are left to the meaning.
NAMED_AGES: dict[str, int | None] = {
    "NR": None, "EXEMPT": None,
    "G": 0, "U": 0, "TP": 0, "AL": 0, "TV-Y": 0, "TV-G": 0,
    "PG": 8, "TV-PG": 10, "NC-17": 18, "TV-MA": 17,
}
# Where TMDb's meaning pins one country's rating to another age than the usual one.
COUNTRY_AGES: dict[tuple[str, str], int] = {("US", "PG"): 10, ("CA", "C"): 0}
ALL_AGES = re.compile(r"all ages|all audiences|no age restriction|tous publics", re.IGNORECASE)
UNDER_AGE = re.compile(r"(?:under|younger than|moins de)\s+(\d{1,2})", re.IGNORECASE)
FROM_AGE = re.compile(
    r"(\d{1,2})\s*(?:years)?\s*(?:of age)?\s*(?:or|and)\s+(?:older|over|above)", re.IGNORECASE
)
ADULTS_ONLY = re.compile(r"adults only|only adults|no youth", re.IGNORECASE)


AgeTable = dict[str, dict[str, int | None]]  # country -> certification -> age (None: unrated)


def normalize_region(value: Any) -> str | None:
    """An ISO 3166-1 country code, upper-cased; None for anything else."""
    code = value.strip().upper() if isinstance(value, str) else ""
    return code if REGION_CODE.match(code) else None


def age_of(country: str, certification: str | None, meaning: str = "") -> int | None:
    """The youngest age a certification admits; None when it is no rating or cannot be read."""
    name = (certification or "").strip().upper()
    if not name:
        return None
    if (country, name) in COUNTRY_AGES:
        return COUNTRY_AGES[(country, name)]
    if name in NAMED_AGES:
        return NAMED_AGES[name]
    digits = re.search(r"\d{1,2}", name)
    if digits:
        return int(digits.group())
    return _age_from_meaning(meaning)


def _age_from_meaning(meaning: str) -> int | None:
    for pattern in (UNDER_AGE, FROM_AGE):
        found = pattern.search(meaning or "")
        if found:
            return int(found.group(1))
    if ADULTS_ONLY.search(meaning or ""):
        return 18
    return 0 if ALL_AGES.search(meaning or "") else None


def age_table(certification_list: Mapping[str, Any] | None) -> AgeTable:
    """Per country, each certification's age, read from a `/certification/.../list` answer.

    Certifications are taken mildest first; one whose age cannot be read inherits the age of the
    milder one before it.
    """
    countries = (certification_list or {}).get("certifications") or {}
    table: AgeTable = {}
    for country, entries in countries.items():
        ranked = sorted((e for e in entries if isinstance(e, Mapping)), key=lambda e: e.get("order") or 0)
        ages: dict[str, int | None] = {}
        previous = 0
        for entry in ranked:
            name = str(entry.get("certification") or "").strip()
            if not name:
                continue
            if not entry.get("order"):
                ages[name] = None  # TMDb ranks "no rating" 0
                continue
            age = age_of(country, name, str(entry.get("meaning") or ""))
            previous = age if age is not None else previous
            ages[name] = previous
        table[country] = ages
    return table


def ratings_by_country(certifications: Mapping[str, str], table: AgeTable) -> dict[str, dict[str, Any]]:
    """{country: {"rating", "age"}} for every country a title is rated in."""
    return {
        country: {"rating": rating, "age": table.get(country, {}).get(rating, age_of(country, rating))}
        for country, rating in sorted(certifications.items())
        if rating
    }


def rating_for_region(ratings: Mapping[str, Any] | None, region: str) -> tuple[str, dict[str, Any]] | None:
    """The rating a member in `region` goes by: their country's, else the US one, else none."""
    for country in (region, FALLBACK_COUNTRY):
        rating = (ratings or {}).get(country)
        if isinstance(rating, Mapping) and rating.get("rating"):
            return country, dict(rating)
    return None


def within_age(age: int | None, max_age: int | None, *, show_unrated: bool = False) -> bool:
    """Under a cap of `max_age` (None: no cap)? An unrated title passes a cap when the member says so."""
    if max_age is None:
        return True
    if age is None:
        return show_unrated
    return age <= max_age
