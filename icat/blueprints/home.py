"""The landing page: the dashboard after sign-in, the public page otherwise. Server-rendered,
working without JavaScript (DESIGN §11.10)."""

from __future__ import annotations

from flask import Blueprint, render_template

from icat.web.auth import current_actor
from icat.web.dashboard import page
from icat.web.http import current_session

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    template, context = page(current_session(), current_actor())
    return render_template(template, **context)
