"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`, tuned from the environment."""

import multiprocessing
import os
import sys

from qwir.serving import request_threads


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _default_bind() -> str:
    port = os.environ.get("PORT", "").strip()
    return f"0.0.0.0:{port}" if port else "127.0.0.1:8000"


# WEB_CONCURRENCY is the name most platforms set; GUNICORN_WORKERS wins when both are given.
workers = _env_int("GUNICORN_WORKERS", _env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
bind = os.environ.get("GUNICORN_BIND", "").strip() or _default_bind()

# Threads let one worker keep answering fragments while another request waits on the database;
# GUNICORN_WORKER_CLASS=sync gives one request per process when that is wanted. On CPython 3.11
# threaded workers crash (see qwir/serving.py), so there each worker serves one request at a time.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "").strip() or "gthread"
threads = request_threads(_env_int("GUNICORN_THREADS", 4))
if threads < _env_int("GUNICORN_THREADS", 1):
    print(f"gunicorn.conf.py: GUNICORN_THREADS ignored on Python {sys.version.split()[0]}: one thread per "
          "worker (threaded workers crash on CPython 3.11; see qwir/serving.py)", file=sys.stderr)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 0)

# Preload stays off: each worker builds its own app after the fork, so no database pool, Redis
# connection or Celery producer is ever shared between processes, and `kill -HUP` reloads new code.
preload_app = False

# Only trust X-Forwarded-* from the proxy in front (loopback unless told otherwise).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app already logs one line per request with its duration (qwir.logs); gunicorn's own access
# log is there for when an operator wants the proxy's view too: GUNICORN_ACCESS_LOG=- sends it
# to stdout. It records the worker pid and the time taken in milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "").strip() or None
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms pid=%(p)s "%(a)s"'
errorlog = "-"

# gunicorn 27's control socket sits at one fixed path per user, so two instances on one machine
# (tests beside a dev server, two benchmarks) would share it: off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip() or None
control_socket_disable = control_socket is None
loglevel = os.environ.get("LOG_LEVEL", "info").strip().lower() or "info"
