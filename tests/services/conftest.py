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

import httpx
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

    def make(template: str | None = None) -> str:
        name = f"qwir_test_{uuid.uuid4().hex[:10]}"
        copied = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(postgres_admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copied}')
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


def subprocess_env(instance_path: Path, **settings: str | None) -> dict[str, str]:
    """The environment for a web, worker or CLI subprocess: ours, minus anything that would leak in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TMDB_", "CELERY_", "CACHE_", "DATABASE_", "GUNICORN_", "QWIR_"))
    }
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(PROJECT_ROOT),
        QWIR_INSTANCE_PATH=str(instance_path),
        SECRET_KEY="services-test-secret",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: value for key, value in settings.items() if value is not None})
    return env


@pytest.fixture
def service_env(tmp_path) -> Callable[..., dict[str, str]]:
    """`subprocess_env` with this test's own instance folder."""
    return lambda **settings: subprocess_env(tmp_path / "instance", **settings)


def run_flask(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ...` in a subprocess; fail the test with its output if it fails."""
    result = subprocess.run(  # noqa: S603 (our own venv's executables, our own arguments)
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_database_factory, tmp_path_factory) -> str:
    """One database migrated and seeded through the real CLI, once per session, to copy from."""
    url = postgres_database_factory()
    env = subprocess_env(tmp_path_factory.mktemp("template-instance"), DATABASE_URL=url)
    run_flask(env, "db", "upgrade")
    run_flask(env, "qwir", "seed")
    return url.rsplit("/", 1)[1]


@pytest.fixture
def migrated_postgres_url(postgres_database_factory, migrated_postgres_template) -> str:
    """A fresh PostgreSQL database at the latest migration, with the seeded identity tags: a copy of
    the session's template (CREATE DATABASE ... TEMPLATE), far quicker than migrating again."""
    return postgres_database_factory(template=migrated_postgres_template)


# --- Celery workers ------------------------------------------------------------------------------


@pytest.fixture
def broker_url(redis_url) -> str:
    """The test broker: its own Redis database, so no queue of a real deployment is ever touched."""
    return redis_url.rsplit("/", 1)[0] + "/14"


@pytest.fixture
def celery_queue(broker_url) -> Iterator[str]:
    """A queue name of our own: workers of this test consume it and nothing else."""
    queue = f"qwirtest-{uuid.uuid4().hex[:12]}"
    yield queue
    client = redis.Redis.from_url(broker_url)
    keys = [*client.scan_iter(match=f"{queue}*"), *client.scan_iter(match=f"_kombu.binding.{queue}*")]
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def start_celery_worker(service_env, broker_url, celery_queue, tmp_path) -> Iterator[Callable[..., str]]:
    """Start real `celery worker` processes on our queue; each is stopped by its pid at the end."""
    workers: list[subprocess.Popen] = []

    def start(database_url: str, name: str = "w1", **settings: str) -> str:
        log_path = tmp_path / f"celery-{name}.log"
        env = service_env(DATABASE_URL=database_url, CELERY_BROKER_URL=broker_url, **settings)
        command = [
            str(VENV_BIN / "celery"), "-A", "wsgi.celery_app", "worker", "--pool=solo",
            "-Q", celery_queue, "-n", f"{name}-{celery_queue}@%h", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier=1",
        ]
        with log_path.open("w") as log_file:
            process = subprocess.Popen(  # noqa: S603 (our own command line)
                command, cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
            workers.append(process)
        ready = wait_until(lambda: process.poll() is not None or " ready." in log_path.read_text(), 60)
        if not ready or process.poll() is not None:
            pytest.fail(f"the Celery worker {name} did not become ready:\n{log_path.read_text()}")
        return str(log_path)

    yield start
    for worker in workers:
        stop_process(worker)


# --- gunicorn ------------------------------------------------------------------------------------


@pytest.fixture
def start_gunicorn(service_env, tmp_path) -> Iterator[Callable[..., str]]:
    """Start `gunicorn -c gunicorn.conf.py wsgi:app` on a free port; returns its base URL."""
    servers: list[subprocess.Popen] = []

    def start(workers: int = 2, **settings: str) -> str:
        port = free_port()
        log_path = tmp_path / f"gunicorn-{port}.log"
        env = service_env(GUNICORN_WORKERS=str(workers), GUNICORN_BIND=f"127.0.0.1:{port}",
                          GUNICORN_ACCESS_LOG="-", **settings)
        command = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
        with log_path.open("w") as log_file:
            process = subprocess.Popen(  # noqa: S603 (our own command line)
                command, cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
            servers.append(process)
        base_url = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            # Ready means every worker has booted and one answers: a test that counts workers or
            # spreads requests over them must not start while the last one is still importing.
            booted = log_path.read_text().count("Booting worker with pid")
            return process.poll() is not None or (booted >= workers and _answers(f"{base_url}/healthz"))

        up = wait_until(ready, 60)
        if not up or process.poll() is not None:
            pytest.fail(f"gunicorn did not start:\n{log_path.read_text()}")
        return base_url

    yield start
    for server in servers:
        stop_process(server)


def _answers(url: str) -> bool:
    # A worker still importing the app answers late: a short timeout would abandon the probe in the
    # listen queue, and with max_requests=1 each abandoned probe would retire a worker later.
    try:
        return httpx.get(url, timeout=15.0).status_code == 200
    except httpx.HTTPError:
        return False


# --- The TMDb sandbox on loopback ----------------------------------------------------------------


@pytest.fixture
def sandbox_server():
    """The sandbox server on a free port, in this process: its stats() count what TMDb was asked."""
    from qwir.tmdb.sandbox import start_server

    server, thread, base_url = start_server(port=0)
    server.base_url = base_url
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)
