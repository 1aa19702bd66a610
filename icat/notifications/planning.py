"""Reminder plans: which deliveries a meeting should have, kept in step with the meeting.

``replan_meeting`` computes the wanted rows (offset × occurrence × recipient, keyed by the
meeting's sequence), inserts the missing ones and cancels pending ones nobody wants any
more. It is idempotent, so every meeting event can simply call it: a reschedule raises the
sequence, which retires the old keys and plans new ones at the new time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.core.permissions import STAFF
from icat.meetings.models import Follower, Meeting
from icat.meetings.recurrence import occurrences
from icat.meetings.rules import reminder_offset
from icat.notifications.models import Delivery

DEFAULT_OFFSETS: dict[str, list[str]] = {
    "working_group": ["P7D", "P1D"],
    "principals": ["P14D", "P7D", "P1D"],
    "coordination_call": ["PT2H"],
    "briefing": ["P7D", "P1D"],
    "other": ["P1D"],
}
# Occurrences of a recurring meeting are planned this far ahead; the daily job moves it on.
RECURRING_HORIZON = timedelta(days=62)


@dataclass(frozen=True)
class Recipient:
    """A person to remind, or (``user_id`` None) an invited entity nobody can be reached at."""

    who: str  # key part: "user:7" or "entity:ILO"
    user_id: int | None
    email: str | None
    label: str
    problem: str | None = None


def meeting_recipients(session: Session, meeting: Meeting) -> list[Recipient]:
    """Focal points of the invited entities, plus followers; a restricted meeting reaches
    only invitees' people (and the secretariat). Invitees without a focal point are reported."""
    invited = {e.id: e.acronym for e in meeting.invitees}
    focal = session.scalars(
        sa.select(User).where(User.entity_id.in_(invited), User.role == "focal_point", User.is_active).order_by(User.id)
    ).all()
    followers = session.scalars(
        sa.select(User)
        .join(Follower, Follower.user_id == User.id)
        .where(Follower.meeting_id == meeting.id, User.is_active)
        .order_by(User.id)
    ).all()
    if meeting.visibility == "restricted":
        followers = [u for u in followers if u.entity_id in invited or u.role in STAFF]
    people: dict[int, Recipient] = {}
    for user in [*focal, *followers]:
        if not wants_reminders(user, meeting.kind):
            continue
        people.setdefault(user.id, Recipient(f"user:{user.id}", user.id, user.email, user.email))
    reached = {u.entity_id for u in focal}
    missing = [
        Recipient(f"entity:{acronym}", None, None, acronym, f"{acronym} has no focal point to remind.")
        for entity_id, acronym in sorted(invited.items(), key=lambda kv: kv[1])
        if entity_id not in reached
    ]
    return [*people.values(), *missing]


def wants_reminders(user: User, kind: str) -> bool:
    """The person's reminder preferences (profile): a kind not mentioned is wanted."""
    return bool((user.reminder_preferences or {}).get("meeting_kinds", {}).get(kind, True))


def _offsets(meeting: Meeting) -> list[str]:
    return meeting.reminder_offsets if meeting.reminder_offsets is not None else DEFAULT_OFFSETS[meeting.kind]


def meeting_params(meeting: Meeting, starts_at: datetime, ends_at: datetime, offset: str) -> dict[str, Any]:
    return {
        "meeting_id": meeting.id,
        "title": meeting.title,
        "kind": meeting.kind,
        "offset": offset,
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "timezone": meeting.timezone,
        "location": meeting.location,
        "online_url": meeting.online_url,
    }


