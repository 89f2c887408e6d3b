"""Hostile bytes at the door: no control characters in any input, and a bound on request bodies.

NUL reached PostgreSQL through a sign-in form, a query string or a path segment and came back
as a 500 (PostgreSQL refuses NUL in text); the other C0 controls are never part of honest
input either. One check before any view sees the request: the path, every query and form
field (names and values) and every string in a JSON body. Tab, line feed and carriage return
stay allowed in values, for text areas; names of tags and keywords refuse them on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_BODY_BYTES = 1024 * 1024


def request_strings() -> Iterator[str]:
    """Everything a client typed: the path, query and form names and values, JSON strings."""
    yield request.path
    fields = [request.args] if request.is_json else [request.args, request.form]
    for name, values in (pair for multidict in fields for pair in multidict.lists()):
        yield name
        yield from values
    if request.is_json:
        yield from _json_strings(request.get_json(silent=True))


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def refuse_control_characters() -> None:
    if any(CONTROL_CHARACTERS.search(text) for text in request_strings()):
        raise BadRequest(_("The request holds control characters (such as NUL), which Qwir does not accept."))


def init_app(app: Flask) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(refuse_control_characters)
