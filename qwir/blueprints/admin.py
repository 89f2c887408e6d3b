"""The curators' admin page: tags, regeneration with progress, list overrides, audits, cache, tokens."""

from __future__ import annotations

import contextlib

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
from flask_babel import gettext as _
from flask_login import current_user

from qwir import catalog, curation, curators, spotlight_health, tasks, title_notes
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
    missing = _("No identity tag called %(slug)s.", slug=repr(slug))
    return curation.find_tag(slug) or abort(404, description=missing)


def _list_or_404(slug: str):
    missing = _("No spotlight list called %(slug)s.", slug=repr(slug))
    return curation.find_list(slug) or abort(404, description=missing)


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
        "admin/dashboard.html", tags=curation.all_tags(), latest=curation.latest_audits_by_list()
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
    return _render_tag_page(_tag_or_404(slug))


def _render_tag_page(tag, panel_errors: dict | None = None):
    """The full tag page; `panel_errors` maps a media type to what its panel reports."""
    panel_errors = panel_errors or {}
    audits = curation.audit_page(tag_slug=tag.slug, status=None, page=1).items[:5]
    panels = [{**_list_panel_context(tag, media_type), **panel_errors.get(media_type, {})}
              for media_type in tag.media_types or []]
    html = render_template(
        "admin/tag.html", tag=tag, audits=audits, latest=curation.latest_audits_by_list(tag), panels=panels
    )
    return vary_on_htmx(make_response(html))


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
    """What TMDb (or the sandbox) finds for the keyword names being typed (for the tag form only)."""
    if not wants_fragment():
        abort(404, description=_("The keyword preview is part of the tag form."))
    names = curation.split_keyword_names(request.args.get("keyword_names", ""))
    try:
        with build_tmdb_client(current_app.config, cache=cache) as client:
            previews = curation.preview_keywords(client, names)
        failure = None
    except TmdbError as error:
        previews, failure = [], str(error)
    return render_template("admin/_keyword_preview.html", previews=previews, failure=failure)


# ---------------------------------------------------------------- syncs


@bp.post("/tags/<slug>/sync")
def regenerate(slug: str):
    """Queue a sync of one tag's list; a second click shows the sync already running."""
    tag = _tag_or_404(slug)
    media_type = request.form.get("media_type", "movie")
    if media_type not in (tag.media_types or []):
        abort(400, description=_("%(tag)s has no %(kind)s list.", tag=tag.name, kind=media_type))
    try:
        audit = tasks.queue_sync(tag, media_type=media_type, trigger="admin")
    except tasks.SyncAlreadyRunning as running:
        already = _("A sync of %(tag)s is already running.", tag=tag.name)
        audit = running.audit or abort(409, description=already)
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
    """The progress of one sync; polled every second until it ends. Opened directly: its tag's page."""
    audit = db.session.get(SyncAudit, audit_id) or abort(404, description=_("No such sync."))
    if not wants_fragment():
        if audit.tag is None:
            abort(404, description=_("This sync's tag no longer exists."))
        return _render_tag_page(audit.tag)
    return vary_on_htmx(_sync_status(audit))


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
        abort(404, description=_("%(tag)s has no %(kind)s list.", tag=tag.name, kind=media_type))
    return _answer_panel(tag, media_type)


def _list_panel_context(tag, media_type: str) -> dict:
    media_list = curation.find_list(tag.list_slug(media_type))
    overrides = {o.media_item_id: o for o in media_list.overrides} if media_list else {}
    return {"media_type": media_type, "media_list": media_list, "overrides": overrides}


def _answer_panel(tag, media_type: str, status: int = 200, **problem):
    """The list panel for htmx; for a plain request (no script, or the URL opened directly) the tag page.

    A plain POST that worked is sent back to the tag page with a redirect, so a reload repeats nothing.
    """
    if wants_fragment():
        context = {**_list_panel_context(tag, media_type), "error": "", "confirm": None, **problem}
        html = render_template("admin/_list_panel.html", tag=tag, **context)
        return vary_on_htmx(make_response(html, status))
    if request.method == "POST" and status < 400:
        return redirect(url_for("admin.tag_detail", slug=tag.slug), code=303)
    response = _render_tag_page(tag, {media_type: problem})
    response.status_code = status
    return response


