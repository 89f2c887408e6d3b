"""Curator CLI commands (create-curator, tokens), registered on the `flask qwir` group."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Attach the curator commands to the `qwir` command group."""
