"""Celery app and background jobs (in-process when no broker is configured)."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Wire Celery the way Flask's documentation shows: every task runs in an app context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL")
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=broker or "memory://",
        task_always_eager=not broker,
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
