"""Helpers the serving benchmarks share: a throwaway instance, gunicorn as a subprocess, worker memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# `python bench/<script>.py` puts bench/ on the path, not the project: add it so `qwir` imports.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


def instance_env(instance: Path, **settings: str) -> dict[str, str]:
    """The embedded default in `instance` (SQLite, file cache, in-process jobs), plus `settings`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TMDB_", "CELERY_", "CACHE_", "DATABASE_", "GUNICORN_"))}
    env.update(QWIR_INSTANCE_PATH=str(instance), PYTHONPATH=str(PROJECT_ROOT), LOG_LEVEL="WARNING",
               SECRET_KEY="bench-secret", PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}")
    env.update(settings)
    return env


def flask(env: dict[str, str], *args: str) -> None:
    """Run `flask --app wsgi ...`, stopping the benchmark with its output if it fails."""
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


@contextmanager
def temporary_instance() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="qwir-bench-") as folder:
        yield Path(folder) / "instance"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free loopback port; yields its URL and master process."""
    port = free_port()
    env = {**env, "GUNICORN_WORKERS": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    master = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, master, workers)
        yield base_url, master
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(20)
        except subprocess.TimeoutExpired:
            master.kill()


def _wait_until_up(base_url: str, master: subprocess.Popen, workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if master.poll() is not None:
            sys.exit(f"gunicorn exited:\n{master.stderr.read().decode()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200 and \
                    len(worker_pids(master.pid)) == workers:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not come up within 60 s")


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn workers: the master's child processes, read from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]
