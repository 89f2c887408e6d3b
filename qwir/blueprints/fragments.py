"""Fragments that pages and host sites lazy-load with hx-get."""

from flask import Blueprint

bp = Blueprint("fragments", __name__, url_prefix="/fragments")
