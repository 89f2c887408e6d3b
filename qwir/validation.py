"""A validation object: reads submitted values, collects per-field errors, and feeds them back to a form."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

# The largest id (or count) a 32-bit INTEGER column holds, as on PostgreSQL: a larger number
# names nothing we store, and binding it in a query fails in the driver instead of matching no row.
MAX_ROW_ID = 2**31 - 1
# The URL converter for ids in routes: a larger number is a 404 from the router, before any query.
ROW_ID = f"int(max={MAX_ROW_ID})"


def whole_number(raw: object, *, low: int = 0, high: int = MAX_ROW_ID) -> int | None:
    """`raw` as an int when it is plain ASCII digits from `low` to `high`; None otherwise.

    `str.isdigit()` alone admits superscripts and other scripts' digits, some of which `int()`
    rejects, and any length of digits, which overflows the database (or, past 4300 digits,
    `int()` itself).
    """
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()):
        return None
    digits = raw.lstrip("0") or "0"
    if len(digits) > len(str(high)):
        return None
    number = int(digits)
    return number if low <= number <= high else None


def has_control_characters(text: str) -> bool:
    """Any control character at all (tab and line breaks included): names are one line of visible text."""
    return any(unicodedata.category(char) == "Cc" for char in text)


class Validation:
    """Collects errors by field so a form can be re-rendered with each message beside its field."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.errors: dict[str, str] = {}
        self.message: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message

    def text(self, field: str, *, required: bool = False, max_length: int | None = None,
             label: str | None = None) -> str:
        """A stripped text value; records an error when it is missing or too long."""
        value = self.values.get(field)
        value = value.strip() if isinstance(value, str) else ""
        name = label or field.replace("_", " ").capitalize()
        if required and not value:
            self.error(field, gettext("%(name)s is required.", name=name))
        elif max_length is not None and len(value) > max_length:
            too_long = gettext("%(name)s can be at most %(num)d characters.", name=name, num=max_length)
            self.error(field, too_long)
        return value

    def error(self, field: str, message: str) -> None:
        """Record the first error for a field (later ones would only repeat the problem)."""
        self.errors.setdefault(field, message)

    def fail(self, message: str) -> None:
        """An error about the whole form rather than one field."""
        self.message = message
