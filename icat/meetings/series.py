"""One occurrence of a recurring meeting moved or cancelled (RFC 5545 RECURRENCE-ID overrides)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, NotFound, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.meetings import recurrence, rules
from icat.meetings.events import OccurrenceCancelled, OccurrenceMoved, OccurrenceReinstated
from icat.meetings.models import Meeting, OccurrenceOverride
from icat.meetings.services import iso, touch


def _override(session: Session, meeting_id: int, recurrence_id: datetime) -> tuple[Meeting, OccurrenceOverride]:
    """The meeting and the (possibly new, unsaved) override of its occurrence ``recurrence_id``.
    Raises NotFound (no such meeting or occurrence), Conflict (meeting cancelled)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_l("No meeting %(id)s.", id=meeting_id), rule="meetings.meeting_unknown")
    if not meeting.recurrence:
        raise NotFound(
            _l("Meeting %(id)s does not recur; change the meeting itself.", id=meeting_id),
            rule="meetings.not_recurring",
        )
    if meeting.status == "cancelled":
        raise Conflict(_l("Meeting %(id)s is cancelled.", id=meeting_id), rule="meetings.series_cancelled")
    original = recurrence_id.astimezone(UTC)
    if original not in recurrence.starts(meeting.recurrence, starts_at=meeting.starts_at, timezone=meeting.timezone):
        raise NotFound(
            _l("Meeting %(id)s has no occurrence starting at %(start)s.", id=meeting_id, start=iso(original)),
            rule="meetings.occurrence_unknown",
        )
    for override in meeting.overrides:
        if override.recurrence_id == original:
            return meeting, override
    override = OccurrenceOverride(
        recurrence_id=original,
        starts_at=original,
        ends_at=original + (meeting.ends_at - meeting.starts_at),
        status="scheduled",
        sequence=meeting.sequence,
        updated_at=clock.now(),
    )
    meeting.overrides.append(override)
    return meeting, override


def move_occurrence(
    session: Session, *, actor: Actor, meeting_id: int, recurrence_id: datetime, starts_at: datetime, ends_at: datetime
) -> OccurrenceOverride:
    """Move one occurrence to new times (admin, secretariat); its own sequence rises.

    Raises Forbidden, NotFound, Conflict (meeting or occurrence cancelled), ValidationError
    (end not after start, naive times, outside 2000–2100 in the meeting's zone). Emits OccurrenceMoved.
    """
    require_role(actor, STAFF, _l("move meetings"))
    errors: rules.Errors = {}
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.tzinfo is None:
            errors[name] = [_l("A date and time with its UTC offset.")]
    if not errors and ends_at <= starts_at:
        errors["ends_at"] = [_l("Must be after the start.")]
    if errors:
        raise ValidationError(_l("The new times are invalid."), fields=errors, rule="meetings.occurrence_times_invalid")
    meeting, override = _override(session, meeting_id, recurrence_id)
    rules.check_span(errors, {"starts_at": starts_at, "ends_at": ends_at}, meeting.timezone)
    if errors:
        raise ValidationError(_l("The new times are invalid."), fields=errors, rule="meetings.occurrence_times_invalid")
    if override.status == "cancelled":
        raise Conflict(_l("This occurrence is cancelled."), rule="meetings.occurrence_cancelled")
    override.starts_at, override.ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    return _changed(session, actor, meeting, override, moved=True)


def cancel_occurrence(
    session: Session, *, actor: Actor, meeting_id: int, recurrence_id: datetime, reason: str = ""
) -> OccurrenceOverride:
    """Cancel one occurrence of a series (admin, secretariat), for ``reason``; its own
    sequence rises. Raises Forbidden, NotFound, Conflict (already cancelled),
    ValidationError (``reason``: too long, control characters). Emits OccurrenceCancelled."""
    require_role(actor, STAFF, _l("cancel meetings"))
    errors: rules.Errors = {}
    rules.check_text(errors, {"cancel_reason": reason}, ["cancel_reason"])
    if errors:
        raise ValidationError(
            _l("The reason is invalid."),
            fields={"reason": errors["cancel_reason"]},
            rule="meetings.cancel_reason_invalid",
        )
    meeting, override = _override(session, meeting_id, recurrence_id)
    if override.status == "cancelled":
        raise Conflict(_l("This occurrence is cancelled already."), rule="meetings.occurrence_cancelled_already")
    override.status, override.cancel_reason = "cancelled", reason.strip()
    return _changed(session, actor, meeting, override, moved=False)


def reinstate_occurrence(
    session: Session, *, actor: Actor, meeting_id: int, recurrence_id: datetime
) -> OccurrenceOverride:
    """Put a cancelled occurrence back on, at the times it had (admin, secretariat); its own
    sequence rises. Raises Forbidden, NotFound, Conflict (not cancelled; the whole meeting
    cancelled). Emits OccurrenceReinstated."""
    require_role(actor, STAFF, _l("reinstate meetings"))
    meeting, override = _override(session, meeting_id, recurrence_id)
    if override.status != "cancelled":
        raise Conflict(_l("This occurrence is not cancelled."), rule="meetings.occurrence_not_cancelled")
    override.status, override.cancel_reason = "scheduled", ""
    override.sequence = max(override.sequence, meeting.sequence) + 1
    override.updated_at = clock.now()
    touch(meeting)
    session.flush()
    event = OccurrenceReinstated(
        meeting_id=meeting.id, recurrence_id=iso(override.recurrence_id), sequence=override.sequence
    )
    outbox.record(session, event, actor=actor)
    return override


def _changed(
    session: Session, actor: Actor, meeting: Meeting, override: OccurrenceOverride, *, moved: bool
) -> OccurrenceOverride:
    override.sequence = max(override.sequence, meeting.sequence) + 1
    override.updated_at = clock.now()
    touch(meeting)  # feeds key their caches on the meeting's updated_at and version
    session.flush()
    rid = iso(override.recurrence_id)
    event = (
        OccurrenceMoved(
            meeting_id=meeting.id,
            recurrence_id=rid,
            starts_at=iso(override.starts_at),
            ends_at=iso(override.ends_at),
            sequence=override.sequence,
        )
        if moved
        else OccurrenceCancelled(
            meeting_id=meeting.id, recurrence_id=rid, sequence=override.sequence, reason=override.cancel_reason
        )
    )
    outbox.record(session, event, actor=actor)
    return override
