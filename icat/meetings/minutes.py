"""A meeting's agenda and minutes (decisions, action items with owner entity and due date)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import ValidationError
from icat.core.permissions import STAFF, require_role
from icat.core.text import text_problem
from icat.meetings import rules
from icat.meetings.events import AgendaChanged, MinutesRecorded
from icat.meetings.models import ActionItem, AgendaItem, Decision, Meeting, Minutes
from icat.meetings.services import load_for_edit, resolve_invitees, touch

MAX_ITEMS = 100


class AgendaInput(TypedDict, total=False):
    title: str
    notes: str
    lead_entity: str | None


class ActionInput(TypedDict, total=False):
    text: str
    owner: str | None
    due_on: date | None
    done: bool


def _meeting(session: Session, meeting_id: int, version: int | None = None) -> Meeting:
    """The meeting; when ``version`` is given it must be current (a form that shows the whole
    agenda or the whole minutes must not silently overwrite what someone else saved meanwhile)."""
    return load_for_edit(session, meeting_id, version, required=False)


def _check(errors: rules.Errors, field: str, index: int, text: Any, limit_key: str, required: bool = True) -> None:
    if required and not (text or "").strip():
        errors.setdefault(field, []).append(_l("Item %(n)s: text is required.", n=index + 1))
    elif text and len(text) > rules.LIMITS[limit_key]:
        errors.setdefault(field, []).append(
            _l("Item %(n)s: at most %(limit)s characters.", n=index + 1, limit=rules.LIMITS[limit_key])
        )
    elif text and (problem := text_problem(text, multiline=limit_key in rules.MULTILINE)):
        errors.setdefault(field, []).append(_l("Item %(n)s: %(problem)s", n=index + 1, problem=problem))


def _entities(session: Session, acronyms: list[str | None], field: str, errors: rules.Errors) -> dict[str, Any]:
    named = [a for a in acronyms if a]
    found: rules.Errors = {}
    entities = {e.acronym: e for e in resolve_invitees(session, named, found)}
    for message in found.get("invitees", []):
        errors.setdefault(field, []).append(message)
    return entities


def set_agenda(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    items: list[AgendaInput],
    version: int | None = None,
) -> Meeting:
    """Replace the agenda with ``items`` in order (admin, secretariat); ``version``, when
    given, is the meeting version the agenda was edited at. Raises Forbidden, NotFound,
    StaleVersion (an older version),
    ValidationError (blank or long titles, unknown lead entity). Emits AgendaChanged."""
    require_role(actor, STAFF, _l("change agendas"))
    meeting = _meeting(session, meeting_id, version)
    errors: rules.Errors = {}
    if len(items) > MAX_ITEMS:
        errors["items"] = [_l("At most %(n)s items.", n=MAX_ITEMS)]
    for i, item in enumerate(items):
        _check(errors, "items", i, item.get("title"), "agenda_title")
        _check(errors, "items", i, item.get("notes"), "agenda_notes", required=False)
    leads = _entities(session, [i.get("lead_entity") for i in items], "items", errors)
    if errors:
        raise ValidationError(_l("The agenda is invalid."), fields=errors, rule="minutes.agenda_invalid")
    meeting.agenda_items = [
        AgendaItem(
            position=n, title=i["title"], notes=i.get("notes") or "", lead_entity=leads.get(i.get("lead_entity") or "")
        )
        for n, i in enumerate(items)
    ]
    touch(meeting)
    session.flush()
    outbox.record(session, AgendaChanged(meeting_id=meeting.id, items=[i["title"] for i in items]), actor=actor)
    return meeting


def record_minutes(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    text: str,
    decisions: list[str],
    action_items: list[ActionInput],
    version: int | None = None,
) -> Meeting:
    """Record or replace the minutes (admin, secretariat): narrative, decisions, action items;
    ``version``, when given, is the meeting version they were edited at. Raises Forbidden,
    NotFound, StaleVersion (an older version),
    ValidationError (long texts, unknown owner entity). Emits MinutesRecorded."""
    require_role(actor, STAFF, _l("record minutes"))
    meeting = _meeting(session, meeting_id, version)
    owners = check_minutes(session, text, decisions, action_items)
    now = clock.now()
    if meeting.minutes is None:
        meeting.minutes = Minutes(text=text, recorded_by=actor.user_id, recorded_at=now)
    else:
        meeting.minutes.text, meeting.minutes.recorded_by, meeting.minutes.recorded_at = text, actor.user_id, now
    meeting.decisions = [Decision(position=n, text=d) for n, d in enumerate(decisions)]
    meeting.action_items = action_rows(action_items, owners)
    touch(meeting)
    session.flush()
    event = MinutesRecorded(meeting_id=meeting.id, decisions=len(decisions), action_items=len(action_items))
    outbox.record(session, event, actor=actor)
    return meeting


def check_minutes(session: Session, text: str, decisions: list[str], action_items: list[ActionInput]) -> dict[str, Any]:
    """The owner entities of ``action_items`` by acronym, once the minutes pass the rules
    (lengths, clean text, at most ``MAX_ITEMS`` rows, known owners); ValidationError otherwise."""
    errors: rules.Errors = {}
    if len(text) > rules.LIMITS["minutes"]:
        errors["text"] = [_l("At most %(n)s characters.", n=rules.LIMITS["minutes"])]
    elif problem := text_problem(text, multiline=True):
        errors["text"] = [problem]
    for i, decision in enumerate(decisions[: MAX_ITEMS + 1]):
        _check(errors, "decisions", i, decision, "decision")
    for i, action in enumerate(action_items[: MAX_ITEMS + 1]):
        _check(errors, "action_items", i, action.get("text"), "action_item")
    if len(decisions) > MAX_ITEMS or len(action_items) > MAX_ITEMS:
        errors.setdefault("_schema", []).append(_l("At most %(n)s decisions and %(n)s action items.", n=MAX_ITEMS))
    owners = _entities(session, [a.get("owner") for a in action_items], "action_items", errors)
    if errors:
        raise ValidationError(_l("The minutes are invalid."), fields=errors, rule="minutes.minutes_invalid")
    return owners


def action_rows(action_items: list[ActionInput], owners: dict[str, Any], **extra: Any) -> list[ActionItem]:
    """New action item rows (``extra``: the session's ``recurrence_id``)."""
    return [
        ActionItem(
            text=a["text"],
            owner=owners.get(a.get("owner") or ""),
            due_on=a.get("due_on"),
            done=a.get("done", False),
            **extra,
        )
        for a in action_items
    ]