def _list_and_item(slug: str, item_id: int):
    media_list = _list_or_404(slug)
    item = db.session.get(MediaItem, item_id) or abort(404, description=_("No such title."))
    return media_list, item


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/pin")
def pin(slug: str, item_id: int):
    """Pin a title to a position (1 is first); it keeps that place through regenerations."""
    media_list, item = _list_and_item(slug, item_id)
    tag, media_type = media_list.tag, media_list.media_type
    last = max(len(media_list.entries), 1)
    position = whole_number(request.form.get("position", "").strip(), low=1, high=last)
    if position is None:
        message = _("Give %(title)s a position from 1 to %(last)d.", title=item.title, last=last)
        return _answer_panel(tag, media_type, 422, error=message)
    try:
        catalog.check_pin(media_list, item, confirmed=request.form.get("confirm") == "yes")
    except catalog.PinRefused as refused:
        return _answer_panel(tag, media_type, 422, error=str(refused))
    except catalog.PinNeedsConfirmation as question:
        confirm = {"item": item, "position": position}
        return _answer_panel(tag, media_type, 409, error=str(question), confirm=confirm)
    catalog.pin_item(media_list, item, position - 1)
    return _answer_panel(tag, media_type)


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/hide")
def hide(slug: str, item_id: int):
    """Hide a title from this list, now and after every regeneration."""
    media_list, item = _list_and_item(slug, item_id)
    catalog.hide_item(media_list, item)
    return _answer_panel(media_list.tag, media_list.media_type)


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/clear")
def clear(slug: str, item_id: int):
    """Undo a pin or a hide: the title goes back at once to where TMDb ranked it at the last sync."""
    media_list, item = _list_and_item(slug, item_id)
    catalog.clear_override(media_list, item)
    return _answer_panel(media_list.tag, media_list.media_type)


# ---------------------------------------------------------------- spotlight health


@bp.get("/tags/<slug>/health")
def health(slug: str):
    """How a tag's spotlights are doing: keywords, size, overlap, excluded titles, data age."""
    report = spotlight_health.spotlight_health(_tag_or_404(slug))
    return render_template("admin/health.html", tag=report.tag, report=report)


@bp.post(f"/lists/<slug>/excluded/<{ROW_ID}:tmdb_id>")
def keep_excluded(slug: str, tmdb_id: int):
    """Keep a title the explicit-content exclusion removed (or stop keeping it), then regenerate the list."""
    media_list = _list_or_404(slug)
    try:
        catalog.keep_excluded_title(media_list, tmdb_id, keep=request.form.get("keep") != "no")
    except ValueError as error:
        abort(404, description=str(error))
    # A sync already running may miss the change; the next one applies it.
    with contextlib.suppress(tasks.SyncAlreadyRunning):
        tasks.queue_sync(media_list.tag, media_type=media_list.media_type, trigger="admin")
    return _navigate(url_for("admin.health", slug=media_list.tag.slug))


@bp.post(f"/lists/<slug>/items/<{ROW_ID}:item_id>/notes")
def notes(slug: str, item_id: int):
    """Set a title's content notes and short note (everywhere it appears, not only in this list)."""
    media_list, item = _list_and_item(slug, item_id)
    try:
        chosen, text = title_notes.parse_notes(request.form)
    except title_notes.InvalidNotes as invalid:
        problems = "; ".join(invalid.errors.values())
        message = _("Notes for %(title)s: %(errors)s", title=item.title, errors=problems)
        return _answer_panel(media_list.tag, media_list.media_type, 422, error=message)
    title_notes.set_title_notes(item, chosen, text, curator=_curator(), source="admin")
    return _answer_panel(media_list.tag, media_list.media_type)


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
    if not wants_fragment():
        return redirect(url_for("admin.tag_detail", slug=tag.slug), code=303)
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
