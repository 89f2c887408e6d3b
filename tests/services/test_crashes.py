"""No server process dies under load: gunicorn as configured, and the dev server as `make run` starts it.

A short version of bench/crashes.py: on CPython 3.11 threaded workers died with SIGSEGV every
10 to 30 s under 64 connections; qwir.serving keeps one thread per process there.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from qwir.serving import THREADS_ARE_SAFE, dev_server_threading_flag, request_threads
from tests.services.conftest import PROJECT_ROOT, VENV_BIN, free_port, run_flask, stop_process, wait_until

pytestmark = pytest.mark.services

LOAD_SECONDS = 5
CLIENTS = 24
# SIGTERM is how gunicorn stops its workers at shutdown; any other signal is a death.
WORKER_DEATH = re.compile(r"Worker \(pid:\d+\) (was sent (?!SIGTERM)SIG\w+|exited with code \d+)")


def hammer_feed(base_url: str) -> list[int]:
    """CLIENTS threads asking for the feed for LOAD_SECONDS; every status (0 for a dropped connection)."""
    statuses: list[int] = []
    stop_at = time.monotonic() + LOAD_SECONDS

    def client_loop() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while time.monotonic() < stop_at:
                try:
                    statuses.append(client.get("/").status_code)
                except httpx.TransportError:
                    statuses.append(0)

    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_threads_per_process_follow_the_interpreter():
    assert request_threads(4) == (4 if sys.version_info >= (3, 12) else 1)
    assert dev_server_threading_flag() == ("--with-threads" if THREADS_ARE_SAFE else "--without-threads")


def test_no_server_process_dies_under_load(service_env, start_gunicorn, tmp_path):
    env = service_env()
    run_flask(env, "db", "upgrade")
    run_flask(env, "qwir", "seed")  # the feed's sections; its shelves load lazily, lists or not

    gunicorn_statuses = hammer_feed(start_gunicorn(workers=2))
    dev_server, dev_url = start_dev_server(env, tmp_path / "dev-server.log")
    try:
        dev_statuses = hammer_feed(dev_url)
        dev_server_exit = dev_server.poll()
    finally:
        stop_process(dev_server)

    log_text = next(Path(tmp_path).glob("gunicorn-*.log")).read_text()
    assert WORKER_DEATH.findall(log_text) == []
    assert dev_server_exit is None
    assert set(gunicorn_statuses) == set(dev_statuses) == {200}


def start_dev_server(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, str]:
    """`flask run` with the threading flag `make run` passes, on a free port."""
    port = free_port()
    command = [str(VENV_BIN / "flask"), "--app", "wsgi", "run", "--port", str(port)]
    with log_path.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603 (our own command line)
            [*command, dev_server_threading_flag()], cwd=PROJECT_ROOT, env=env, stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    if not wait_until(lambda: server.poll() is not None or _answers(f"{base_url}/healthz"), 60):
        stop_process(server)
        pytest.fail(f"the development server did not start:\n{log_path.read_text()}")
    return server, base_url


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False
