"""The JSON REST API under /api/v1: public reads, and curator writes with bearer tokens.

The API never authenticates by cookie: every write needs an `Authorization: Bearer` token,
which a browser never attaches on its own, so the blueprint is exempt from the CSRF check
that protects the cookie-authenticated admin forms.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_babel import gettext
from pydantic import BaseModel, ValidationError

from qwir import api_models, curation, curators, spotlight_health, tasks, title_notes, widgets
from qwir.errors import problem
from qwir.extensions import csrf, db
from qwir.models import MEDIA_TYPES, SyncAudit
from qwir.openapi import API_DOCS_CSP, openapi_document
from qwir.preferences import InvalidPreferences, Preferences, parse_preferences
from qwir.throttling import bad_token_allowed
from qwir.validation import MAX_ROW_ID, whole_number
from qwir.widgets import image_base_url, item_poster_sources

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


# Every write needs a curator's token, and so do these reads.
CURATOR_READS = frozenset({"api.get_sync", "api.tag_health"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@bp.before_request
def curators_only_for_writes() -> None:
    """The one rule for bearer auth: no write view (present or future) can forget it."""
    if request.method not in SAFE_METHODS or request.endpoint in CURATOR_READS:
        require_curator_token()


def require_curator_token():
    """The curator behind the request's bearer token; 401, 403 or 429 problems otherwise."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized(gettext("A curator bearer token is required."))
    token = curators.verify_token(secret.strip())
    if token is None:
        wait_seconds = bad_token_allowed()
        if wait_seconds is not None:
            raise ApiProblem(429, "Too Many Requests", gettext("Too many bad tokens from this address."),
                             headers={"Retry-After": str(wait_seconds)})
        raise _unauthorized(gettext("The bearer token is unknown or has been revoked."))
    if not token.curator.active:
        raise ApiProblem(403, "Forbidden", gettext("This curator account is disabled."))
    g.api_curator = token.curator
    return token.curator


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="qwir"'})


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad Request", gettext("The request body must be a JSON object."))
    return body


# ---------------------------------------------------------------- public reads


def _json(model: BaseModel, status: int = 200, headers: dict | None = None):
    """A response model as JSON: the shape the OpenAPI document promises, by construction."""
    response = current_app.json.response(model.model_dump(mode="json"))
    response.status_code = status
    response.headers.update(headers or {})
    return response


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return openapi_document()


@bp.get("/docs")
def docs():
    """The OpenAPI document as a readable page (Redoc, served from our own static files)."""
    response = current_app.make_response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = API_DOCS_CSP
    return response


@bp.get("/tags")
def list_tags():
    """Every identity tag with its spotlight lists."""
    return _json(api_models.TagList(tags=[api_models.Tag.of(tag) for tag in curation.all_tags()]))


@bp.get("/tags/<slug>")
def get_tag(slug: str):
    """One identity tag."""
    return _json(api_models.Tag.of(_tag_or_404(slug)))


@bp.get("/tags/<slug>/health")
def tag_health(slug: str):
    """How a tag's spotlights are doing, with warnings for curators (curators only)."""
    report = spotlight_health.spotlight_health(_tag_or_404(slug))
    return _json(api_models.SpotlightHealth.of(report))


def _tag_or_404(slug: str):
    tag = curation.find_tag(slug)
    if tag is None:
        raise ApiProblem(404, "Not Found", gettext("No identity tag called %(slug)s.", slug=repr(slug)))
    return tag


def _member_filters() -> Preferences:
    """Maturity cap and avoided topics from the query string, as a member's preferences would set them."""
    cap = (request.args.get("max_certification") or "").strip().lower()
    try:
        return parse_preferences({"max_maturity": cap, "avoid": request.args.getlist("avoid")})
    except InvalidPreferences as error:
        raise ApiProblem(400, "Bad Request", gettext("Some query parameters are not valid."),
                         errors=_renamed(error.errors)) from None


def _renamed(errors: dict[str, str]) -> dict[str, str]:
    names = {"max_maturity": "max_certification"}
    return {names.get(field, field): message for field, message in errors.items()}


