"""Error handlers: JSON problems for the API and JSON clients, HTML pages or fragments for people."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from qwir.extensions import db


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def problem(status: int, title: str, detail: str = "", **extra) -> tuple:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def handle_http_error(error: HTTPException):
    if wants_json():
        response = problem(error.code or 500, error.name, error.description or "")
    else:
        response = make_response(render_template("errors/error.html", error=error), error.code)
    # What the exception itself says in headers (Allow on a 405, Retry-After, WWW-Authenticate).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected_error(error: Exception):
    """A bug or an outage: the log gets the traceback (secrets masked), the client a bare 500."""
    db.session.rollback()
    current_app.log_exception((type(error), error, error.__traceback__))
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
