"""Pages: the inbox, a meeting's reminder plan, and deliveries that failed or were skipped
(with the meetings calendar feeds had to leave out)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from icat.blueprints.calendar import site as calendar_site
from icat.calendar import feeds
from icat.core import clock
from icat.meetings.queries import get_meeting
from icat.notifications import queries, services
from icat.web.auth import current_actor, current_db_user
from icat.web.http import current_session
from icat.web.page_forms import submit

bp = Blueprint("notifications", __name__)


@bp.get("/meetings/<int:meeting_id>/reminders")
@login_required
def plan(meeting_id: int) -> str:
    session, actor = current_session(), current_actor()
    rows = queries.reminder_plan(session, actor=actor, meeting_id=meeting_id)
    meeting = get_meeting(session, meeting_id, actor=actor)
    return render_template("notifications/plan.html", meeting=meeting, rows=rows)


@bp.get("/deliveries")
@login_required
def problems() -> str:
    rows = queries.problem_deliveries(current_session(), actor=current_actor())  # secretariat only
    feed_rows = feeds.unrenderable(current_session(), site=calendar_site(), today=clock.today())
    return render_template("notifications/problems.html", rows=rows, feed_problems=feed_rows, form=FlaskForm())


@bp.post("/deliveries/<int:delivery_id>/retry")
@login_required
def retry(delivery_id: int) -> Response:
    outcome = submit(
        FlaskForm(),
        lambda: services.retry_delivery(current_session(), actor=current_actor(), delivery_id=delivery_id),
        errors="flash",
    )
    back = url_for("notifications.problems")  # the refusal, if any, is flashed there
    return outcome.redirect(back, _("Delivery %(id)s is queued again.", id=delivery_id)) or redirect(back)


@bp.get("/inbox")
@login_required
def inbox() -> str:
    user = current_db_user()
    return render_template("notifications/inbox.html", notices=queries.inbox(current_session(), user.id))