def wanted_reminders(session: Session, meeting: Meeting, since: datetime) -> list[dict[str, Any]]:
    """Every reminder row the meeting should have for occurrences starting after ``since``
    (due times already past included). None for a cancelled meeting, nor for a proposal:
    it is not on anyone's calendar yet."""
    if meeting.status != "scheduled":
        return []
    end = max(since, clock.now()) + RECURRING_HORIZON if meeting.recurrence else meeting.ends_at + timedelta(seconds=1)
    recipients = meeting_recipients(session, meeting)
    rows = []
    for occ in occurrences(meeting, since, end):
        if occ.status == "cancelled" or occ.starts_at <= since:
            continue
        tag = f"occ{occ.recurrence_id:%Y%m%dT%H%M%SZ}:" if occ.recurrence_id else ""
        for offset in _offsets(meeting):
            due = occ.starts_at - reminder_offset(offset)
            for person in recipients:
                key = f"meeting:{meeting.id}:{tag}{offset}:seq{occ.sequence}:{person.who}"
                rows.append(
                    delivery_row(
                        key,
                        "meeting_reminder",
                        f"meeting:{meeting.id}",
                        person,
                        due,
                        occ.starts_at,
                        meeting_params(meeting, occ.starts_at, occ.ends_at, offset),
                    )
                )
    return rows


def delivery_row(
    key: str,
    kind: str,
    subject: str,
    person: Recipient,
    due: datetime,
    not_after: datetime | None,
    params: dict[str, Any],
) -> dict[str, Any]:
    now = clock.now()
    return {
        "key": key,
        "kind": kind,
        "subject": subject,
        "user_id": person.user_id,
        "email": person.email,
        "recipient_label": person.label,
        "channel": "email",
        "params": params,
        "due_at": due,
        "not_after": not_after,
        "status": "skipped" if person.problem else "pending",
        "attempts": 0,
        "last_error": person.problem,
        "created_at": now,
        "updated_at": now,
    }


def insert_missing(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert rows whose key is new; existing keys are left exactly as they are."""
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Delivery).on_conflict_do_nothing(index_elements=["key"]).returning(Delivery.id)
    return len(session.execute(statement, rows).all())


def sync_pending(
    session: Session, subject: str, wanted: list[dict[str, Any]], *, kind: str = "meeting_reminder"
) -> int:
    """Pending rows of ``subject`` whose key is no longer wanted become ``cancelled``; the
    others take the wanted parameters, so a change that keeps the key (a new title: only
    time, place and status raise the sequence) reaches the reminder. Returns the cancelled."""
    by_key = {row["key"]: row for row in wanted}
    # Only the subject's reminders (``kind``): invitations and notices are kept in step by their own keys.
    pending = session.scalars(
        sa.select(Delivery).where(Delivery.subject == subject, Delivery.status == "pending", Delivery.kind == kind)
    ).all()
    cancelled = 0
    for row in pending:
        if row.key not in by_key:
            row.status, row.updated_at, cancelled = "cancelled", clock.now(), cancelled + 1
        elif row.params != by_key[row.key]["params"]:
            row.params, row.updated_at = by_key[row.key]["params"], clock.now()
    return cancelled


def replan_meeting(session: Session, meeting_id: int, *, since: datetime | None = None) -> tuple[int, int]:
    """Bring a meeting's reminders in line with it; returns (planned, cancelled).

    ``since`` is when the change happened (the event's time; now by default). New rows are
    planned for due times after it: a reminder whose moment passed before the meeting was
    (re)scheduled would arrive late, so it is not created. One due after the change but
    before the relay got to it (every worker down) is planned all the same: the next tick
    sends it if its meeting is still ahead, or records it as skipped, with the reason.
    """
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return 0, 0
    since = since or clock.now()
    wanted = wanted_reminders(session, meeting, since)
    cancelled = sync_pending(session, f"meeting:{meeting_id}", wanted)
    planned = insert_missing(session, [row for row in wanted if row["due_at"] >= since])
    return planned, cancelled


def plan_cancellation_notices(session: Session, meeting_id: int) -> int:
    """One cancellation notice per recipient, sent at once (unless the meeting has started)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    params = meeting_params(meeting, meeting.starts_at, meeting.ends_at, "") | {"reason": meeting.cancel_reason}
    rows = [
        delivery_row(
            f"meeting:{meeting.id}:cancelled:seq{meeting.sequence}:{p.who}",
            "meeting_cancelled",
            f"meeting:{meeting.id}",
            p,
            clock.now(),
            meeting.starts_at,
            params,
        )
        for p in meeting_recipients(session, meeting)
    ]
    return insert_missing(session, rows)
