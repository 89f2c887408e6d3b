"""Entry point: `gunicorn wsgi:app`, `celery -A wsgi.celery_app worker|beat`, `flask --app wsgi`."""

from qwir import create_app
from qwir.config import SettingsError

try:
    app = create_app()
except SettingsError as error:
    # One clear line for the operator instead of a traceback from deep inside the import.
    raise SystemExit(f"Qwir cannot start: {error}") from None
celery_app = app.extensions["celery"]
