"""Curator sign-in and sign-out, and where anonymous visitors to curator pages are sent."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

from qwir import curator_sessions, curators
from qwir.errors import problem
from qwir.extensions import login_manager
from qwir.htmx import hx_redirect
from qwir.throttling import forget_login_attempts, login_attempt_allowed
from qwir.validation import Validation

bp = Blueprint("auth", __name__, url_prefix="/admin")

# One message for every credential failure, so the form never reveals which emails have accounts.
GENERIC_LOGIN_ERROR = lazy_gettext("That email and password do not match a curator account.")
THROTTLED_LOGIN_ERROR = lazy_gettext(
    "Too many sign-in attempts from this address. Wait a while, then try again.")


@login_manager.unauthorized_handler
def ask_to_sign_in():
    """Anonymous visitors go to the sign-in page (htmx by HX-Redirect); API clients get a 401 problem."""
    if request.path.startswith("/api/"):
        return problem(401, "Unauthorized", gettext("A curator bearer token is required."))
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") == "true":
        return hx_redirect(make_response("", 401), login_url)
    return redirect(login_url)


def safe_next_url(candidate: str | None) -> str | None:
    """Only a path inside the admin area: never an absolute or protocol-relative address."""
    if candidate and candidate.startswith("/admin") and not candidate.startswith("//"):
        return candidate
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; check credentials with a throttle on repeated failures."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("admin.dashboard"))
    if request.method == "GET":
        return render_template("auth/login.html", form=Validation(), next_url=next_url)
    form, status = _attempt_login(Validation(request.form))
    if status != 200:
        template = "auth/_login_form.html" if request.headers.get("HX-Request") else "auth/login.html"
        return render_template(template, form=form, next_url=next_url), status
    return _go_to(next_url or url_for("admin.dashboard"))


def _attempt_login(form: Validation) -> tuple[Validation, int]:
    email = form.text("email", required=True, max_length=254, label=gettext("Email"))
    password = form.values.get("password") or ""
    if not password:
        form.error("password", gettext("Password is required."))
    if not form.ok:
        return form, 422
    account = curators.normalise_email(email)
    if login_attempt_allowed(account) is not None:
        form.fail(str(THROTTLED_LOGIN_ERROR))
        return form, 429
    curator = curators.authenticate(email, password)
    if curator is None:
        form.fail(str(GENERIC_LOGIN_ERROR))
        return form, 422
    forget_login_attempts(account)
    curator_sessions.sign_in(curator)
    return form, 200


def _go_to(url: str):
    if request.headers.get("HX-Request") == "true":
        return hx_redirect(make_response("", 204), url)
    return redirect(url)


@bp.post("/logout")
def logout():
    """Sign the curator out, here and in every other session, and return to the sign-in page."""
    signed_in = current_user._get_current_object() if current_user.is_authenticated else None
    curator_sessions.sign_out(signed_in)
    return _go_to(url_for("auth.login"))
