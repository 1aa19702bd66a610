"""Pages: the inbox, a meeting's reminder plan, and deliveries that failed or were skipped
(with the meetings calendar feeds had to leave out)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm

from icat.blueprints.calendar import site as calendar_site
from icat.calendar import feeds
from icat.core import clock
from icat.meetings.queries import get_meeting
from icat.notifications import queries, services
from icat.notifications.plan import arrange, recipients
from icat.web.auth import current_actor, current_db_user
from icat.web.http import current_session
from icat.web.notices import present
from icat.web.page_forms import submit
from icat.web.plans import delivery_label

bp = Blueprint("notifications", __name__)
PLAN_HELPERS = {"delivery_label": delivery_label, "recipients": recipients}


@bp.get("/meetings/<int:meeting_id>/reminders")
@login_required
def plan(meeting_id: int) -> str:
    session, actor = current_session(), current_actor()
    rows = queries.reminder_plan(session, actor=actor, meeting_id=meeting_id)
    meeting = get_meeting(session, meeting_id, actor=actor)
    return render_template("notifications/plan.html", meeting=meeting, plan=arrange(rows), **PLAN_HELPERS)


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


INBOX_PAGE = 50


@bp.get("/inbox")
@login_required
def inbox() -> str:
    user, session = current_db_user(), current_session()
    notices = queries.inbox(session, user.id, limit=INBOX_PAGE + 1, before=request.args.get("before", type=int))
    views = [present(n) for n in notices[:INBOX_PAGE]]
    older = views[-1].notice.id if len(notices) > INBOX_PAGE else None
    unread = queries.unread_count(session, user.id)
    return render_template("notifications/inbox.html", notices=views, older=older, unread=unread, form=FlaskForm())


@bp.post("/inbox/<int:notice_id>/open")
@login_required
def open_notice(notice_id: int) -> Response:
    """Mark the notice read and go to what it is about (a POST: reading changes state)."""
    session, actor = current_session(), current_actor()
    outcome = submit(
        FlaskForm(), lambda: services.mark_notice_read(session, actor=actor, notice_id=notice_id), errors="flash"
    )
    back = url_for("notifications.inbox")
    return outcome.redirect(lambda notice: present(notice).link or back) or redirect(back)


@bp.post("/inbox/read")
@login_required
def read_all() -> Response:
    outcome = submit(FlaskForm(), lambda: services.mark_all_read(current_session(), actor=current_actor()))
    back = url_for("notifications.inbox")
    return outcome.redirect(back, _marked) or redirect(back)


def _marked(n: int) -> str:
    return ngettext("%(num)d notice marked read.", "%(num)d notices marked read.", n)
