"""Meeting pages: the calendar (month grid and list), one meeting, and the meeting form (the
secretariat schedules; a co-chair's focal point proposes, and the secretariat confirms or
declines on the meeting page). Server-rendered, working without JavaScript; times in the
viewer's zone and the meeting's."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from icat.core import clock
from icat.core.permissions import FOCAL_POINTS, STAFF
from icat.meetings import participation, proposals, services
from icat.meetings.access import may_change_proposal, meeting_to_change, proposal_years, rsvp_entities
from icat.meetings.forms import (
    CancelForm,
    DeclineForm,
    DocumentDeleteForm,
    DocumentForm,
    FollowForm,
    ProposalActionForm,
    RsvpForm,
    choices,
)
from icat.meetings.markdown import render as markdown
from icat.meetings.meeting_forms import FIELD_MAP, MeetingForm
from icat.meetings.models import MEETING_KINDS, Meeting
from icat.meetings.month import Month, month_view
from icat.meetings.plain_forms import zone_options
from icat.meetings.queries import get_meeting, is_following
from icat.meetings.schemas import CalendarArgsSchema
from icat.observances.queries import observances_between
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor, requires
from icat.web.formatting import viewer_zone
from icat.web.http import current_session, load_args
from icat.web.links import feed_links
from icat.web.page_forms import Outcome, submit

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
ResponseOrPage = Response | tuple[str, int]


def _feed(args: dict[str, Any]) -> dict[str, str]:
    """Subscription links for what the calendar shows: the entity's, the kind's or the public feed."""
    if args.get("entity"):
        return feed_links("calendar.entity_feed", acronym=args["entity"])
    if args.get("kind"):
        return feed_links("calendar.kind_feed", kind=args["kind"])
    return feed_links("calendar.icat_feed")


@bp.get("")
def calendar() -> str:
    args = load_args(CalendarArgsSchema())
    today = clock.now().astimezone(viewer_zone()).date()
    month = _month(args, today)
    return render_template(
        "meetings/calendar.html", month=month, args=args, today=today, **_filters(args), **_observances(month)
    )


def _observances(month: Month) -> dict[str, Any]:
    """The observances on the days the calendar shows (the World Day and the others)."""
    first, last = month.weeks[0][0], month.weeks[-1][-1]
    return {"observance_days": observances_between(current_session(), first, last)}


def _month(args: dict[str, Any], today: date) -> Month:
    """The month the calendar shows (this one unless asked), in the viewer's zone."""
    year, month = args.get("year", today.year), args.get("month", today.month)
    kind, entity = args.get("kind"), args.get("entity")
    return month_view(
        current_session(), actor=current_actor(), year=year, month=month, zone=viewer_zone(), kind=kind, entity=entity
    )


def _filters(args: dict[str, Any]) -> dict[str, Any]:
    """The calendar's filters, feed links and buttons."""
    return {
        "kinds": MEETING_KINDS,
        "entities": list_entities(current_session(), EntityFilter()),
        "feed": _feed(args),
        "can_edit": _can_edit(),
        "can_propose": bool(proposal_years(current_session(), current_actor())),
    }


def _can_edit() -> bool:
    actor = current_actor()
    return actor is not None and actor.role in STAFF


def _rsvp_form(meeting: Meeting) -> RsvpForm:
    """The RSVP form with the entities the viewer may answer for."""
    form = RsvpForm(prefix="rsvp")
    form.entity.choices = choices([(a, a) for a in rsvp_entities(current_session(), meeting, current_actor())])
    return form


def _show(meeting_id: int, rsvp_form: RsvpForm | None = None, status: int = 200) -> tuple[str, int]:
    session, actor = current_session(), current_actor()
    meeting = get_meeting(session, meeting_id, actor=actor)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        description=markdown(meeting.description),
        minutes_html=markdown(meeting.minutes.text) if meeting.minutes else "",
        rsvp_form=rsvp_form or _rsvp_form(meeting),
        cancel_form=CancelForm(prefix="cancel"),
        delete_forms={d.id: DocumentDeleteForm(prefix=f"del{d.id}") for d in meeting.documents},
        document_form=DocumentForm(prefix="doc"),
        follow_form=FollowForm(prefix="follow"),
        following=is_following(session, meeting.id, actor),
        can_edit=_can_edit(),
        own_proposal=may_change_proposal(actor, meeting) and not _can_edit(),
        confirm_form=ProposalActionForm(prefix="confirm"),
        decline_form=DeclineForm(prefix="decline"),
        withdraw_form=ProposalActionForm(prefix="withdraw"),
        ics_url=url_for("calendar.meeting_ics", meeting_id=meeting.id),
    ), status


def _detail_url(meeting_id: int) -> str:
    return url_for("meetings.detail", meeting_id=meeting_id)


def _on_detail(
    outcome: Outcome[object], meeting_id: int, message: str | None, then: str | None = None
) -> ResponseOrPage:
    """A button of the meeting page: on to ``then`` (the meeting) with ``message`` flashed,
    or the meeting page again with the flashed refusal and its status."""
    return outcome.redirect(then or _detail_url(meeting_id), message) or _show(meeting_id, status=outcome.status)


@bp.get("/<int:meeting_id>")
def detail(meeting_id: int) -> tuple[str, int]:
    return _show(meeting_id)


