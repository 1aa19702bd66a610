"""Meeting rules: schedule, edit, cancel, and move or cancel one occurrence of a series.

Only the secretariat and admins change meetings, except that the focal point who proposed a
meeting edits it while it is a proposal (``icat.meetings.proposals``). Every change of time,
place or status raises ``sequence`` by one (RFC 5545), so calendar clients replace their copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, NotFound, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.meetings import recurrence, rules
from icat.meetings.access import meeting_to_change, proposal_years
from icat.meetings.events import MeetingCancelled, MeetingRescheduled, MeetingScheduled, MeetingUpdated
from icat.meetings.models import Meeting
from icat.meetings.recurrence import series_end
from icat.registry.models import Entity
from icat.registry.queries import entities_named

MEETING_EDITABLE = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "location",
    "online_url",
    "visibility",
    "recurrence",
    "reminder_offsets",
    "invitees",
    "note",
    "sources",
    "confidence",
    "date_precision",
)
TIME_FIELDS = ("starts_at", "ends_at", "timezone", "recurrence")
# Changes a calendar must see (RFC 5545 §3.8.7.4): each raises SEQUENCE once per edit.
CALENDAR_FIELDS = (*TIME_FIELDS, "location", "online_url", "status")


def iso(value: datetime) -> str:
    return value.isoformat()


def resolve_invitees(session: Session, acronyms: Iterable[str], errors: rules.Errors) -> list[Entity]:
    """The entities named by ``acronyms`` (exact); each unknown one is added to ``errors``."""
    return entities_named(session, acronyms, errors, field="invitees")


def _in_utc(fields: dict[str, Any]) -> dict[str, Any]:
    """Aware start and end converted to UTC, so a stored and a loaded value compare equal.
    A value outside 2000–2100 stays as given (near year 1 the conversion overflows): the
    rules refuse it by name (``rules.check_span``)."""
    return {
        k: v.astimezone(UTC) if k in ("starts_at", "ends_at") and _aware_in_span(v) else v for k, v in fields.items()
    }


def _aware_in_span(value: Any) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None and rules.in_span(value, "UTC")


def _validate(session: Session, fields: dict[str, Any], years: Sequence[int] | None = None) -> list[Entity]:
    """The invitees, once every field passed; ``years`` given: a proposal's, its start must fall in one."""
    errors = rules.meeting_errors(fields)
    if years is not None:
        rules.check_proposal_year(errors, fields, years)
    invitees = resolve_invitees(session, fields.get("invitees") or (), errors)
    if errors:
        raise ValidationError(
            _l("Some fields of the meeting are invalid."), fields=errors, rule="meetings.fields_invalid"
        )
    return invitees


def create_meeting(
    session: Session, *, actor: Actor, invitees: Iterable[str] = (), recurrence: str | None = None, **fields: Any
) -> Meeting:
    """Schedule a meeting (admin, secretariat). ``fields`` are Meeting columns (title, kind,
    starts_at, ends_at, timezone, …). Raises Unauthorized, Forbidden, ValidationError (every
    bad field named). Emits MeetingScheduled."""
    require_role(actor, STAFF, _l("schedule meetings"))
    meeting = insert_meeting(session, actor=actor, invitees=invitees, recurrence=recurrence, fields=fields)
    outbox.record(session, scheduled_event(meeting), actor=actor)
    return meeting


def insert_meeting(
    session: Session,
    *,
    actor: Actor,
    invitees: Iterable[str],
    recurrence: str | None,
    fields: dict[str, Any],
    years: Sequence[int] | None = None,
    **columns: Any,
) -> Meeting:
    """Validate and add a meeting row, flushed (it has its id); records no event and checks
    no role: the callers do. ``years``: a proposal's (see ``_validate``); ``columns`` sets
    server-owned columns (status, proposer). Raises ValidationError (every bad field named)."""
    fields = _in_utc(fields) | {"recurrence": rules_recurrence(recurrence)}
    entities = _validate(session, {**fields, "invitees": list(invitees)}, years)
    now = clock.now()
    meeting = Meeting(
        **fields, **columns, series_ends_at=series_end(fields), invitees=entities, created_at=now, updated_at=now
    )
    meeting.created_by = actor.user_id
    session.add(meeting)
    session.flush()
    return meeting


def event_fields(meeting: Meeting) -> dict[str, Any]:
    """What the events announcing a meeting (scheduled or proposed) say about it."""
    return {
        "meeting_id": meeting.id,
        "title": meeting.title,
        "kind": meeting.kind,
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "timezone": meeting.timezone,
        "visibility": meeting.visibility,
        "recurrence": meeting.recurrence,
        "invitees": meeting.invitee_acronyms,
    }


def scheduled_event(meeting: Meeting) -> MeetingScheduled:
    """The event of a meeting now on the calendar (scheduled, or a proposal confirmed)."""
    return MeetingScheduled(**event_fields(meeting), sequence=meeting.sequence)


def rules_recurrence(text: str | None) -> str | None:
    """Empty text means no recurrence; otherwise the normalised RRULE."""
    return recurrence.normalise(text) if text and text.strip() else None


