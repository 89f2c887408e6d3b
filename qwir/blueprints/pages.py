"""Member pages: the feed, the sign-in teaser page, planets and titles."""

from flask import Blueprint

bp = Blueprint("pages", __name__)
