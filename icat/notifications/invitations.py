"""Invitations, updates and session notices: the mails that carry an iTIP REQUEST or CANCEL.

Keys hold the sequence the mail announces, so each version of a meeting reaches each
recipient exactly once: ``meeting:42:itip:seq3:user:7`` (the invitation, or an update when
that person was invited at an earlier sequence) and ``meeting:42:occ20300310T130000Z:itip:
seq4:user:7`` (one session moved or cancelled). Planning is idempotent (keys, ``insert_missing``),
so a handler run twice, or a worker restarted, plans and sends nothing new; a change that
raises the sequence plans new keys, and the older, still unsent ones are cancelled: the
recipient gets the newer version instead.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock
from icat.meetings.models import Meeting, OccurrenceOverride
from icat.notifications.models import Delivery
from icat.notifications.planning import delivery_row, insert_missing, meeting_params, meeting_recipients

INVITATION, UPDATE = "meeting_invitation", "meeting_updated"
SESSION_MOVED, SESSION_CANCELLED = "occurrence_moved", "occurrence_cancelled"
ITIP_KINDS = (INVITATION, UPDATE, SESSION_MOVED, SESSION_CANCELLED)


def _who(key: str) -> str:
    """``meeting:42:itip:seq3:user:7`` → ``user:7``."""
    return ":".join(key.split(":")[-2:])


def _already_invited(session: Session, meeting_id: int) -> set[str]:
    keys = session.scalars(
        sa.select(Delivery.key).where(
            Delivery.subject == f"meeting:{meeting_id}", Delivery.kind.in_((INVITATION, UPDATE))
        )
    )
    return {_who(key) for key in keys}


def _pending(session: Session, meeting_id: int, kinds: tuple[str, ...]) -> list[Delivery]:
    query = sa.select(Delivery).where(
        Delivery.subject == f"meeting:{meeting_id}", Delivery.kind.in_(kinds), Delivery.status == "pending"
    )
    return list(session.scalars(query))


def _cancel(row: Delivery) -> None:
    row.status, row.updated_at = "cancelled", clock.now()


def _retire_older(session: Session, meeting_id: int, prefix: str, keep: set[str]) -> None:
    """Pending mails of an older version (same ``prefix``, a key not kept) are superseded."""
    for row in _pending(session, meeting_id, ITIP_KINDS):
        if row.key.startswith(prefix) and row.key not in keep:
            _cancel(row)


def _not_after(meeting: Meeting) -> datetime:
    """An invitation is worth sending until the meeting (or the series' last session) ends."""
    return meeting.series_ends_at if meeting.recurrence else meeting.starts_at


def plan_invitations(session: Session, meeting_id: int) -> int:
    """Each recipient gets the meeting at its current sequence once: an invitation when the
    person has none yet, else an update (the time, place or status changed since). Nothing
    for a proposal, a cancelled meeting (that is a cancellation) or one already over."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != "scheduled" or _not_after(meeting) <= clock.now():
        return 0
    invited, prefix = _already_invited(session, meeting_id), f"meeting:{meeting_id}:itip:"
    params = meeting_params(meeting, meeting.starts_at, meeting.ends_at, "") | {"sequence": meeting.sequence}
    rows = [
        delivery_row(
            f"{prefix}seq{meeting.sequence}:{person.who}",
            UPDATE if person.who in invited else INVITATION,
            f"meeting:{meeting_id}",
            person,
            clock.now(),
            _not_after(meeting),
            params,
        )
        for person in meeting_recipients(session, meeting)
    ]
    _retire_older(session, meeting_id, prefix, {row["key"] for row in rows})
    _retire_dropped_sessions(session, meeting)
    return insert_missing(session, rows)


def _retire_dropped_sessions(session: Session, meeting: Meeting) -> None:
    """A new time for the series drops the overrides that no longer fit it: notices still
    unsent about those sessions are not sent (the update carries the series as it is now)."""
    kept = tuple(f"meeting:{meeting.id}:occ{o.recurrence_id:%Y%m%dT%H%M%SZ}:" for o in meeting.overrides)
    for row in _pending(session, meeting.id, (SESSION_MOVED, SESSION_CANCELLED)):
        if not row.key.startswith(kept):  # (with no overrides left, nothing starts with ())
            _cancel(row)


def retire_invitations(session: Session, meeting_id: int) -> None:
    """The meeting was cancelled: unsent invitations and updates are not sent any more."""
    _retire_older(session, meeting_id, f"meeting:{meeting_id}:", set())


def _override(meeting: Meeting, recurrence_id: datetime) -> OccurrenceOverride | None:
    return next((o for o in meeting.overrides if o.recurrence_id == recurrence_id), None)


def plan_session_notices(session: Session, meeting_id: int, recurrence_id: str) -> int:
    """One notice per recipient for a session of a series that was moved or cancelled, at
    the session's own sequence; not once the session (at its new time, if moved) started."""
    meeting = session.get(Meeting, meeting_id)
    rid = datetime.fromisoformat(recurrence_id)
    override = _override(meeting, rid) if meeting is not None and meeting.status == "scheduled" else None
    if meeting is None or override is None or override.starts_at <= clock.now():
        return 0
    moved = override.status != "cancelled"
    tag = f"meeting:{meeting_id}:occ{rid:%Y%m%dT%H%M%SZ}:itip:"
    params = meeting_params(meeting, override.starts_at, override.ends_at, "") | {
        "sequence": override.sequence,
        "recurrence_id": rid.isoformat(),
    }
    rows = [
        delivery_row(
            f"{tag}seq{override.sequence}:{person.who}",
            SESSION_MOVED if moved else SESSION_CANCELLED,
            f"meeting:{meeting_id}",
            person,
            clock.now(),
            override.starts_at,
            params,
        )
        for person in meeting_recipients(session, meeting)
    ]
    _retire_older(session, meeting_id, tag, {row["key"] for row in rows})
    return insert_missing(session, rows)
