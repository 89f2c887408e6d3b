"""`flask --app wsgi qwir ...`: bootstrap, seed, sync, sandbox, create-curator."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from qwir.extensions import cache, db
from qwir.models import IdentityTag, MediaList
from qwir.tmdb.errors import TmdbError
from qwir.tmdb.redaction import redact


class QwirGroup(AppGroup):
    """The `qwir` commands; a database that is unreachable or not set up ends in one line, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as error:
            raise click.ClickException(_database_problem(error)) from None


def _database_problem(error: OperationalError | ProgrammingError) -> str:
    # Only the driver's own first line: SQLAlchemy's full text adds the statement and its parameters.
    reason = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
    return (f"the database is not reachable or not set up ({reason}); check DATABASE_URL, "
            "then run `flask --app wsgi qwir bootstrap`")


qwir_cli = QwirGroup("qwir", help="Qwir maintenance commands.")


def init_app(app: Flask) -> None:
    from qwir import curator_commands

    curator_commands.register(qwir_cli)
    app.cli.add_command(qwir_cli)


@dataclass(frozen=True)
class SyncJob:
    tag: IdentityTag
    media_type: str

    @property
    def label(self) -> str:
        return f"{self.tag.slug} ({'series' if self.media_type == 'tv' else 'films'})"


@qwir_cli.command("seed")
def seed_command() -> None:
    """Create or update the starting identity tags (safe to run again)."""
    from qwir.seed import seed_tags

    created, updated = seed_tags()
    click.echo(f"Seeded identity tags: {len(created)} created, {len(updated)} updated.")


@qwir_cli.command("sync")
@click.argument("slugs", nargs=-1)
@click.option("--all", "sync_all", is_flag=True, help="Sync every identity tag.")
@click.option("--limit", type=click.IntRange(1, 500), help="Titles per list (default: each tag's list size).")
@click.option("--media", type=click.Choice(["movie", "tv"]), help="Only films or only series.")
def sync_command(slugs: tuple[str, ...], sync_all: bool, limit: int | None, media: str | None) -> None:
    """Regenerate spotlight lists from TMDb, by tag slug or --all."""
    if not slugs and not sync_all:
        raise click.UsageError("Name at least one tag slug, or pass --all.")
    tags = _all_tags() if sync_all else _tags_by_slug(slugs)
    _run_syncs(_jobs(tags, media), limit=limit, trigger="cli")


@qwir_cli.command("bootstrap")
def bootstrap_command() -> None:
    """First start: migrate the database, seed the tags, generate every featured list not yet fresh."""
    from flask_migrate import upgrade

    from qwir.seed import seed_tags

    upgrade()
    created, updated = seed_tags()
    click.echo(f"Database ready; identity tags: {len(created)} created, {len(updated)} updated.")
    _resolve_note_keywords()
    _refresh_genres()
    featured = [t for t in _all_tags() if t.featured]
    stale = [job for job in _jobs(featured, None) if not _is_fresh(job)]
    if not stale:
        click.echo("Every featured list is fresh; nothing to sync.")
        _print_health_warnings(featured)
        return
    _run_syncs(stale, limit=None, trigger="bootstrap")


@qwir_cli.command("genres")
def genres_command() -> None:
    """Fetch TMDb's genre names in every language of QWIR_LANGUAGES."""
    _refresh_genres()


def _refresh_genres() -> None:
    from qwir.catalog import refresh_genre_names
    from qwir.tmdb_wiring import build_tmdb_client

    languages = current_app.config["QWIR_LANGUAGES"]
    try:
        with build_tmdb_client(current_app.config, cache=cache) as client:
            stored = refresh_genre_names(client, languages)
    except TmdbError as error:
        click.echo(f"Genre names not refreshed ({type(error).__name__}); English names are shown meanwhile.")
        return
    click.echo(f"Genre names stored: {stored} ({', '.join(languages)}).")
@qwir_cli.command("retention")
def retention_command() -> None:
    """Refresh TMDb data nearing six months, flag titles TMDb lost, drop what is past the limit."""
    from qwir.retention import run_retention

    report = run_retention(current_app.config, cache=cache)
    click.echo(f"TMDb retention: {report.refreshed} refreshed, {report.flagged_missing} flagged as gone "
               f"from TMDb, {report.failed} not reachable, {report.dropped_items} titles and "
               f"{report.dropped_keywords} keywords dropped.")


@qwir_cli.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), required=True)
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Delay added to every answer.")
@click.option("--fail-rate", type=click.FloatRange(0, 1), default=0, show_default=True,
              help="Share of requests answered with a TMDb 5xx error.")
@click.option("--burst-every", type=click.IntRange(min=0), default=0,
              help="Every N requests, start a burst of 429 answers (0: never).")
