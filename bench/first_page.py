"""Set-up: a fresh clone of the committed HEAD, `make run`, and the seconds until the feed answers.

Clones into a temporary folder (nothing is reused from this checkout: its own venv, npm packages
and instance), starts `make run PORT=<free port>` and polls `/` until it answers 200, then stops
`make` and everything it started. Prints the time to the first page and how big the venv is.

    python3 bench/first_page.py [timeout seconds]
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def folder_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def main(timeout: float) -> int:
    with tempfile.TemporaryDirectory(prefix="qwir-fresh-") as folder:
        clone = Path(folder) / "qwir"
        subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(clone)], check=True)
        port = free_port()
        leaks = ("TMDB_", "DATABASE_", "CACHE_", "CELERY_", "VIRTUAL_ENV")
        env = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
        started = time.monotonic()
        make = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=clone, env=env, start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        progress: list[str] = []

        def echo() -> None:
            for line in make.stdout:
                progress.append(line)
                print(f"  [{time.monotonic() - started:5.1f}s] {line.rstrip()}", flush=True)

        threading.Thread(target=echo, daemon=True).start()
        seconds = None
        try:
            while time.monotonic() - started < timeout and make.poll() is None:
                if answers(f"http://127.0.0.1:{port}/"):
                    seconds = time.monotonic() - started
                    break
                time.sleep(0.25)
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(20)
        lines = len(progress)
        if seconds is None:
            print(f"FAIL: no first page within {timeout:.0f} s (make exited {make.returncode})")
            return 1
        print(f"fresh clone to first page: {seconds:.1f} s ({lines} lines of progress); "
              f"venv {folder_mib(clone / '.venv'):.0f} MiB")
        return 0 if seconds <= 60 else 1


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 300))
