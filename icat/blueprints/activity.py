"""The activity log page: the outbox as a readable stream."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from icat.activity.queries import recent_events
from icat.web.auth import current_actor
from icat.web.http import current_session

bp = Blueprint("activity", __name__)


@bp.get("/activity")
@login_required
def index() -> str:
    events = recent_events(current_session(), actor=current_actor())
    return render_template("activity/index.html", events=events)
