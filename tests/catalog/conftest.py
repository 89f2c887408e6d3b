"""Fixtures for the write side: seeded tags on the test database, answered by the in-process sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qwir.extensions import db
from qwir.models import IdentityTag
from qwir.seed import seed_tags


@pytest.fixture
def ctx(app):
    """An app context with the seed's identity tags in the database."""
    with app.app_context():
        seed_tags()
        yield app


@pytest.fixture
def tag_named(ctx):
    """Look a seeded tag up by slug."""

    def find(slug: str) -> IdentityTag:
        return db.session.scalars(select(IdentityTag).where(IdentityTag.slug == slug)).one()

    return find
