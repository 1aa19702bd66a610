"""Pages for a meeting's record (issue 4): the agenda, the minutes, and one occurrence of a
recurring meeting moved or cancelled. The secretariat's forms; the meeting page shows the
results (``meetings/_agenda.html``, ``_minutes.html``, ``_occurrences.html``).

Each route: parse the form → one service (``records``, ``series``) → redirect, or the same
page again with the messages beside their fields (422, or the service's status).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from icat.core.permissions import STAFF
from icat.meetings import minutes as minutes_svc
from icat.meetings import series
from icat.meetings.meeting_forms import FIELD_MAP
from icat.meetings.minutes_forms import (
    AgendaForm,
    MinutesForm,
    OccurrenceCancelForm,
    OccurrenceMoveForm,
    OccurrenceReinstateForm,
    entity_choices,
)
from icat.meetings.models import Meeting
from icat.meetings.queries import get_meeting
from icat.meetings.recurrence import Occurrence, find_occurrence
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor, requires
from icat.web.formatting import parse_occurrence_key
from icat.web.http import current_session
from icat.web.page_forms import Outcome, submit

bp = Blueprint("meeting_minutes", __name__, url_prefix="/meetings")

# The services name a whole list ("items", "decisions", "action_items") rather than a row:
# such messages go to the top of the form. An empty alias names no field.
LIST_FIELDS = {"items": "", "decisions": "", "action_items": ""}


def _meeting(meeting_id: int) -> Meeting:
    return get_meeting(current_session(), meeting_id, actor=current_actor())


def _entity_choices(meeting: Meeting) -> list[SelectChoice]:
    return entity_choices(meeting.invitees, list_entities(current_session(), EntityFilter()))


def _back(meeting_id: int, anchor: str) -> str:
    return url_for("meetings.detail", meeting_id=meeting_id, _anchor=anchor)


def _record_form(form: AgendaForm | MinutesForm, meeting: Meeting) -> AgendaForm | MinutesForm:
    """The agenda or minutes form: the stored record on first view, the entities to choose."""
    if not form.is_submitted():
        form.fill(meeting)
    form.set_choices(_entity_choices(meeting))
    return form


# --- agenda ---------------------------------------------------------------------------
def _agenda_page(meeting: Meeting, outcome: Outcome[object]) -> tuple[str, int]:
    return render_template("meetings/agenda_form.html", meeting=meeting, form=outcome.form), outcome.status


@bp.route("/<int:meeting_id>/agenda", methods=["GET", "POST"])
@login_required
@requires(STAFF, _l("change agendas"))
def agenda(meeting_id: int) -> Response | tuple[str, int]:
    meeting = _meeting(meeting_id)
    form = _record_form(AgendaForm(prefix="agenda"), meeting)
    outcome = submit(
        form,
        lambda: minutes_svc.set_agenda(
            current_session(), actor=current_actor(), meeting_id=meeting_id, **form.to_fields()
        ),
        aliases=LIST_FIELDS,
    )
    return outcome.redirect(_back(meeting_id, "agenda"), _("Agenda saved.")) or _agenda_page(meeting, outcome)


# --- minutes --------------------------------------------------------------------------
def _minutes_page(meeting: Meeting, outcome: Outcome[object]) -> tuple[str, int]:
    return render_template("meetings/minutes_form.html", meeting=meeting, form=outcome.form), outcome.status


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
@requires(STAFF, _l("record minutes"))
def minutes(meeting_id: int) -> Response | tuple[str, int]:
    meeting = _meeting(meeting_id)
    form = _record_form(MinutesForm(prefix="minutes"), meeting)
    outcome = submit(
        form,
        lambda: minutes_svc.record_minutes(
            current_session(), actor=current_actor(), meeting_id=meeting_id, **form.to_fields()
        ),
        aliases=LIST_FIELDS,
    )
    return outcome.redirect(_back(meeting_id, "minutes"), _("Minutes saved.")) or _minutes_page(meeting, outcome)


# --- one occurrence of a series -------------------------------------------------------
def _occurrence_page(
    meeting_id: int, recurrence_id: datetime, outcome: Outcome[object] | None = None
) -> tuple[str, int]:
    """The occurrence as it stands now, with its forms (a posted one keeps its input)."""
    meeting = _meeting(meeting_id)
    occurrence: Occurrence = find_occurrence(meeting, recurrence_id)
    posted = outcome.form if outcome else None
    move_form = posted if isinstance(posted, OccurrenceMoveForm) else None
    if move_form is None:
        move_form = OccurrenceMoveForm(prefix="move")
        move_form.fill(occurrence.starts_at, occurrence.ends_at, meeting.timezone)
    return render_template(
        "meetings/occurrence.html",
        meeting=meeting,
        occurrence=occurrence,
        move_form=move_form,
        cancel_form=posted if isinstance(posted, OccurrenceCancelForm) else OccurrenceCancelForm(prefix="occ-cancel"),
        reinstate_form=OccurrenceReinstateForm(prefix="occ-reinstate"),
    ), outcome.status if outcome else 200


def _occurrence_done(
    outcome: Outcome[object], meeting_id: int, recurrence_id: datetime, message: str
) -> Response | tuple[str, int]:
    """Back to the meeting's occurrences with ``message``, or this occurrence's page again."""
    return outcome.redirect(_back(meeting_id, "occurrences"), message) or _occurrence_page(
        meeting_id, recurrence_id, outcome
    )


@bp.get("/<int:meeting_id>/occurrences/<key>")
@login_required
@requires(STAFF, _l("move meetings"))
def occurrence(meeting_id: int, key: str) -> tuple[str, int]:
    return _occurrence_page(meeting_id, parse_occurrence_key(key))


@bp.post("/<int:meeting_id>/occurrences/<key>/move")
@login_required
@requires(STAFF, _l("move meetings"))
def move_occurrence(meeting_id: int, key: str) -> Response | tuple[str, int]:
    rid, form = parse_occurrence_key(key), OccurrenceMoveForm(prefix="move")
    zone = _meeting(meeting_id).timezone  # the form's local times are the meeting's own
    outcome = submit(
        form,
        lambda: series.move_occurrence(
            current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=rid, **form.to_times(zone)
        ),
        aliases=FIELD_MAP,
    )
    return _occurrence_done(outcome, meeting_id, rid, _("The occurrence is moved."))


def _on_occurrence(
    meeting_id: int, key: str, form: FlaskForm, service: Callable[..., object], message: str, **extra: Any
) -> Response | tuple[str, int]:
    """Run ``service`` on the occurrence named by ``key`` once ``form`` is valid (``extra``
    read from the form when it runs), then back to the occurrences, or this page again."""
    rid = parse_occurrence_key(key)
    outcome = submit(
        form,
        lambda: service(
            current_session(),
            actor=current_actor(),
            meeting_id=meeting_id,
            recurrence_id=rid,
            **{name: read() for name, read in extra.items()},
        ),
    )
    return _occurrence_done(outcome, meeting_id, rid, message)


@bp.post("/<int:meeting_id>/occurrences/<key>/cancel")
@login_required
@requires(STAFF, _l("cancel meetings"))
def cancel_occurrence(meeting_id: int, key: str) -> Response | tuple[str, int]:
    form = OccurrenceCancelForm(prefix="occ-cancel")
    reason = lambda: form.reason.data  # noqa: E731 (read when the service runs)
    return _on_occurrence(
        meeting_id, key, form, series.cancel_occurrence, _("The occurrence is cancelled."), reason=reason
    )


@bp.post("/<int:meeting_id>/occurrences/<key>/reinstate")
@login_required
@requires(STAFF, _l("reinstate meetings"))
def reinstate_occurrence(meeting_id: int, key: str) -> Response | tuple[str, int]:
    form = OccurrenceReinstateForm(prefix="occ-reinstate")
    return _on_occurrence(meeting_id, key, form, series.reinstate_occurrence, _("The occurrence is back on."))
