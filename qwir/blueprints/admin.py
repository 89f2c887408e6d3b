"""The curators' admin page: tags, regeneration with progress, list overrides, audits, cache, tokens."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from qwir import catalog, curation, curators, tasks, title_notes
from qwir.content_notes import CONTENT_NOTES, notes_from_keywords
from qwir.extensions import cache, db, login_manager
from qwir.htmx import hx_redirect, hx_trigger, vary_on_htmx, wants_fragment
from qwir.models import SYNC_STATUSES, MediaItem, SyncAudit
from qwir.tmdb.errors import TmdbError
from qwir.tmdb_wiring import build_tmdb_client
from qwir.validation import ROW_ID, whole_number

bp = Blueprint("admin", __name__, url_prefix="/admin")

# htmx listens for this event on the list panel and reloads it when a sync ends.
LIST_CHANGED_EVENT = "spotlight-changed"


@bp.before_request
def require_curator():
    """Every admin URL is for signed-in curators only."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.context_processor
def admin_choices():
    return {
        "certifications": curation.CERTIFICATIONS,
        "content_notes": CONTENT_NOTES,
        "notes_from_keywords": notes_from_keywords,
    }


def _tag_or_404(slug: str):
    return curation.find_tag(slug) or abort(404, description=f"No identity tag called {slug!r}.")


def _list_or_404(slug: str):
    return curation.find_list(slug) or abort(404, description=f"No spotlight list called {slug!r}.")


def _curator():
    """The signed-in curator itself (not the proxy), for services that store a reference to it."""
    return current_user._get_current_object()


def _navigate(url: str):
    """After a successful form: HX-Redirect for htmx (never a 3xx), a plain redirect otherwise."""
    if request.htmx:
        return hx_redirect(make_response("", 204), url)
    return redirect(url, code=303)


# ---------------------------------------------------------------- tags


@bp.get("")
def dashboard():
    """Every identity tag with its keywords, last sync and lists."""
    return render_template(
        "admin/dashboard.html", tags=curation.all_tags(), latest=curation.latest_audits_by_tag()
    )


@bp.get("/tags/new")
def new_tag():
    """The form for a new identity tag."""
    form = curation.TagInput(curation.tag_form_values(None))
    return render_template("admin/tag_form.html", form=form, tag=None)


@bp.post("/tags")
def create_tag():
    """Create a tag, or re-render the form with each error beside its field (422)."""
    form = curation.TagInput(request.form)
    tag = curation.create_tag(form)
    if tag is None:
        return _render_tag_form(form, None), 422
    return _navigate(url_for("admin.tag_detail", slug=tag.slug))


@bp.get("/tags/<slug>")
def tag_detail(slug: str):
    """One tag: settings, resolved keywords, its spotlight lists with overrides, recent syncs."""
    tag = _tag_or_404(slug)
    audits = curation.audit_page(tag_slug=tag.slug, status=None, page=1).items[:5]
    panels = [_list_panel_context(tag, media_type) for media_type in tag.media_types or []]
    return render_template(
        "admin/tag.html", tag=tag, audits=audits, running=_running_by_media(tag), panels=panels
    )


@bp.get("/tags/<slug>/edit")
def edit_tag(slug: str):
    """The edit form of one tag."""
    tag = _tag_or_404(slug)
    form = curation.TagInput(curation.tag_form_values(tag))
    return render_template("admin/tag_form.html", form=form, tag=tag)


@bp.post("/tags/<slug>/edit")
def update_tag(slug: str):
    """Save a tag's changes all at once, or re-render the form with its errors (422)."""
    tag = _tag_or_404(slug)
    form = curation.TagInput(request.form)
    if not curation.update_tag(tag, form):
        db.session.rollback()
        return _render_tag_form(form, tag), 422
    return _navigate(url_for("admin.tag_detail", slug=tag.slug))


def _render_tag_form(form, tag):
    template = "admin/_tag_form.html" if wants_fragment() else "admin/tag_form.html"
    return render_template(template, form=form, tag=tag)


@bp.get("/keywords/preview")
def keyword_preview():
    """What TMDb (or the sandbox) finds for the keyword names being typed."""
    names = curation.split_keyword_names(request.args.get("keyword_names", ""))
    try:
        with build_tmdb_client(current_app.config, cache=cache) as client:
            previews = curation.preview_keywords(client, names)
        failure = None
    except TmdbError as error:
        previews, failure = [], str(error)
    return render_template("admin/_keyword_preview.html", previews=previews, failure=failure)


# ---------------------------------------------------------------- syncs


def _running_by_media(tag) -> dict[str, SyncAudit]:
    return {audit.media_type: audit for audit in curation.running_audits(tag)}


@bp.post("/tags/<slug>/sync")
def regenerate(slug: str):
    """Queue a sync of one tag's list; a second click shows the sync already running."""
    tag = _tag_or_404(slug)
    media_type = request.form.get("media_type", "movie")
    if media_type not in (tag.media_types or []):
        abort(400, description=f"{tag.name} has no {media_type} list.")
    try:
        audit = tasks.queue_sync(tag, media_type=media_type, trigger="admin")
    except tasks.SyncAlreadyRunning as running:
        audit = running.audit or abort(409, description=f"A sync of {tag.name} is already running.")
    if not request.htmx:
        return redirect(url_for("admin.tag_detail", slug=tag.slug), code=303)
    return _sync_status(audit)


@bp.post("/sync-all")
def regenerate_all():
    """Queue a sync of every featured tag's lists."""
    audits = tasks.queue_sync_all(trigger="admin")
    if not request.htmx:
        return redirect(url_for("admin.dashboard"), code=303)
    return render_template("admin/_sync_all.html", audits=audits)


