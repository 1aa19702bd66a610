"""Meeting pages: the calendar (month grid and list), one meeting, and the meeting form (the
secretariat schedules; a co-chair's focal point proposes, and the secretariat confirms or
declines on the meeting page). Server-rendered, working without JavaScript; times in the
viewer's zone and the meeting's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from icat.core import clock
from icat.core.permissions import FOCAL_POINTS as PROPOSERS
from icat.core.permissions import STAFF as EDITORS
from icat.meetings import documents, participation, proposals, services
from icat.meetings.access import may_change_proposal, meeting_to_change, proposal_years, rsvp_entities
from icat.meetings.forms import (
    FIELD_MAP,
    CancelForm,
    DeclineForm,
    DocumentForm,
    FollowForm,
    MeetingForm,
    ProposalActionForm,
    RsvpForm,
    choices,
)
from icat.meetings.markdown import render as markdown
from icat.meetings.models import KINDS
from icat.meetings.month import month_view
from icat.meetings.queries import get_meeting, is_following
from icat.meetings.schemas import CalendarArgsSchema
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor, requires
from icat.web.formatting import viewer_zone
from icat.web.http import attempt, current_session, load_args, show_errors
from icat.web.links import feed_links

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


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
    zone = viewer_zone()
    today = clock.now().astimezone(zone).date()
    month = month_view(
        current_session(),
        actor=current_actor(),
        year=args.get("year", today.year),
        month=args.get("month", today.month),
        zone=zone,
        kind=args.get("kind"),
        entity=args.get("entity"),
    )
    return render_template(
        "meetings/calendar.html",
        month=month,
        args=args,
        today=today,
        kinds=KINDS,
        entities=list_entities(current_session(), EntityFilter()),
        feed=_feed(args),
        can_edit=_can_edit(),
        can_propose=bool(proposal_years(current_session(), current_actor())),
    )


def _can_edit() -> bool:
    actor = current_actor()
    return actor is not None and actor.role in EDITORS


def _show(meeting_id: int, rsvp_form: RsvpForm | None = None, status: int = 200) -> tuple[str, int]:
    session, actor = current_session(), current_actor()
    meeting = get_meeting(session, meeting_id, actor=actor)
    if rsvp_form is None:
        rsvp_form = RsvpForm(prefix="rsvp")
        rsvp_form.entity.choices = choices([(a, a) for a in rsvp_entities(session, meeting, actor)])
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        description=markdown(meeting.description),
        minutes_html=markdown(meeting.minutes.text) if meeting.minutes else "",
        rsvp_form=rsvp_form,
        cancel_form=CancelForm(prefix="cancel"),
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


@bp.get("/<int:meeting_id>")
def detail(meeting_id: int) -> tuple[str, int]:
    return _show(meeting_id)


def _meeting_form() -> MeetingForm:
    form = MeetingForm(prefix="m")
    entities = list_entities(current_session(), EntityFilter())
    form.invitees.choices = choices([(e.acronym, f"{e.acronym} · {e.name}") for e in entities])
    return form


def _form_page(
    form: MeetingForm, meeting_id: int | None, status: int = 200, proposing: bool = False
) -> tuple[str, int]:
    return render_template("meetings/form.html", form=form, meeting_id=meeting_id, proposing=proposing), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
@requires(EDITORS | PROPOSERS, "schedule meetings")
def new() -> Response | tuple[str, int]:
    # The secretariat schedules; a co-chair's focal point proposes (anyone else: 403).
    status = proposals.submission_status(current_session(), current_actor())
    form, proposing = _meeting_form(), status == "proposed"
    if not form.validate_on_submit():
        return _form_page(form, None, 422 if form.errors else 200, proposing)
    made: list[int] = []
    error = attempt(
        lambda: made.append(
            proposals.submit_meeting(current_session(), actor=current_actor(), status=status, **form.to_fields()).id
        )
    )
    if error:
        show_errors(form, error, FIELD_MAP)
        return _form_page(form, None, error.status, proposing)
    flash(_("Meeting proposed: the secretariat confirms or declines it.") if proposing else _("Meeting scheduled."))
    return redirect(url_for("meetings.detail", meeting_id=made[0]))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
@requires(EDITORS | PROPOSERS, "change meetings")
def edit(meeting_id: int) -> Response | tuple[str, int]:
    form = _meeting_form()
    if request.method == "GET":
        form.fill(meeting_to_change(current_session(), meeting_id, current_actor()))
        return _form_page(form, meeting_id)
    if not form.validate_on_submit():
        return _form_page(form, meeting_id, 422)
    error = attempt(
        lambda: services.update_meeting(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            version=int(form.version.data) if (form.version.data or "").isdigit() else None,
            changes=form.to_fields(),
        )
    )
    if error:
        show_errors(form, error, FIELD_MAP)
        return _form_page(form, meeting_id, error.status)
    flash(_("Meeting changed."))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/cancel")
@login_required
@requires(EDITORS, "cancel meetings")
def cancel(meeting_id: int) -> Response | tuple[str, int]:
    form = CancelForm(prefix="cancel")
    if not form.validate_on_submit():
        return _show(meeting_id, status=422)
    error = attempt(
        lambda: services.cancel_meeting(
            current_session(), actor=current_actor(), meeting_id=meeting_id, reason=form.reason.data or ""
        )
    )
    if error:
        flash(error.message)
        return _show(meeting_id, status=error.status)
    flash(_("Meeting cancelled."))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/rsvp")
@login_required
def rsvp(meeting_id: int) -> Response | tuple[str, int]:
    form = RsvpForm(prefix="rsvp")
    meeting = get_meeting(current_session(), meeting_id, actor=current_actor())
    form.entity.choices = choices([(a, a) for a in rsvp_entities(current_session(), meeting, current_actor())])
    if not form.validate_on_submit():
        return _show(meeting_id, form, 422)
    error = attempt(
        lambda: participation.give_rsvp(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            entity=form.entity.data,
            response=form.response.data,
        )
    )
    if error:
        show_errors(form, error)
        return _show(meeting_id, form, error.status)
    flash(_("Your answer is recorded."))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/follow")
@login_required
def follow(meeting_id: int) -> Response:
    form = FollowForm(prefix="follow")
    following = is_following(current_session(), meeting_id, current_actor())
    action = participation.unfollow if following else participation.follow
    if form.validate_on_submit():
        attempt(lambda: action(current_session(), actor=current_actor(), meeting_id=meeting_id))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/documents")
@login_required
@requires(EDITORS, "upload documents")
def upload(meeting_id: int) -> Response | tuple[str, int]:
    form = DocumentForm(prefix="doc")
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None:
        flash(_("Choose a file to upload."))
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    error = attempt(
        lambda: documents.attach_document(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            filename=upload.filename or "",
            content=upload.read(limit + 1),
            storage_root=Path(current_app.instance_path),
            max_bytes=limit,
        )
    )
    if error:
        flash(" ".join(str(m) for messages in error.fields.values() for m in messages) or error.message)
        return _show(meeting_id, status=error.status)
    flash(_("Document uploaded."))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.get("/<int:meeting_id>/documents/<int:document_id>")
def document(meeting_id: int, document_id: int) -> Response:
    doc = documents.document_for(
        current_session(), actor=current_actor(), meeting_id=meeting_id, document_id=document_id
    )
    path = Path(current_app.instance_path) / doc.stored_path
    response = send_file(path, mimetype=doc.content_type)
    response.headers["Content-Disposition"] = documents.content_disposition(doc.filename)  # RFC 6266
    return response


def _act(
    meeting_id: int, form: ProposalActionForm, action: Callable[[], object], done: str, then: str
) -> Response | tuple[str, int]:
    """A proposal's button: check the form, run the service in its own unit of work, and
    show the meeting again with the refusal, or go on to ``then`` with ``done`` flashed."""
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors))
        return _show(meeting_id, status=422)
    error = attempt(action)
    if error:
        flash(error.message)
        return _show(meeting_id, status=error.status)
    flash(done)
    return redirect(then)


@bp.post("/<int:meeting_id>/confirm")
@login_required
@requires(EDITORS, "confirm proposed meetings")
def confirm(meeting_id: int) -> Response | tuple[str, int]:
    form = ProposalActionForm(prefix="confirm")
    return _act(
        meeting_id,
        form,
        lambda: proposals.confirm_proposal(
            current_session(), actor=current_actor(), meeting_id=meeting_id, version=form.version_number()
        ),
        _("Meeting confirmed: it is on the calendar now."),
        url_for("meetings.detail", meeting_id=meeting_id),
    )


@bp.post("/<int:meeting_id>/decline")
@login_required
@requires(EDITORS, "decline proposed meetings")
def decline(meeting_id: int) -> Response | tuple[str, int]:
    form = DeclineForm(prefix="decline")
    return _act(
        meeting_id,
        form,
        lambda: proposals.decline_proposal(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            reason=form.reason.data or "",
            version=form.version_number(),
        ),
        _("Proposal declined; the proposer is told."),
        url_for("meetings.calendar"),
    )


@bp.post("/<int:meeting_id>/withdraw")
@login_required
@requires(EDITORS | PROPOSERS, "withdraw proposed meetings")
def withdraw(meeting_id: int) -> Response | tuple[str, int]:
    form = ProposalActionForm(prefix="withdraw")
    return _act(
        meeting_id,
        form,
        lambda: proposals.withdraw_proposal(
            current_session(), actor=current_actor(), meeting_id=meeting_id, version=form.version_number()
        ),
        _("Proposal withdrawn."),
        url_for("meetings.calendar"),
    )
