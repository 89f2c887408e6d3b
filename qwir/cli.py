"""`flask --app wsgi qwir ...`: bootstrap, seed, sync, sandbox, create-curator."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

qwir_cli = AppGroup("qwir", help="Qwir maintenance commands.")


def init_app(app: Flask) -> None:
    from qwir import curator_commands

    curator_commands.register(qwir_cli)
    app.cli.add_command(qwir_cli)
