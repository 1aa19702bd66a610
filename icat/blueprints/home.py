"""The landing page. Server-rendered, working without JavaScript (DESIGN §11.10)."""

from __future__ import annotations

from flask import Blueprint, render_template

from icat.registry.queries import EntityFilter, coordinator, list_entities
from icat.web.http import current_session

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    session = current_session()
    entities = list_entities(session, EntityFilter())
    return render_template("index.html", entities=entities, coordinator=coordinator(session))