@bp.get(f"/syncs/<{ROW_ID}:audit_id>")
def sync_status(audit_id: int):
    """The progress of one sync; polled every second until it ends."""
    audit = db.session.get(SyncAudit, audit_id) or abort(404, description="No such sync.")
    return _sync_status(audit)


def _sync_status(audit: SyncAudit):
    response = make_response(render_template("admin/_sync_status.html", audit=audit))
    if audit.status != "running":
        hx_trigger(response, LIST_CHANGED_EVENT)
    return response


# ---------------------------------------------------------------- list overrides


@bp.get("/tags/<slug>/lists/<media_type>")
def list_panel(slug: str, media_type: str):
    """One spotlight list with its items in order and the curator's overrides (a fragment)."""
    tag = _tag_or_404(slug)
    if media_type not in (tag.media_types or []):
        abort(404, description=f"{tag.name} has no {media_type} list.")
    return _render_list_panel(tag, media_type)


def _list_panel_context(tag, media_type: str) -> dict:
    media_list = curation.find_list(tag.list_slug(media_type))
    overrides = {o.media_item_id: o for o in media_list.overrides} if media_list else {}
    return {"media_type": media_type, "media_list": media_list, "overrides": overrides}


def _render_list_panel(tag, media_type: str, error: str = ""):
    context = _list_panel_context(tag, media_type)
    return render_template("admin/_list_panel.html", tag=tag, error=error, **context)


def _list_and_item(slug: str, item_id: int):
    media_list = _list_or_404(slug)
    item = db.session.get(MediaItem, item_id) or abort(404, description="No such title.")
    return media_list, item


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/pin")
def pin(slug: str, item_id: int):
    """Pin a title to a position (1 is first); it keeps that place through regenerations."""
    media_list, item = _list_and_item(slug, item_id)
    last = max(len(media_list.entries), 1)
    position = whole_number(request.form.get("position", "").strip(), low=1, high=last)
    if position is None:
        message = f"Give {item.title} a position from 1 to {last}."
        return _render_list_panel(media_list.tag, media_list.media_type, message), 422
    catalog.pin_item(media_list, item, position - 1)
    return _render_list_panel(media_list.tag, media_list.media_type)


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/hide")
def hide(slug: str, item_id: int):
    """Hide a title from this list, now and after every regeneration."""
    media_list, item = _list_and_item(slug, item_id)
    catalog.hide_item(media_list, item)
    return _render_list_panel(media_list.tag, media_list.media_type)


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/clear")
def clear(slug: str, item_id: int):
    """Undo a pin or a hide: the title goes back to where TMDb ranks it."""
    media_list, item = _list_and_item(slug, item_id)
    catalog.clear_override(media_list, item)
    return _render_list_panel(media_list.tag, media_list.media_type)


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/notes")
def notes(slug: str, item_id: int):
    """Set a title's content notes and short note (everywhere it appears, not only in this list)."""
    media_list, item = _list_and_item(slug, item_id)
    try:
        chosen, text = title_notes.parse_notes(request.form)
    except title_notes.InvalidNotes as invalid:
        message = f"Notes for {item.title}: " + "; ".join(invalid.errors.values())
        return _render_list_panel(media_list.tag, media_list.media_type, message), 422
    title_notes.set_title_notes(item, chosen, text, curator=_curator(), source="admin")
    return _render_list_panel(media_list.tag, media_list.media_type)


@bp.get("/notes")
def note_audits():
    """Who changed which title's content notes, and when: the latest changes first."""
    return render_template("admin/note_audits.html", audits=title_notes.note_audits())


# ---------------------------------------------------------------- audits and cache


@bp.get("/audits")
def audits():
    """Every sync, newest first, filtered by tag and status, paginated."""
    tag_slug = request.args.get("tag") or None
    status = request.args.get("status") if request.args.get("status") in SYNC_STATUSES else None
    page = whole_number(request.args.get("page", "1"), low=1) or 1
    audit_page = curation.audit_page(tag_slug=tag_slug, status=status, page=page)
    filters = {"tag": tag_slug or "", "status": status or ""}
    template = "admin/_audit_log.html" if wants_fragment() else "admin/audits.html"
    html = render_template(
        template, page=audit_page, filters=filters, tags=curation.all_tags(), statuses=SYNC_STATUSES
    )
    return vary_on_htmx(make_response(html))


@bp.post("/tags/<slug>/cache/clear")
def clear_cache(slug: str):
    """Forget this tag's cached TMDb answers so the next sync asks TMDb afresh."""
    tag = _tag_or_404(slug)
    with build_tmdb_client(current_app.config, cache=cache) as client:
        cleared = curation.clear_tag_cache(tag, client)
    return render_template("admin/_cache_cleared.html", tag=tag, cleared=cleared)


# ---------------------------------------------------------------- API tokens


@bp.get("/tokens")
def tokens():
    """The signed-in curator's API tokens."""
    return render_template("admin/tokens.html", tokens=curators.curator_tokens(_curator()), issued=None)


@bp.post("/tokens")
def issue_token():
    """Issue a token and show its secret this once."""
    issued = curators.issue_token(_curator(), request.form.get("label", ""))
    tokens = curators.curator_tokens(_curator())
    return render_template("admin/tokens.html", tokens=tokens, issued=issued), 201


@bp.post(f"/tokens/<{ROW_ID}:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke one of the curator's own tokens; it stops working at once."""
    try:
        curators.revoke_token(token_id, _curator())
    except curators.CuratorError as error:
        abort(404, description=str(error))
    return _navigate(url_for("admin.tokens"))
