"""Error handlers: JSON problems for the API and JSON clients, HTML pages or fragments for people."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException, InternalServerError

from qwir.extensions import db

# Status titles in the reader's language (problem+json `title`s and error pages).
STATUS_TITLES = {
    400: lazy_gettext("Bad Request"),
    401: lazy_gettext("Unauthorized"),
    403: lazy_gettext("Forbidden"),
    404: lazy_gettext("Not Found"),
    405: lazy_gettext("Method Not Allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("Content Too Large"),
    415: lazy_gettext("Unsupported Media Type"),
    422: lazy_gettext("Unprocessable Content"),
    429: lazy_gettext("Too Many Requests"),
    500: lazy_gettext("Internal Server Error"),
    503: lazy_gettext("Service Unavailable"),
}
# What a person reads when an error carries only Werkzeug's stock (English) description.
STOCK_DESCRIPTIONS = {
    400: lazy_gettext("The request could not be understood."),
    404: lazy_gettext("There is nothing at this address. The link may be old, or mistyped."),
    405: lazy_gettext("This address does not accept that kind of request."),
    429: lazy_gettext("Too many requests in a short time. Wait a moment, then try again."),
    500: lazy_gettext("Something broke on our side. It has been logged; please try again in a little while."),
    503: lazy_gettext("This part of Qwir is unavailable for a moment. Please try again soon."),
}


def status_title(status: int, fallback: str) -> str:
    return str(STATUS_TITLES.get(status, fallback))


def description_of(error: HTTPException) -> str:
    """The error's own description, or a translated one when it is Werkzeug's stock text."""
    stock = type(error).description
    if error.description == stock and error.code in STOCK_DESCRIPTIONS:
        return str(STOCK_DESCRIPTIONS[error.code])
    return error.description or ""


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def problem(status: int, title: str, detail: str = "", **extra) -> tuple:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": status_title(status, title), "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.vary.add("Accept-Language")  # the title is in the reader's language
    return response


def handle_http_error(error: HTTPException):
    if wants_json():
        response = problem(error.code or 500, error.name, description_of(error))
    else:
        title = status_title(error.code or 500, error.name)
        page = render_template("errors/error.html", error=error, title=title,
                               description=description_of(error))
        response = make_response(page, error.code)
        response.vary.add("Accept-Language")
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
