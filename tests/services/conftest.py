"""Fixtures for the scale-out tests: PostgreSQL, Redis, a Celery worker and gunicorn, as real processes.

A missing service skips its tests with the reason and the command that starts it; with
QWIR_REQUIRE_SERVICES=1 (CI) a missing service fails the run instead.
Everything made here is throwaway: a fresh PostgreSQL database per session, a Redis key prefix
per test on a dedicated database number, subprocesses stopped by their own pid.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import redis

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("QWIR_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
POSTGRES_ADMIN_DSN = os.environ.get("QWIR_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
START_COMMANDS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log",
}


def services_required() -> bool:
    return os.environ.get("QWIR_REQUIRE_SERVICES") == "1"


def missing_service(name: str, detail: str) -> None:
    """Skip (on a laptop) or fail (under QWIR_REQUIRE_SERVICES=1) because a service is not there."""
    hint = f"; start it with: {START_COMMANDS[name]}" if name in START_COMMANDS else ""
    message = f"{name} is not available ({detail}){hint}"
    if services_required():
        pytest.fail(message)
    pytest.skip(message)


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """Ask a subprocess we started to stop (SIGTERM to its own pid), then kill it if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


# --- Redis ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis URL (a dedicated database number) after checking that Redis answers."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        missing_service("Redis", f"{REDIS_URL}: {type(error).__name__}")
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url) -> Iterator[str]:
    """A key prefix of our own; only keys under it are deleted afterwards."""
    prefix = f"qwirtest:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_client(redis_url) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_admin_dsn() -> str:
    try:
        with psycopg.connect(POSTGRES_ADMIN_DSN, connect_timeout=2):
            pass
    except psycopg.Error as error:
        missing_service("PostgreSQL", f"{POSTGRES_ADMIN_DSN}: {type(error).__name__}")
    return POSTGRES_ADMIN_DSN


@pytest.fixture(scope="session")
def postgres_database_factory(postgres_admin_dsn) -> Iterator[Callable[[], str]]:
    """Make throwaway databases (SQLAlchemy URLs); every one is dropped at the end of the session."""
    created: list[str] = []

    def make() -> str:
        name = f"qwir_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(postgres_admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    yield make
    with psycopg.connect(postgres_admin_dsn, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_database_factory) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return postgres_database_factory()


# --- Subprocess environment ----------------------------------------------------------------------


@pytest.fixture
def service_env(tmp_path) -> Callable[..., dict[str, str]]:
    """The environment for a web or worker subprocess: ours, minus anything that would leak in."""

    def build(**settings: str | None) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TMDB_", "CELERY_", "CACHE_", "DATABASE_", "GUNICORN_", "QWIR_"))
        }
        env.update(
            PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            PYTHONPATH=str(PROJECT_ROOT),
            QWIR_INSTANCE_PATH=str(tmp_path / "instance"),
            SECRET_KEY="services-test-secret",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update({key: value for key, value in settings.items() if value is not None})
        return env

    return build
