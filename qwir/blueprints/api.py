"""The JSON REST API under /api/v1: public reads, and curator writes with bearer tokens.

The API never authenticates by cookie: every write needs an `Authorization: Bearer` token,
which a browser never attaches on its own, so the blueprint is exempt from the CSRF check
that protects the cookie-authenticated admin forms.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for

from qwir import curation, curators, serializers, tasks, title_notes, widgets
from qwir.errors import problem
from qwir.extensions import csrf, db
from qwir.models import MEDIA_TYPES, SyncAudit
from qwir.openapi import openapi_document
from qwir.preferences import InvalidPreferences, Preferences, parse_preferences
from qwir.security import client_address, token_throttle
from qwir.validation import MAX_ROW_ID, whole_number

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_ITEMS = 100
RETRY_PENDING_SECONDS = 30


class ApiProblem(Exception):
    """Raised inside a view to answer with an RFC 9457 problem."""

    def __init__(self, status: int, title: str, detail: str = "", headers: dict | None = None, **extra):
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.headers, self.extra = headers or {}, extra


@bp.errorhandler(ApiProblem)
def answer_problem(error: ApiProblem):
    response = problem(error.status, error.title, error.detail, **error.extra)
    response.headers.update(error.headers)
    return response


# ---------------------------------------------------------------- bearer tokens


def require_curator_token():
    """The curator behind the request's bearer token; 401, 403 or 429 problems otherwise."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("A curator bearer token is required.")
    throttle = token_throttle(current_app)
    key = throttle.key(client_address())
    if throttle.is_locked(key):
        seconds = str(throttle.window_seconds)
        raise ApiProblem(429, "Too Many Requests", "Too many bad tokens from this address.",
                         headers={"Retry-After": seconds})
    token = curators.verify_token(secret.strip())
    if token is None:
        throttle.record_failure(key)
        raise _unauthorized("The bearer token is unknown or has been revoked.")
    if not token.curator.active:
        raise ApiProblem(403, "Forbidden", "This curator account is disabled.")
    g.api_curator = token.curator
    return token.curator


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="qwir"'})


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad Request", "The request body must be a JSON object.")
    return body


# ---------------------------------------------------------------- public reads


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return openapi_document()


@bp.get("/tags")
def list_tags():
    """Every identity tag with its spotlight lists."""
    return {"tags": [serializers.tag_json(tag) for tag in curation.all_tags()]}


@bp.get("/tags/<slug>")
def get_tag(slug: str):
    """One identity tag."""
    return serializers.tag_json(_tag_or_404(slug))


def _tag_or_404(slug: str):
    tag = curation.find_tag(slug)
    if tag is None:
        raise ApiProblem(404, "Not Found", f"No identity tag called {slug!r}.")
    return tag


def _member_filters() -> Preferences:
    """Maturity cap and avoided topics from the query string, as a member's preferences would set them."""
    cap = (request.args.get("max_certification") or "").strip().lower()
    try:
        return parse_preferences({"max_maturity": cap, "avoid": request.args.getlist("avoid")})
    except InvalidPreferences as error:
        raise ApiProblem(400, "Bad Request", "Some query parameters are not valid.",
                         errors=_renamed(error.errors)) from None


def _renamed(errors: dict[str, str]) -> dict[str, str]:
    names = {"max_maturity": "max_certification"}
    return {names.get(field, field): message for field, message in errors.items()}


def _limit() -> int:
    limit = whole_number(request.args.get("limit", str(MAX_ITEMS)), low=1, high=MAX_ITEMS)
    if limit is None:
        raise ApiProblem(400, "Bad Request", f"limit must be a whole number from 1 to {MAX_ITEMS}.")
    return limit


def _not_ready(slug: str) -> ApiProblem:
    return ApiProblem(
        503, "Service Unavailable",
        f"The list {slug!r} has not been generated yet and TMDb could not provide it; try again soon.",
        headers={"Retry-After": str(RETRY_PENDING_SECONDS)},
    )


@bp.get("/lists/<slug>")
def get_list(slug: str):
    """A spotlight list by slug, filtered by maturity cap and topics to avoid."""
    preferences, limit = _member_filters(), _limit()
    try:
        found = widgets.carousel(slug, preferences, size=limit)
    except widgets.NotFound as error:
        raise ApiProblem(404, "Not Found", str(error)) from None
    if found.pending:
        raise _not_ready(slug)
    return serializers.list_json(found)