def load_for_edit(session: Session, meeting_id: int, version: int | None, *, required: bool = True) -> Meeting:
    """The meeting at ``version``. Raises NotFound, ValidationError (no version when one is
    required), StaleVersion."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_l("No meeting %(id)s.", id=meeting_id), rule="meetings.meeting_unknown")
    edits.check_version(meeting, version, label=_l("Meeting %(id)s", id=meeting_id), required=required)
    return meeting


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list) and value and isinstance(value[0], Entity):
        return [e.acronym for e in value]
    return value


def _current(meeting: Meeting, name: str) -> Any:
    return meeting.invitee_acronyms if name == "invitees" else getattr(meeting, name)


def update_meeting(
    session: Session, *, actor: Actor, meeting_id: int, version: int | None, changes: dict[str, Any]
) -> Meeting:
    """Change fields of a meeting edited at ``version`` (admin, secretariat; or the focal
    point who proposed it, while it is a proposal, its start still in a year its entity co-chairs).

    Raises Forbidden, NotFound, ValidationError, StaleVersion, Conflict (a cancelled
    meeting). Raises ``sequence`` once when time, place or recurrence changed. Emits
    one event: MeetingRescheduled (old and new times, and every change) when the time
    changed, else MeetingUpdated; nothing when nothing changed.
    """
    meeting = _load_editable(session, actor, meeting_id, version)
    edits.refuse_unknown(changes, MEETING_EDITABLE)
    if meeting.status == "cancelled":
        raise Conflict(_l("A cancelled meeting cannot be changed."), rule="meetings.cancelled_unchangeable")
    changes = _in_utc(changes)
    if "recurrence" in changes:
        changes = {**changes, "recurrence": rules_recurrence(changes["recurrence"])}
    merged = {k: changes.get(k, _current(meeting, k)) for k in MEETING_EDITABLE}
    entities = _validate(session, merged, None if actor.role in STAFF else proposal_years(session, actor))
    if "invitees" in changes:
        changes = {**changes, "invitees": entities}
    _apply(session, actor, meeting, changes)
    return meeting


def _load_editable(session: Session, actor: Actor, meeting_id: int, version: int | None) -> Meeting:
    """The meeting ``actor`` may change (``meeting_to_change``), at ``version``."""
    meeting = meeting_to_change(session, meeting_id, actor)
    edits.check_version(meeting, version, label=_l("Meeting %(id)s", id=meeting_id))
    return meeting


def _apply(session: Session, actor: Actor, meeting: Meeting, changes: dict[str, Any]) -> None:
    old_start, old_end = meeting.starts_at, meeting.ends_at
    diff = edits.apply_changes(meeting, changes, MEETING_EDITABLE, to_json=_json)
    if not diff:
        return
    if set(diff) & set(CALENDAR_FIELDS):
        meeting.sequence += 1
    dropped = _drop_stale_overrides(meeting) if set(diff) & set(TIME_FIELDS) else []
    touch(meeting)
    session.flush()  # raises StaleDataError if another transaction moved the version meanwhile
    # One event per edit (so one re-plan): a time change is a MeetingRescheduled carrying
    # every change, anything else a MeetingUpdated.
    event: MeetingRescheduled | MeetingUpdated
    if set(diff) & set(TIME_FIELDS):
        event = MeetingRescheduled(
            meeting_id=meeting.id,
            old_starts_at=iso(old_start),
            old_ends_at=iso(old_end),
            new_starts_at=iso(meeting.starts_at),
            new_ends_at=iso(meeting.ends_at),
            timezone=meeting.timezone,
            recurrence=meeting.recurrence,
            sequence=meeting.sequence,
            dropped_occurrences=dropped,
            version=meeting.version,
            changes=diff,
        )
    else:
        event = MeetingUpdated(meeting_id=meeting.id, version=meeting.version, sequence=meeting.sequence, changes=diff)
    outbox.record(session, event, actor=actor)


def _drop_stale_overrides(meeting: Meeting) -> list[str]:
    """Remove overrides whose original start is no longer an occurrence of the series."""
    if not meeting.overrides:
        return []
    valid = set()
    if meeting.recurrence:
        valid = set(recurrence.starts(meeting.recurrence, starts_at=meeting.starts_at, timezone=meeting.timezone))
    stale = [o for o in meeting.overrides if o.recurrence_id not in valid]
    for override in stale:
        meeting.overrides.remove(override)
    return [iso(o.recurrence_id) for o in stale]


def touch(meeting: Meeting) -> None:
    """Mark the meeting changed now: a new ``updated_at`` (feeds' LAST-MODIFIED) and, on
    flush, a new ``version``; ``series_ends_at`` follows the series and moved occurrences."""
    meeting.updated_at = clock.now()
    fields = {k: getattr(meeting, k) for k in TIME_FIELDS}
    ends = [series_end(fields)] + [o.ends_at for o in meeting.overrides if o.status == "scheduled"]
    meeting.series_ends_at = max(ends)


def cancel_meeting(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    reason: str = "",
    version: int | None = None,
) -> Meeting:
    """Cancel a meeting (admin, secretariat), keeping the row with ``status = cancelled``.

    ``version`` is optional; when given it must be current. Raises Forbidden, NotFound,
    ValidationError (reason too long), StaleVersion, Conflict (already
    cancelled, or a proposal: those are declined). Raises ``sequence``. Emits MeetingCancelled.
    """
    require_role(actor, STAFF, _l("cancel meetings"))
    meeting = load_for_edit(session, meeting_id, version, required=False)
    rules.check_reason(reason)
    if meeting.status == "cancelled":
        raise Conflict(_l("Meeting %(id)s is cancelled already.", id=meeting_id), rule="meetings.cancelled_already")
    if meeting.status == "proposed":
        # Cancelled rows stay in feeds for 30 days; a proposal was never in one.
        raise Conflict(
            _l("Meeting %(id)s is a proposal, on no calendar: decline it instead of cancelling.", id=meeting_id),
            rule="meetings.proposal_not_cancellable",
        )
    meeting.status, meeting.cancel_reason, meeting.cancelled_at = "cancelled", reason, clock.now()
    meeting.sequence += 1
    touch(meeting)
    session.flush()
    outbox.record(
        session,
        MeetingCancelled(
            meeting_id=meeting.id, reason=reason, starts_at=iso(meeting.starts_at), sequence=meeting.sequence
        ),
        actor=actor,
    )
    return meeting
