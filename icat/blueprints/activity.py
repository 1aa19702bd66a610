"""The activity log page: the outbox as a readable stream, filtered by area, entity, actor
and date (days in the viewer's zone), each event linking to its subject, paged."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from icat.activity.queries import ActivityFilter, search_events
from icat.activity.schemas import ActivityPageArgsSchema
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor
from icat.web.formatting import viewer_zone
from icat.web.http import current_session, load_args
from icat.web.i18n import ACTIVITY_AREA_LABELS
from icat.web.notices import subject_link

bp = Blueprint("activity", __name__)
PAGE = 50


def _filter(args: dict[str, Any]) -> ActivityFilter:
    """Days become instants: ``from`` at the start of that day, ``to`` through its end."""
    zone = viewer_zone()
    since = datetime.combine(args["from_"], time.min, tzinfo=zone) if "from_" in args else None
    until = datetime.combine(args["to"] + timedelta(days=1), time.min, tzinfo=zone) if "to" in args else None
    return ActivityFilter(args.get("area"), args.get("entity"), args.get("actor"), since, until)


def _context(args: dict[str, Any]) -> dict[str, Any]:
    flt, before = _filter(args), args.get("before")
    rows = search_events(current_session(), actor=current_actor(), flt=flt, before=before, limit=PAGE + 1)
    older = rows[PAGE - 1].id if len(rows) > PAGE else None
    kept = {k: v for k, v in request.args.items() if k != "before" and v}
    return {
        "events": rows[:PAGE],
        "older": older,
        "kept": kept,
        "areas": ACTIVITY_AREA_LABELS,
        "entities": list_entities(current_session(), EntityFilter()),
        "subject_link": subject_link,
    }


@bp.get("/activity")
@login_required
def index() -> str:
    return render_template("activity/index.html", **_context(load_args(ActivityPageArgsSchema())))
