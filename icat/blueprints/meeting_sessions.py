"""One session of a meeting (issue 15): its page, with the answers (its own, else the
series'), who attended, its minutes and its documents; the forms to answer for it alone,
to record attendance once it has begun, its minutes and its documents."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from icat.core import clock
from icat.core.permissions import STAFF
from icat.meetings import documents, sessions
from icat.meetings.access import rsvp_entities
from icat.meetings.forms import DocumentForm, choices
from icat.meetings.markdown import render as markdown
from icat.meetings.minutes_forms import entity_choices
from icat.meetings.session_forms import AttendanceForm, SessionRsvpForm, minutes_fields, session_minutes_form
from icat.meetings.session_queries import SessionRecord, session_record
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor, requires
from icat.web.formatting import parse_occurrence_key
from icat.web.http import current_session
from icat.web.page_forms import Outcome, submit
from icat.web.uploads import document_upload

bp = Blueprint("meeting_sessions", __name__, url_prefix="/meetings/<int:meeting_id>/sessions/<key>")
Page = Response | tuple[str, int]


def _record(meeting_id: int, key: str) -> SessionRecord:
    rid = parse_occurrence_key(key)
    return session_record(current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=rid)


def _forms(record: SessionRecord, posted: Any = None) -> dict[str, Any]:
    """The page's forms; the one just posted keeps its input and messages."""
    rsvp = posted if isinstance(posted, SessionRsvpForm) else SessionRsvpForm(prefix="srsvp")
    rsvp.entity.choices = choices([(a, a) for a in rsvp_entities(current_session(), record.meeting, current_actor())])
    attendance = posted if isinstance(posted, AttendanceForm) else AttendanceForm(prefix="att")
    attendance.set_entities(record.meeting.invitee_acronyms, record)
    return {"rsvp_form": rsvp, "attendance_form": attendance, "document_form": DocumentForm(prefix="sdoc")}


def _page(meeting_id: int, key: str, outcome: Outcome[object] | None = None) -> tuple[str, int]:
    record = _record(meeting_id, key)
    actor, now = current_actor(), clock.now()
    page = render_template(
        "meetings/session.html",
        record=record,
        meeting=record.meeting,
        occurrence=record.occurrence,
        key=key,
        minutes_html=markdown(record.minutes.text) if record.minutes else "",
        can_edit=actor is not None and actor.role in STAFF,
        is_over=record.occurrence.ends_at <= now,
        has_begun=record.occurrence.starts_at <= now,
        **_forms(record, outcome.form if outcome else None),
    )
    return page, outcome.status if outcome else 200


def _done(outcome: Outcome[object], meeting_id: int, key: str, message: str, anchor: str) -> Page:
    url = url_for("meeting_sessions.show", meeting_id=meeting_id, key=key, _anchor=anchor)
    return outcome.redirect(url, message) or _page(meeting_id, key, outcome)


def _named(meeting_id: int, key: str) -> dict[str, Any]:
    return {"actor": current_actor(), "meeting_id": meeting_id, "recurrence_id": parse_occurrence_key(key)}


@bp.get("")
def show(meeting_id: int, key: str) -> tuple[str, int]:
    return _page(meeting_id, key)


@bp.post("/rsvp")
@login_required
def rsvp(meeting_id: int, key: str) -> Page:
    form = _forms(_record(meeting_id, key))["rsvp_form"]
    outcome = submit(
        form, lambda: sessions.give_session_rsvp(current_session(), **_named(meeting_id, key), **form.to_fields())
    )
    return _done(outcome, meeting_id, key, _("Your answer for this session is recorded."), "answers")


@bp.post("/attendance")
@login_required
@requires(STAFF, _l("record attendance"))
def attendance(meeting_id: int, key: str) -> Page:
    form = _forms(_record(meeting_id, key))["attendance_form"]
    outcome = submit(
        form, lambda: sessions.record_attendance(current_session(), **_named(meeting_id, key), **form.to_fields())
    )
    return _done(outcome, meeting_id, key, _("Attendance recorded."), "attendance")


def _minutes_page(record: SessionRecord, outcome: Outcome[object]) -> tuple[str, int]:
    page = render_template("meetings/minutes_form.html", meeting=record.meeting, form=outcome.form, for_session=record)
    return page, outcome.status


@bp.route("/minutes", methods=["GET", "POST"])
@login_required
@requires(STAFF, _l("record minutes"))
def minutes(meeting_id: int, key: str) -> Page:
    record = _record(meeting_id, key)
    form = session_minutes_form(record)
    form.set_choices(entity_choices(record.meeting.invitees, list_entities(current_session(), EntityFilter())))
    outcome = submit(
        form,
        lambda: sessions.record_session_minutes(current_session(), **_named(meeting_id, key), **minutes_fields(form)),
    )
    url = url_for("meeting_sessions.show", meeting_id=meeting_id, key=key, _anchor="minutes")
    return outcome.redirect(url, _("Minutes saved.")) or _minutes_page(record, outcome)


@bp.post("/documents")
@login_required
@requires(STAFF, _l("upload documents"))
def upload(meeting_id: int, key: str) -> Page:
    outcome = submit(
        DocumentForm(prefix="sdoc"),
        lambda: documents.attach_document(current_session(), **_named(meeting_id, key), **document_upload()),
        errors="flash",
    )
    return _done(outcome, meeting_id, key, _("Document uploaded."), "documents")
