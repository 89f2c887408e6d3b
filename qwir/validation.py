"""A validation object: reads submitted values, collects per-field errors, and feeds them back to a form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
            self.error(field, f"{name} is required.")
        elif max_length is not None and len(value) > max_length:
            self.error(field, f"{name} can be at most {max_length} characters.")
        return value

    def error(self, field: str, message: str) -> None:
        """Record the first error for a field (later ones would only repeat the problem)."""
        self.errors.setdefault(field, message)

    def fail(self, message: str) -> None:
        """An error about the whole form rather than one field."""
        self.message = message