def _meeting_form(meeting_id: int | None = None) -> MeetingForm:
    """The meeting form with the entities to invite; on first view of an edit, the meeting."""
    form = MeetingForm(prefix="m")
    form.set_entities(list(list_entities(current_session(), EntityFilter())))
    if meeting_id is not None and not form.is_submitted():
        form.fill(meeting_to_change(current_session(), meeting_id, current_actor()))
    return form


def _form_page(outcome: Outcome[object], meeting_id: int | None, proposing: bool = False) -> tuple[str, int]:
    page = render_template(
        "meetings/form.html", form=outcome.form, meeting_id=meeting_id, proposing=proposing, zone_options=zone_options()
    )
    return page, outcome.status


def _saying(message: object, form: MeetingForm) -> str:
    """The success message, with what the form noticed (a start the clocks pass twice)."""
    return " ".join([str(message), *form.notices])


SUBMITTED_MESSAGES = {
    "scheduled": _l("Meeting scheduled."),
    "proposed": _l("Meeting proposed: the secretariat confirms or declines it."),
}


@bp.route("/new", methods=["GET", "POST"])
@login_required
@requires(STAFF | FOCAL_POINTS, _l("schedule meetings"))
def new() -> ResponseOrPage:
    # The secretariat schedules; a co-chair's focal point proposes (anyone else: 403).
    status, form = proposals.submission_status(current_session(), current_actor()), _meeting_form()
    outcome = submit(
        form,
        lambda: proposals.submit_meeting(current_session(), actor=current_actor(), status=status, **form.to_fields()),
        aliases=FIELD_MAP,
    )
    made = outcome.redirect(lambda meeting: _detail_url(meeting.id), _saying(SUBMITTED_MESSAGES[status], form))
    return made or _form_page(outcome, None, proposing=status == "proposed")


def _update(meeting_id: int, form: MeetingForm) -> Meeting:
    """Save the form at the version it was filled from: a stale one is refused."""
    return services.update_meeting(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        version=form.edited_version(),
        changes=form.to_fields(),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
@requires(STAFF | FOCAL_POINTS, _l("change meetings"))
def edit(meeting_id: int) -> ResponseOrPage:
    form = _meeting_form(meeting_id)
    outcome = submit(form, lambda: _update(meeting_id, form), aliases=FIELD_MAP)
    done = outcome.redirect(_detail_url(meeting_id), _saying(_("Meeting changed."), form))
    return done or _form_page(outcome, meeting_id)


@bp.post("/<int:meeting_id>/cancel")
@login_required
@requires(STAFF, _l("cancel meetings"))
def cancel(meeting_id: int) -> ResponseOrPage:
    form = CancelForm(prefix="cancel")
    outcome = submit(
        form,
        lambda: services.cancel_meeting(
            current_session(), actor=current_actor(), meeting_id=meeting_id, reason=form.reason.data or ""
        ),
        errors="flash",
    )
    return _on_detail(outcome, meeting_id, _("Meeting cancelled."))


@bp.post("/<int:meeting_id>/rsvp")
@login_required
def rsvp(meeting_id: int) -> ResponseOrPage:
    form = _rsvp_form(get_meeting(current_session(), meeting_id, actor=current_actor()))
    outcome = submit(
        form,
        lambda: participation.give_rsvp(
            current_session(), actor=current_actor(), meeting_id=meeting_id, **form.to_fields()
        ),
    )
    return outcome.redirect(_detail_url(meeting_id), _("Your answer is recorded.")) or _show(
        meeting_id, form, outcome.status
    )


@bp.post("/<int:meeting_id>/follow")
@login_required
def follow(meeting_id: int) -> ResponseOrPage:
    form = FollowForm(prefix="follow")
    outcome = submit(
        form,
        lambda: participation.set_following(
            current_session(), actor=current_actor(), meeting_id=meeting_id, following=form.wants_following()
        ),
        errors="flash",
    )
    return _on_detail(outcome, meeting_id, None)


@bp.post("/<int:meeting_id>/confirm")
@login_required
@requires(STAFF, _l("confirm proposed meetings"))
def confirm(meeting_id: int) -> ResponseOrPage:
    form = ProposalActionForm(prefix="confirm")
    outcome = submit(
        form,
        lambda: proposals.confirm_proposal(
            current_session(), actor=current_actor(), meeting_id=meeting_id, version=form.version_number()
        ),
        errors="flash",
    )
    return _on_detail(outcome, meeting_id, _("Meeting confirmed: it is on the calendar now."))


@bp.post("/<int:meeting_id>/decline")
@login_required
@requires(STAFF, _l("decline proposed meetings"))
def decline(meeting_id: int) -> ResponseOrPage:
    form = DeclineForm(prefix="decline")
    outcome = submit(
        form,
        lambda: proposals.decline_proposal(
            current_session(), actor=current_actor(), meeting_id=meeting_id, **form.to_fields()
        ),
        errors="flash",
    )
    return _on_detail(outcome, meeting_id, _("Proposal declined; the proposer is told."), url_for("meetings.calendar"))


@bp.post("/<int:meeting_id>/withdraw")
@login_required
@requires(STAFF | FOCAL_POINTS, _l("withdraw proposed meetings"))
def withdraw(meeting_id: int) -> ResponseOrPage:
    form = ProposalActionForm(prefix="withdraw")
    outcome = submit(
        form,
        lambda: proposals.withdraw_proposal(
            current_session(), actor=current_actor(), meeting_id=meeting_id, version=form.version_number()
        ),
        errors="flash",
    )
    return _on_detail(outcome, meeting_id, _("Proposal withdrawn."), url_for("meetings.calendar"))
