"""generate_media_list_for_identity when it has to build its own TMDb client."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qwir import catalog
from qwir.extensions import db
from qwir.models import SyncAudit


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "TMDB_MAX_RETRIES": -1}


def test_a_client_the_settings_refuse_leaves_no_running_audit_behind(app, tag_named):
    queer = tag_named("queer")
    with pytest.raises(ValueError, match="max_retries"):
        catalog.generate_media_list_for_identity(queer, limit=3)
    assert catalog.running_sync(queer.id, "movie") is None
    assert db.session.scalar(select(func.count(SyncAudit.id))) == 0
    app.config["TMDB_MAX_RETRIES"] = 0
    media_list = catalog.generate_media_list_for_identity(queer, limit=3)
    assert len(media_list.entries) == 3
