"""Crashes: server processes that die under concurrent load, counted under gunicorn and the dev server.

Both servers start the way operators start them: `gunicorn -c gunicorn.conf.py wsgi:app` (2 workers,
threads as gunicorn.conf.py decides) and the development server with the threading flag `make run`
passes. Each gets `seconds` of 64 connections on the feed at LOG_LEVEL=INFO (the default, one log
line per request). A dead gunicorn worker shows in its log ("was sent SIGSEGV", "exited with
code"); a dead development server is a process that exits. Exits non-zero on any crash.

    .venv/bin/python bench/crashes.py [seconds]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
from _serving import PROJECT_ROOT, VENV_BIN, flask, free_port, instance_env, temporary_instance

CONNECTIONS = 64
# SIGTERM is how gunicorn stops its workers at shutdown; any other signal is a death.
WORKER_DEATH = re.compile(r"Worker \(pid:\d+\) (was sent (?!SIGTERM)SIG\w+|exited with code \d+)")


def load(base_url: str, seconds: float) -> str:
    """wrk keeps 64 connections busy without competing with the servers for a Python GIL."""
    result = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{int(seconds)}s", f"{base_url}/"],
                            capture_output=True, text=True, check=False)
    return " ".join(line.strip() for line in result.stdout.splitlines() if "requests in" in line)


def start(command: list[str], env: dict[str, str], log_path: Path, base_url: str) -> subprocess.Popen:
    with log_path.open("w") as log_file:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    sys.exit(f"{command[0]} did not come up:\n{log_path.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def gunicorn_crashes(env: dict[str, str], folder: Path, seconds: float) -> int:
    port = free_port()
    log_path = folder / "gunicorn.log"
    env = {**env, "GUNICORN_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}"}
    master = start([str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], env, log_path,
                   f"http://127.0.0.1:{port}")
    try:
        print(f"  gunicorn: {load(f'http://127.0.0.1:{port}', seconds)}")
    finally:
        stop(master)
    deaths = WORKER_DEATH.findall(log_path.read_text())
    print(f"  gunicorn: {len(deaths)} worker deaths {sorted(set(deaths))}")
    return len(deaths)


def dev_server_crashes(env: dict[str, str], folder: Path, seconds: float) -> int:
    port = free_port()
    threading_flag = subprocess.run([str(VENV_BIN / "python"), "-m", "qwir.serving"], cwd=PROJECT_ROOT,
                                    env=env, capture_output=True, text=True, check=True).stdout.strip()
    command = [str(VENV_BIN / "flask"), "--app", "wsgi", "run", "--port", str(port), threading_flag]
    server = start(command, env, folder / "dev-server.log", f"http://127.0.0.1:{port}")
    try:
        print(f"  dev server ({threading_flag}): {load(f'http://127.0.0.1:{port}', seconds)}")
    finally:
        died = server.poll()
        stop(server)
    print(f"  dev server: {'died with ' + str(died) if died is not None else 'survived'}")
    return int(died is not None)


def main(seconds: float) -> int:
    if not shutil.which("wrk"):
        sys.exit("bench/crashes.py needs wrk (Debian: apt-get install wrk)")
    print(f"Python {sys.version.split()[0]}, {CONNECTIONS} connections on / for {seconds:.0f} s per server")
    with temporary_instance() as instance:
        env = instance_env(instance, LOG_LEVEL="INFO")
        flask(env, "qwir", "bootstrap")
        crashes = gunicorn_crashes(env, instance.parent, seconds) + dev_server_crashes(
            env, instance.parent, seconds)
    print("FAIL: server processes crashed" if crashes else "no crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0))
