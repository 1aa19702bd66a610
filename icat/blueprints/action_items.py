"""The action items page: open (or all) items across meetings, by owner entity, overdue
ones flagged, each linking to its minutes; the owner's focal point marks one done."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from icat.meetings import action_items
from icat.meetings.action_forms import ActionItemMarkForm
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor
from icat.web.http import current_session
from icat.web.page_forms import submit

bp = Blueprint("action_items", __name__)


def _filter() -> action_items.ActionItemFilter:
    """``?entity=ILO`` and ``?show=all`` (open and done; open ones only by default)."""
    open_only = None if request.args.get("show") == "all" else True
    return action_items.ActionItemFilter(request.args.get("entity") or None, open_only)


def _page(flt: action_items.ActionItemFilter) -> dict:
    rows = action_items.list_action_items(current_session(), actor=current_actor(), flt=flt, limit=1000)
    return {
        "groups": [(owner, list(items)) for owner, items in groupby(rows, key=lambda i: i.owner)],
        "flt": flt,
        "entities": list_entities(current_session(), EntityFilter()),
        "may_mark": lambda item: action_items.may_mark(current_actor(), item),
        "overdue": action_items.is_overdue,
    }


@bp.get("/action-items")
@login_required
def index() -> str:
    return render_template("action_items/index.html", form=ActionItemMarkForm(), **_page(_filter()))


@bp.post("/action-items/<int:item_id>")
@login_required
def mark(item_id: int) -> Response:
    form = ActionItemMarkForm()
    session, actor = current_session(), current_actor()
    outcome = submit(
        form,
        lambda: action_items.mark_action_item(
            session, actor=actor, item_id=item_id, done=bool(form.done.data), version=form.version.data
        ),
        errors="flash",
    )
    return outcome.redirect(_back(), _("Action item saved.")) or redirect(_back())


def _back() -> str:
    """Back to the page the form was on, its filters kept (only ever this site's own page)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path == url_for(".index"):
        return url_for(".index") + (f"?{referrer.query}" if referrer.query else "")
    return url_for(".index")
