"""How many threads one server process may serve requests on, decided from the interpreter at start-up.

On CPython 3.11 (3.11.2 and 3.11.7 seen) a process whose threads serve requests side by side corrupts
its heap and dies with SIGSEGV: gunicorn's gthread workers lost one every 10 to 30 s under 64
connections, and the threaded development server died within a minute, while the same code, load
and packages run clean on CPython 3.12 and with one thread per process on 3.11. The heap is already
corrupt when it shows (stacks end in obmalloc, dict resizes, str.join and sqlite3 fetches; glibc
reports "corrupted size vs. prev_size"). The feed shares no C-extension object of ours between
requests (only pure-Python locks, limiters and compiled patterns, which cannot corrupt memory), and
taking our log-record factory out saved the threaded dev server but not the gthread workers: we
found the fault in the interpreter, not in what we share. So on 3.11 each process serves one
request at a time, and concurrency comes from processes instead.

`python -m qwir.serving` prints the development server's threading flag (the Makefile's `run` uses it).
"""

from __future__ import annotations

import sys

THREADS_ARE_SAFE = sys.version_info >= (3, 12)


def request_threads(wanted: int) -> int:
    """The threads per process to use when `wanted` were asked for."""
    return wanted if THREADS_ARE_SAFE else 1


def dev_server_threading_flag() -> str:
    return "--with-threads" if THREADS_ARE_SAFE else "--without-threads"


if __name__ == "__main__":
    print(dev_server_threading_flag())
