"""Pages for a meeting's record (issue 4): the agenda, the minutes, and one occurrence of a
recurring meeting moved or cancelled. The secretariat's forms; the meeting page shows the
results (``meetings/_agenda.html``, ``_minutes.html``, ``_occurrences.html``).

Each route: parse the form → one service (``records``, ``series``) → redirect, or the same
page again with the messages beside their fields (422, or the service's status).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from icat.core.permissions import STAFF as EDITORS
from icat.meetings import minutes as minutes_svc
from icat.meetings import series
from icat.meetings.forms import FIELD_MAP
from icat.meetings.minutes_forms import (
    AgendaForm,
    MinutesForm,
    OccurrenceCancelForm,
    OccurrenceMoveForm,
    entity_choices,
)
from icat.meetings.models import Meeting
from icat.meetings.queries import get_meeting
from icat.meetings.recurrence import Occurrence, find_occurrence
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor, requires
from icat.web.formatting import parse_occurrence_key
from icat.web.http import attempt, current_session, show_errors

bp = Blueprint("meeting_minutes", __name__, url_prefix="/meetings")

# The services name a whole list ("items", "decisions", "action_items") rather than a row:
# such messages go to the top of the form. An empty alias names no field.
LIST_FIELDS = {"items": "", "decisions": "", "action_items": ""}


def _meeting(meeting_id: int) -> Meeting:
    return get_meeting(current_session(), meeting_id, actor=current_actor())


def _entity_choices(meeting: Meeting) -> list[SelectChoice]:
    return entity_choices(meeting.invitees, list_entities(current_session(), EntityFilter()))


def _back(meeting_id: int, anchor: str) -> Response:
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor=anchor))


# --- agenda ---------------------------------------------------------------------------
def _agenda_page(meeting: Meeting, form: AgendaForm, status: int = 200) -> tuple[str, int]:
    return render_template("meetings/agenda_form.html", meeting=meeting, form=form), status


@bp.route("/<int:meeting_id>/agenda", methods=["GET", "POST"])
@login_required
@requires(EDITORS, "change agendas")
def agenda(meeting_id: int) -> Response | tuple[str, int]:
    meeting = _meeting(meeting_id)
    form = AgendaForm(prefix="agenda")
    if request.method == "GET":
        form.fill(meeting)
    form.set_choices(_entity_choices(meeting))
    if request.method == "GET":
        return _agenda_page(meeting, form)
    if not form.validate_on_submit():
        return _agenda_page(meeting, form, 422)
    error = attempt(
        lambda: minutes_svc.set_agenda(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            items=form.to_items(),
            version=form.edited_version(),
        )
    )
    if error:
        show_errors(form, error, LIST_FIELDS)
        return _agenda_page(meeting, form, error.status)
    flash(_("Agenda saved."))
    return _back(meeting_id, "agenda")


# --- minutes --------------------------------------------------------------------------
def _minutes_page(meeting: Meeting, form: MinutesForm, status: int = 200) -> tuple[str, int]:
    return render_template("meetings/minutes_form.html", meeting=meeting, form=form), status


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
@requires(EDITORS, "record minutes")
def minutes(meeting_id: int) -> Response | tuple[str, int]:
    meeting = _meeting(meeting_id)
    form = MinutesForm(prefix="minutes")
    if request.method == "GET":
        form.fill(meeting)
    form.set_choices(_entity_choices(meeting))
    if request.method == "GET":
        return _minutes_page(meeting, form)
    if not form.validate_on_submit():
        return _minutes_page(meeting, form, 422)
    error = attempt(
        lambda: minutes_svc.record_minutes(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            version=form.edited_version(),
            **form.to_fields(),
        )
    )
    if error:
        show_errors(form, error, LIST_FIELDS)
        return _minutes_page(meeting, form, error.status)
    flash(_("Minutes saved."))
    return _back(meeting_id, "minutes")


# --- one occurrence of a series -------------------------------------------------------
def _occurrence_page(
    meeting_id: int,
    recurrence_id: datetime,
    move_form: OccurrenceMoveForm | None = None,
    cancel_form: OccurrenceCancelForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The occurrence as it stands now, with the forms (posted ones keep their input)."""
    meeting = _meeting(meeting_id)
    occurrence: Occurrence = find_occurrence(meeting, recurrence_id)
    if move_form is None:
        move_form = OccurrenceMoveForm(prefix="move")
        move_form.fill(occurrence.starts_at, occurrence.ends_at, meeting.timezone)
    return render_template(
        "meetings/occurrence.html",
        meeting=meeting,
        occurrence=occurrence,
        move_form=move_form,
        cancel_form=cancel_form or OccurrenceCancelForm(prefix="occ-cancel"),
    ), status


@bp.get("/<int:meeting_id>/occurrences/<key>")
@login_required
@requires(EDITORS, "move meetings")
def occurrence(meeting_id: int, key: str) -> tuple[str, int]:
    return _occurrence_page(meeting_id, parse_occurrence_key(key))


@bp.post("/<int:meeting_id>/occurrences/<key>/move")
@login_required
@requires(EDITORS, "move meetings")
def move_occurrence(meeting_id: int, key: str) -> Response | tuple[str, int]:
    recurrence_id, form = parse_occurrence_key(key), OccurrenceMoveForm(prefix="move")
    if not form.validate_on_submit():
        return _occurrence_page(meeting_id, recurrence_id, move_form=form, status=422)
    zone = _meeting(meeting_id).timezone  # the form's local times are the meeting's own
    error = attempt(
        lambda: series.move_occurrence(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            recurrence_id=recurrence_id,
            **form.to_times(zone),
        )
    )
    if error:
        show_errors(form, error, FIELD_MAP)
        return _occurrence_page(meeting_id, recurrence_id, move_form=form, status=error.status)
    flash(_("The occurrence is moved."))
    return _back(meeting_id, "occurrences")


@bp.post("/<int:meeting_id>/occurrences/<key>/cancel")
@login_required
@requires(EDITORS, "cancel meetings")
def cancel_occurrence(meeting_id: int, key: str) -> Response | tuple[str, int]:
    recurrence_id, form = parse_occurrence_key(key), OccurrenceCancelForm(prefix="occ-cancel")
    if not form.validate_on_submit():
        return _occurrence_page(meeting_id, recurrence_id, cancel_form=form, status=422)
    error = attempt(
        lambda: series.cancel_occurrence(
            current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=recurrence_id
        )
    )
    if error:
        show_errors(form, error)
        return _occurrence_page(meeting_id, recurrence_id, cancel_form=form, status=error.status)
    flash(_("The occurrence is cancelled."))
    return _back(meeting_id, "occurrences")