@click.option("--burst-length", type=click.IntRange(min=0), default=0, help="Requests per 429 burst.")
@click.option("--seed", "random_seed", type=int, default=None, help="Seed for repeatable failures.")
@click.option("--details-kb", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Pad details answers with credits to about this size (real TMDb: ~165).")
def sandbox_command(host: str, port: int, latency_ms: float, fail_rate: float, burst_every: int,
                    burst_length: int, random_seed: int | None, details_kb: float) -> None:
    """Serve the TMDb sandbox on a loopback port (for load, fault and speed tests)."""
    from qwir.tmdb.sandbox import serve

    api_key = current_app.config.get("TMDB_API_KEY") or "sandbox"
    click.echo(f"TMDb sandbox on http://{host}:{port}/3 (Ctrl+C stops it)")
    try:
        serve(host, port, api_key=api_key, latency_ms=latency_ms, fail_rate=fail_rate,
              burst_every=burst_every, burst_length=burst_length, seed=random_seed, details_kb=details_kb)
    except OSError as error:
        raise click.ClickException(f"cannot serve on {host}:{port}: {error.strerror or error}") from None


# Helpers ---------------------------------------------------------------------------------------


def _all_tags() -> list[IdentityTag]:
    return list(db.session.scalars(select(IdentityTag).order_by(IdentityTag.feature_position,
                                                                IdentityTag.id)))


def _tags_by_slug(slugs: Sequence[str]) -> list[IdentityTag]:
    found = {t.slug: t for t in db.session.scalars(select(IdentityTag).where(IdentityTag.slug.in_(slugs)))}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        known = ", ".join(sorted(t.slug for t in _all_tags())) or "none yet: run `flask --app wsgi qwir seed`"
        raise click.ClickException(f"unknown tag slug {', '.join(unknown)} (known: {known})")
    return [found[s] for s in dict.fromkeys(slugs)]


def _jobs(tags: Iterable[IdentityTag], media: str | None) -> list[SyncJob]:
    return [SyncJob(tag, media_type) for tag in tags for media_type in (tag.media_types or ["movie"])
            if media in (None, media_type)]


def _is_fresh(job: SyncJob) -> bool:
    generated_at = db.session.scalar(select(MediaList.generated_at).where(
        MediaList.tag_id == job.tag.id, MediaList.media_type == job.media_type))
    if generated_at is None:
        return False
    if generated_at.tzinfo is None:  # SQLite hands back naive values; they were stored as UTC
        generated_at = generated_at.replace(tzinfo=dt.UTC)
    max_age = dt.timedelta(hours=float(current_app.config.get("SYNC_SCHEDULE_HOURS") or 24))
    return dt.datetime.now(dt.UTC) - generated_at < max_age


def _run_syncs(jobs: Sequence[SyncJob], *, limit: int | None, trigger: str) -> None:
    """Run each sync, report one line per list, and exit non-zero when any failed."""
    failures = []
    with _tmdb_client() as client:
        for line, ok in _with_progress(jobs, lambda job: _sync_one(job, client, limit, trigger)):
            if not ok:
                failures.append(line)
            elif not sys.stdout.isatty():
                click.echo(line)
    for line in failures:
        click.echo(line, err=True)
    _print_health_warnings(list(dict.fromkeys(job.tag for job in jobs)))
    if failures:
        raise click.ClickException(f"{len(failures)} of {len(jobs)} list syncs failed.")
    click.echo(f"Synced {len(jobs)} list{'s' if len(jobs) != 1 else ''}.")


def _resolve_note_keywords() -> None:
    """Resolve the content notes' keyword names to today's TMDb ids; a TMDb outage only warns."""
    from qwir.title_notes import resolve_note_keywords
    from qwir.tmdb.errors import TmdbError

    try:
        with _tmdb_client() as client:
            found = resolve_note_keywords(client)
    except TmdbError as error:
        db.session.rollback()
        message = redact(str(error), [current_app.config.get("TMDB_API_KEY") or ""])
        click.echo(f"Content note keywords not resolved ({message}); stored titles are checked by name.",
                   err=True)
        return
    click.echo(f"Content note keywords: {found} TMDb ids resolved by name.")


def _print_health_warnings(tags: Sequence[IdentityTag]) -> None:
    """The spotlight health warnings of the tags just synced, as the admin's health page shows them."""
    from qwir.spotlight_health import all_warnings

    for tag, warning in all_warnings(tags):
        click.echo(f"warning: {tag.slug}: {warning.message} [{warning.code}]", err=True)


def _tmdb_client():
    """The configured TMDb client; settings it cannot work with end the command with one clear line."""
    from qwir.tmdb.errors import TmdbError
    from qwir.tmdb_wiring import build_tmdb_client

    try:
        return build_tmdb_client(current_app.config, cache=cache)
    except (ValueError, TmdbError) as error:
        raise click.ClickException(f"check the TMDB_* settings: {error}") from None


def _with_progress(jobs: Sequence[SyncJob], run):
    """Yield (line, ok) per job, behind a progress bar when a person watches a terminal."""
    if not sys.stdout.isatty():
        for job in jobs:
            yield run(job)
        return
    with click.progressbar(jobs, label="Syncing lists", item_show_func=lambda j: j.label if j else "") as bar:
        for job in bar:
            yield run(job)


def _sync_one(job: SyncJob, client, limit: int | None, trigger: str) -> tuple[str, bool]:
    from qwir.catalog import SyncAlreadyRunning, generate_media_list_for_identity

    started = time.monotonic()
    try:
        media_list = generate_media_list_for_identity(
            job.tag, limit=limit or job.tag.list_size or 20, media_type=job.media_type,
            client=client, trigger=trigger,
        )
    except SyncAlreadyRunning:
        return f"{job.label}: skipped, a sync of this list is already running", True
    except Exception as error:
        db.session.rollback()
        message = redact(str(error), [current_app.config.get("TMDB_API_KEY") or ""])
        return f"{job.label}: failed: {type(error).__name__}: {message}", False
    seconds = time.monotonic() - started
    return f"{job.label}: {len(media_list.entries)} titles in {seconds:.1f}s ({media_list.slug})", True