def _limit() -> int:
    limit = whole_number(request.args.get("limit", str(MAX_ITEMS)), low=1, high=MAX_ITEMS)
    if limit is None:
        detail = gettext("limit must be a whole number from 1 to %(high)d.", high=MAX_ITEMS)
        raise ApiProblem(400, "Bad Request", detail)
    return limit


def _not_ready(slug: str, tag) -> ApiProblem:
    db.session.refresh(tag)  # an in-process first sync has just written its keyword resolution
    if curation.keywords_match_nothing(tag):
        # Waiting would never help: no sync can run until a curator changes the keyword names.
        return ApiProblem(404, "Not Found", f"The list {slug!r} cannot be generated: none of the keyword "
                                            f"names of {tag.name} matches a TMDb keyword.")
    return ApiProblem(
        503, "Service Unavailable",
        gettext("The list %(slug)s has not been generated yet and TMDb could not provide it; try again soon.",
          slug=repr(slug)),
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
        raise _not_ready(slug, found.tag)
    return _json(_spotlight_list(found))


def _titles(items, source_live: bool) -> list[api_models.Title]:
    fallback = image_base_url(source_live)
    titles = []
    for item in items:
        poster = item_poster_sources(item, fallback)
        titles.append(api_models.Title.of(item, poster.src if poster else None))
    return titles


def _from_live_tmdb(tag, list_slug: str) -> bool:
    """For items stored before each kept its own image host: their list's source decides."""
    return any(media_list.slug == list_slug and media_list.source == "live" for media_list in tag.lists)


def _spotlight_list(found) -> api_models.SpotlightList:
    return api_models.SpotlightList(
        slug=found.tag.list_slug(found.media_type), title=found.title, tag=found.tag.slug,
        media_type=found.media_type,
        generated_at=api_models._utc(found.generated_at), filtered_out=found.filtered_out,
        items=_titles(found.items, _from_live_tmdb(found.tag, found.slug)))


@bp.get("/tags/<slug>/random")
def random_pick(slug: str):
    """One title at random from a tag's spotlight, within the given filters."""
    tag, preferences = _tag_or_404(slug), _member_filters()
    media_type = request.args.get("media_type", "movie")
    if media_type not in MEDIA_TYPES or media_type not in (tag.media_types or []):
        detail = gettext("%(tag)s has no %(kind)s spotlight.", tag=tag.name, kind=media_type)
        raise ApiProblem(404, "Not Found", detail)
    pick = widgets.random_pick(tag.list_slug(media_type), preferences)
    if pick.carousel.pending:
        raise _not_ready(pick.slug, tag)
    if pick.item is None:
        raise ApiProblem(404, "Not Found", gettext("No title in this spotlight passes the given filters."))
    (title,) = _titles([pick.item], _from_live_tmdb(tag, pick.slug))
    return _json(api_models.RandomPick(tag=tag.slug, list=pick.slug, item=title))


def _title_or_404(media_type: str, tmdb_id: int):
    known = media_type in MEDIA_TYPES and tmdb_id <= MAX_ROW_ID
    item = title_notes.find_title(media_type, tmdb_id) if known else None
    if item is None or item.adult:
        raise ApiProblem(404, "Not Found", f"No {media_type} with TMDb id {tmdb_id}.")
    return item


@bp.get("/titles/<media_type>/<int:tmdb_id>/notes")
def get_title_notes(media_type: str, tmdb_id: int):
    """A title's content notes: from its TMDb keywords and from curators."""
    return _json(api_models.TitleNotes.of(_title_or_404(media_type, tmdb_id)))


# ---------------------------------------------------------------- curator writes


@bp.put("/titles/<media_type>/<int:tmdb_id>/notes")
def put_title_notes(media_type: str, tmdb_id: int):
    """Replace the curators' content notes and short note on a title (curators only); audited."""
    curator = require_curator_token()
    item = _title_or_404(media_type, tmdb_id)
    try:
        change = api_models.TitleNotesChange.model_validate(_json_object())
    except ValidationError as invalid:
        raise _invalid_body(invalid) from None
    notes, text = title_notes.parse_notes(change.model_dump())  # in vocabulary order
    title_notes.set_title_notes(item, notes, text, curator=curator, source="api")
    return _json(api_models.TitleNotes.of(item))


@bp.post("/tags")
def create_tag():
    """Create an identity tag (curators only)."""
    body = _json_object()
    if isinstance(body.get("slug"), str) and curation.find_tag(body["slug"].strip()):
        detail = gettext("A tag with the slug %(slug)s already exists.", slug=repr(body["slug"].strip()))
        raise ApiProblem(409, "Conflict", detail,
                         headers={"Location": url_for("api.get_tag", slug=body["slug"].strip())})
    data = curation.TagInput(body, typed=True)
    tag = curation.create_tag(data)
    if tag is None:
        raise _invalid(data)
    return _json(api_models.Tag.of(tag), 201, {"Location": url_for("api.get_tag", slug=tag.slug)})


@bp.patch("/tags/<slug>")
def update_tag(slug: str):
    """Change some fields of an identity tag, all or nothing (curators only)."""
    tag = _tag_or_404(slug)
    data = curation.TagInput(_json_object(), typed=True, partial=True)
    if not curation.update_tag(tag, data):
        db.session.rollback()
        raise _invalid(data)
    return _json(api_models.Tag.of(tag))


def _invalid(data: curation.TagInput) -> ApiProblem:
    return ApiProblem(422, "Unprocessable Content", gettext("Some fields are not valid; nothing was saved."),
                      errors=data.errors)


@bp.post("/tags/<slug>/sync")
def start_sync(slug: str):
    """Queue a regeneration of a tag's list; poll the Location for its outcome (curators only)."""
    tag = _tag_or_404(slug)
    media_type = _sync_media_type(tag)
    try:
        audit = tasks.queue_sync(tag, media_type=media_type, trigger="api")
    except tasks.SyncAlreadyRunning as running:
        raise _already_running(tag, running.audit) from None
    return _json(api_models.Sync.of(audit), 202, {"Location": url_for("api.get_sync", audit_id=audit.id)})


def _invalid_body(invalid: ValidationError) -> ApiProblem:
    return ApiProblem(422, "Unprocessable Content", gettext("The request body is not valid."),
                      errors={str(e["loc"][0]) if e["loc"] else "body": e["msg"] for e in invalid.errors()})


def _sync_media_type(tag) -> str:
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad Request", gettext("The request body, when given, must be a JSON object."))
    try:
        wanted = api_models.SyncRequest.model_validate(body).media_type
    except ValidationError as invalid:
        raise _invalid_body(invalid) from None
    media_type = wanted or ("movie" if "movie" in (tag.media_types or []) else "tv")
    if media_type not in (tag.media_types or []):
        detail = gettext("%(tag)s has no %(kind)s list.", tag=tag.name, kind=repr(media_type))
        raise ApiProblem(422, "Unprocessable Content", detail,
                         errors={"media_type": gettext("Choose one of the tag's media types.")})
    return media_type


def _already_running(tag, audit: SyncAudit | None) -> ApiProblem:
    extra = {"audit_id": audit.id} if audit else {}
    headers = {"Location": url_for("api.get_sync", audit_id=audit.id)} if audit else {}
    detail = gettext("A sync of %(tag)s is already running.", tag=tag.name)
    return ApiProblem(409, "Conflict", detail, headers=headers, **extra)


@bp.get("/syncs/<int:audit_id>")
def get_sync(audit_id: int):
    """The state of one sync: running, succeeded or failed with its redacted error (curators only)."""
    audit = db.session.get(SyncAudit, audit_id) if audit_id <= MAX_ROW_ID else None
    if audit is None:
        raise ApiProblem(404, "Not Found", gettext("No sync with id %(id)d.", id=audit_id))
    return _json(api_models.Sync.of(audit))
