"""`flask qwir seed | sync | bootstrap`: output, idempotence and clear failures."""

from __future__ import annotations

from sqlalchemy import func, select

from qwir import create_app
from qwir.extensions import db
from qwir.models import IdentityTag, MediaList

SEED_SLUGS = {"queer", "trans", "lesbian", "gay", "bisexual", "pansexuality", "asexual", "non-binary", "drag"}


def test_seed_creates_the_tags_once(app, runner):
    first = runner.invoke(args=["qwir", "seed"])
    second = runner.invoke(args=["qwir", "seed"])
    assert "9 created" in first.output and "0 created, 0 updated" in second.output
    with app.app_context():
        tags = db.session.scalars(select(IdentityTag).order_by(IdentityTag.feature_position)).all()
        assert {t.slug for t in tags} == SEED_SLUGS
        assert [t.theme for t in tags][:3] == ["aurora", "dawn", "sunset"]
        assert all(t.featured and t.media_types == ["movie", "tv"] and t.description for t in tags)


def test_sync_by_slug_prints_one_line_per_list(app, runner):
    runner.invoke(args=["qwir", "seed"])
    result = runner.invoke(args=["qwir", "sync", "queer", "gay", "--limit", "4", "--media", "movie"])
    assert result.exit_code == 0, result.output
    assert "queer (films): 4 titles" in result.output and "gay (films): 4 titles" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(MediaList.id))) == 2


def test_sync_all_covers_every_tag(app, runner):
    runner.invoke(args=["qwir", "seed"])
    result = runner.invoke(args=["qwir", "sync", "--all", "--limit", "2", "--media", "tv"])
    assert result.exit_code == 0, result.output
    assert "Synced 9 lists." in result.output


def test_an_unknown_slug_is_a_clear_error(runner):
    runner.invoke(args=["qwir", "seed"])
    result = runner.invoke(args=["qwir", "sync", "queer", "nope"])
    assert result.exit_code == 1
    assert "unknown tag slug nope" in result.output
    assert "Traceback" not in result.output


def test_sync_needs_slugs_or_all(runner):
    result = runner.invoke(args=["qwir", "sync"])
    assert result.exit_code == 2 and "--all" in result.output


def test_an_unreachable_tmdb_fails_with_one_line_and_no_secret(app_config, tmp_path):
    key = "0123456789abcdef" * 2
    app = create_app({**app_config, "TMDB_API_KEY": key, "TMDB_API_BASE_URL": "http://127.0.0.1:9/3",
                      "TMDB_MAX_RETRIES": 0})
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    runner.invoke(args=["qwir", "seed"])
    result = runner.invoke(args=["qwir", "sync", "gay", "--media", "movie"])
    assert result.exit_code == 1
    assert "gay (films): failed: TmdbUnavailableError" in result.output
    assert "1 of 1 list syncs failed" in result.output
    assert key not in result.output and "Traceback" not in result.output


def test_bootstrap_migrates_seeds_and_syncs_then_has_nothing_to_do(app_config, tmp_path):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["qwir", "bootstrap"])
    assert first.exit_code == 0, first.output
    assert "Synced 18 lists." in first.output
    second = runner.invoke(args=["qwir", "bootstrap"])
    assert second.exit_code == 0 and "nothing to sync" in second.output
    # The demo catalog has little for some identities: both runs say so, as the health page does.
    thin = "warning: asexual: The films list holds 0 of its 20 titles. [thin-list]"
    assert thin in first.output and thin in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(MediaList.id))) == 18
        db.session.remove()
        db.engine.dispose()
