"""The signed-in user's private calendar feeds: create (address shown once), list, revoke."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from icat.calendar import services
from icat.calendar.forms import FeedTokenForm, RevokeForm
from icat.calendar.queries import feed_tokens
from icat.meetings.models import MEETING_KINDS
from icat.web.auth import current_actor, current_db_user
from icat.web.http import current_session
from icat.web.links import feed_links
from icat.web.page_forms import Outcome, submit

bp = Blueprint("feed_tokens", __name__)


def _page(form: FeedTokenForm, created: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    html = render_template(
        "calendar/feeds.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=feed_tokens(current_session(), current_db_user().id),
        created=created,
        public=feed_links("calendar.icat_feed"),
        observances=feed_links("calendar.observances_feed"),
        kinds=[(kind, feed_links("calendar.kind_feed", kind=kind)) for kind in MEETING_KINDS],
    )
    return html, status


@bp.get("/account/feeds")
@login_required
def index() -> tuple[str, int]:
    return _page(FeedTokenForm())


@bp.post("/account/feeds")
@login_required
def create() -> tuple[str, int]:
    form = FeedTokenForm()
    outcome = submit(
        form, lambda: services.create_feed_token(current_session(), actor=current_actor(), name=form.name.data)
    )
    return _created(outcome) or _page(form, status=outcome.status)


def _created(outcome: Outcome[tuple[object, str]]) -> tuple[str, int] | None:
    """The page with the new feed's address, shown this once (the raw token is never stored)."""
    if not outcome.done or outcome.result is None:
        return None
    _token, raw = outcome.result
    return _page(FeedTokenForm(formdata=None), created=feed_links("calendar.private_feed", token=raw))


@bp.post("/account/feeds/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    outcome = submit(
        RevokeForm(),
        lambda: services.revoke_feed_token(current_session(), actor=current_actor(), token_id=token_id),
        errors="flash",
    )
    back = url_for("feed_tokens.index")  # the refusal, if any, is flashed there
    return outcome.redirect(back, _("The feed was revoked; its address no longer works.")) or redirect(back)
