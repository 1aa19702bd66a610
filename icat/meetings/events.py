"""Meeting events. Times are ISO 8601 strings in UTC; ``sequence`` is the meeting's (or, for an
occurrence, the occurrence's) RFC 5545 SEQUENCE after the change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icat.core.events import Event


@dataclass(frozen=True)
class _MeetingEvent(Event):
    meeting_id: int

    def subject_key(self) -> str:
        return f"meeting:{self.meeting_id}"


@dataclass(frozen=True)
class MeetingScheduled(_MeetingEvent):
    """A meeting (or a recurring series) was scheduled."""

    title: str
    kind: str
    starts_at: str
    ends_at: str
    timezone: str
    visibility: str
    recurrence: str | None
    sequence: int
    invitees: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MeetingRescheduled(_MeetingEvent):
    """The meeting's time changed (start, end, zone or recurrence), perhaps with other fields:
    the one event of that edit (no MeetingUpdated with it). Old and new times given;
    ``dropped_occurrences`` lists overrides (by RECURRENCE-ID) that no longer fit the series;
    ``version`` and ``changes`` as in MeetingUpdated (every changed field, times included).

    Rows stored before ``version`` and ``changes`` existed (then a MeetingUpdated followed)
    load with ``version = 0`` and no changes."""

    old_starts_at: str
    old_ends_at: str
    new_starts_at: str
    new_ends_at: str
    timezone: str
    recurrence: str | None
    sequence: int
    dropped_occurrences: list[str] = field(default_factory=list)
    version: int = 0
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingUpdated(_MeetingEvent):
    """Fields of a meeting changed, its time not (that is MeetingRescheduled); ``changes``
    maps each field to ``[old, new]`` (JSON values). Rows stored by earlier releases may
    follow a MeetingRescheduled of the same edit and include the time fields."""

    version: int
    sequence: int
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingCancelled(_MeetingEvent):
    """The meeting was cancelled; the row stays with ``status = cancelled``."""

    reason: str
    starts_at: str
    sequence: int


@dataclass(frozen=True)
class OccurrenceMoved(_MeetingEvent):
    """One occurrence of a recurring meeting moved from ``recurrence_id`` to new times."""

    recurrence_id: str
    starts_at: str
    ends_at: str
    sequence: int


@dataclass(frozen=True)
class OccurrenceCancelled(_MeetingEvent):
    """One occurrence of a recurring meeting (its original start, ``recurrence_id``) was
    cancelled, for ``reason`` (as the secretariat gave it; may be empty)."""

    recurrence_id: str
    sequence: int
    reason: str = ""


@dataclass(frozen=True)
class OccurrenceReinstated(_MeetingEvent):
    """A cancelled occurrence of a series is back on, at the times it had."""

    recurrence_id: str
    sequence: int


@dataclass(frozen=True)
class RsvpGiven(_MeetingEvent):
    """An entity answered an invitation (``yes`` | ``no`` | ``maybe``), replacing any earlier answer."""

    entity: str
    response: str
    user_id: int | None
    previous: str | None = None


@dataclass(frozen=True)
class AgendaChanged(_MeetingEvent):
    """The agenda was replaced; ``items`` gives the new titles in order."""

    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MinutesRecorded(_MeetingEvent):
    """Minutes were recorded or replaced, with their decisions and action items."""

    decisions: int
    action_items: int


@dataclass(frozen=True)
class DocumentAttached(_MeetingEvent):
    """A document was uploaded to the meeting."""

    document_id: int
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class DocumentRemoved(_MeetingEvent):
    """A document was removed from the meeting (its file stays until cleaned up)."""

    document_id: int
    filename: str


@dataclass(frozen=True)
class MeetingFollowed(_MeetingEvent):
    """A user follows the meeting (and receives its reminders)."""

    user_id: int


@dataclass(frozen=True)
class MeetingUnfollowed(_MeetingEvent):
    """A user stopped following the meeting."""

    user_id: int


@dataclass(frozen=True)
class MeetingProposed(_MeetingEvent):
    """A co-chair's focal point proposed a meeting (``status = proposed``). It is on no
    calendar and has no reminders until the secretariat confirms it. ``entity`` is the
    proposing entity's acronym, ``proposed_by`` the person's user id."""

    title: str
    kind: str
    starts_at: str
    ends_at: str
    timezone: str
    visibility: str
    recurrence: str | None
    entity: str
    proposed_by: int | None
    invitees: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MeetingConfirmed(_MeetingEvent):
    """The secretariat confirmed a proposal: the meeting is scheduled now. Raised together
    with MeetingScheduled, which plans its reminders like any newly scheduled meeting."""

    title: str
    entity: str | None
    proposed_by: int | None
    sequence: int


@dataclass(frozen=True)
class MeetingDeclined(_MeetingEvent):
    """The secretariat declined a proposal. The row is deleted: it was never on a calendar."""

    title: str
    starts_at: str
    reason: str
    entity: str | None
    proposed_by: int | None


@dataclass(frozen=True)
class MeetingProposalWithdrawn(_MeetingEvent):
    """The proposer (or the secretariat) withdrew a proposal. The row is deleted."""

    title: str
    starts_at: str
    entity: str | None
    proposed_by: int | None


@dataclass(frozen=True)
class ActionItemMarked(_MeetingEvent):
    """An action item of the meeting's minutes was marked done (or open again) by its owner
    entity's focal point or the secretariat; ``version`` is the item's after the change."""

    action_item_id: int
    owner: str | None
    done: bool
    version: int


@dataclass(frozen=True)
class SessionRsvpGiven(_MeetingEvent):
    """An entity answered for one session of a series (``recurrence_id``, its original start
    in UTC), replacing the series' answer for that session only."""

    recurrence_id: str
    entity: str
    response: str
    user_id: int | None
    previous: str | None = None


@dataclass(frozen=True)
class AttendanceRecorded(_MeetingEvent):
    """Who attended one session was recorded (replacing an earlier record): the entities."""

    recurrence_id: str
    entities: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SessionMinutesRecorded(_MeetingEvent):
    """The minutes of one session were recorded or replaced."""

    recurrence_id: str
    decisions: int
    action_items: int