@bp.get("/tags/<slug>/random")
def random_pick(slug: str):
    """One title at random from a tag's spotlight, within the given filters."""
    tag, preferences = _tag_or_404(slug), _member_filters()
    media_type = request.args.get("media_type", "movie")
    if media_type not in MEDIA_TYPES or media_type not in (tag.media_types or []):
        raise ApiProblem(404, "Not Found", f"{tag.name} has no {media_type} spotlight.")
    pick = widgets.random_pick(tag.list_slug(media_type), preferences)
    if pick.carousel.pending:
        raise _not_ready(pick.slug)
    if pick.item is None:
        raise ApiProblem(404, "Not Found", "No title in this spotlight passes the given filters.")
    return serializers.pick_json(tag, pick)


def _title_or_404(media_type: str, tmdb_id: int):
    known = media_type in MEDIA_TYPES and tmdb_id <= MAX_ROW_ID
    item = title_notes.find_title(media_type, tmdb_id) if known else None
    if item is None or item.adult:
        raise ApiProblem(404, "Not Found", f"No {media_type} with TMDb id {tmdb_id}.")
    return item


@bp.get("/titles/<media_type>/<int:tmdb_id>/notes")
def get_title_notes(media_type: str, tmdb_id: int):
    """A title's content notes: from its TMDb keywords and from curators."""
    return serializers.notes_json(_title_or_404(media_type, tmdb_id))


# ---------------------------------------------------------------- curator writes


@bp.put("/titles/<media_type>/<int:tmdb_id>/notes")
def put_title_notes(media_type: str, tmdb_id: int):
    """Replace the curators' content notes and short note on a title (curators only); audited."""
    curator = require_curator_token()
    item = _title_or_404(media_type, tmdb_id)
    try:
        notes, text = title_notes.parse_notes(_json_object())
    except title_notes.InvalidNotes as invalid:
        raise ApiProblem(422, "Unprocessable Content", "Some fields are not valid; nothing was saved.",
                         errors=invalid.errors) from None
    title_notes.set_title_notes(item, notes, text, curator=curator, source="api")
    return serializers.notes_json(item)


@bp.post("/tags")
def create_tag():
    """Create an identity tag (curators only)."""
    require_curator_token()
    body = _json_object()
    if isinstance(body.get("slug"), str) and curation.find_tag(body["slug"].strip()):
        raise ApiProblem(409, "Conflict", f"A tag with the slug {body['slug'].strip()!r} already exists.",
                         headers={"Location": url_for("api.get_tag", slug=body["slug"].strip())})
    data = curation.TagInput(body, typed=True)
    tag = curation.create_tag(data)
    if tag is None:
        raise _invalid(data)
    response = current_app.json.response(serializers.tag_json(tag))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_tag", slug=tag.slug)
    return response


@bp.patch("/tags/<slug>")
def update_tag(slug: str):
    """Change some fields of an identity tag, all or nothing (curators only)."""
    require_curator_token()
    tag = _tag_or_404(slug)
    data = curation.TagInput(_json_object(), typed=True, partial=True)
    if not curation.update_tag(tag, data):
        db.session.rollback()
        raise _invalid(data)
    return serializers.tag_json(tag)


def _invalid(data: curation.TagInput) -> ApiProblem:
    return ApiProblem(422, "Unprocessable Content", "Some fields are not valid; nothing was saved.",
                      errors=data.errors)


@bp.post("/tags/<slug>/sync")
def start_sync(slug: str):
    """Queue a regeneration of a tag's list; poll the Location for its outcome (curators only)."""
    require_curator_token()
    tag = _tag_or_404(slug)
    media_type = _sync_media_type(tag)
    try:
        audit = tasks.queue_sync(tag, media_type=media_type, trigger="api")
    except tasks.SyncAlreadyRunning as running:
        raise _already_running(tag, running.audit) from None
    response = current_app.json.response(serializers.audit_json(audit))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_sync", audit_id=audit.id)
    return response


def _sync_media_type(tag) -> str:
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad Request", "The request body, when given, must be a JSON object.")
    media_type = body.get("media_type", "movie" if "movie" in (tag.media_types or []) else "tv")
    if media_type not in (tag.media_types or []):
        raise ApiProblem(422, "Unprocessable Content", f"{tag.name} has no {media_type!r} list.",
                         errors={"media_type": "Choose one of the tag's media types."})
    return media_type


def _already_running(tag, audit: SyncAudit | None) -> ApiProblem:
    extra = {"audit_id": audit.id} if audit else {}
    headers = {"Location": url_for("api.get_sync", audit_id=audit.id)} if audit else {}
    return ApiProblem(409, "Conflict", f"A sync of {tag.name} is already running.", headers=headers, **extra)


@bp.get("/syncs/<int:audit_id>")
def get_sync(audit_id: int):
    """The state of one sync: running, succeeded or failed with its redacted error (curators only)."""
    require_curator_token()
    audit = db.session.get(SyncAudit, audit_id) if audit_id <= MAX_ROW_ID else None
    if audit is None:
        raise ApiProblem(404, "Not Found", f"No sync with id {audit_id}.")
    return serializers.audit_json(audit)
