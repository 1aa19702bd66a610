"""ICAT's own past meetings from the reference data (principals meetings, briefings and
events, early working-group meetings), loaded as meetings without inventing anything.

Most sources give a day, some only a month or a year, none a time of day: the row keeps
that precision (``date_precision``) and spans the whole known period in UTC, so no page
shows an hour nobody recorded. Entries without any date are skipped and counted.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.meetings.models import Meeting
from icat.meetings.services import create_meeting
from icat.registry.models import Entity
from icat.registry.sources import fill_tiers

# "2018-05-02", "2012-05", "2018", "2022-02-07/08", "2024-12 (week of 13 Dec 2024)"
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:/(\d{2}))?)?)?\s*(?:\((.+)\))?$")
ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", 6: "Sixth", 7: "Seventh", 8: "Eighth"}


def period(text: Any) -> tuple[datetime, datetime, str, str] | None:
    """(start, end, precision, qualifier) of a reference date, the end exclusive; None when
    there is no usable date."""
    match = DATE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, last_day, qualifier = match.groups()
    y = int(year)
    if day:
        start = datetime(y, int(month), int(day), tzinfo=UTC)
        end = start.replace(day=int(last_day or day)) + timedelta(days=1)
        return start, end, "day", qualifier or ""
    if month:
        start = datetime(y, int(month), 1, tzinfo=UTC)
        return start, start + timedelta(days=calendar.monthrange(y, int(month))[1]), "month", qualifier or ""
    return datetime(y, 1, 1, tzinfo=UTC), datetime(y + 1, 1, 1, tzinfo=UTC), "year", qualifier or ""


def _text(value: Any) -> str:
    """A plain or ``{"value", "confidence"}`` reference value as text."""
    if isinstance(value, dict):
        return f"{value.get('value')} (confidence: {value.get('confidence', 'unknown')})"
    return "" if value is None else str(value)


def _key(section: str, item: dict[str, Any], title: str) -> str:
    digest = hashlib.sha256(title.encode()).hexdigest()[:10]
    return f"reference:{section}:{item.get('date')}:{digest}"


def _common(section: str, item: dict[str, Any], title: str, kind: str, lines: list[str]) -> dict[str, Any] | None:
    when = period(item.get("date"))
    if when is None:
        return None
    start, end, precision, qualifier = when
    notes = [n for n in (item.get("note"), item.get("discrepancy")) if n]
    if qualifier or "/" in item["date"]:
        notes.insert(0, f"Date in the source: {item['date']}.")
    return {
        "title": title[:200],
        "kind": kind,
        "starts_at": start,
        "ends_at": end,
        "timezone": "UTC",
        "date_precision": precision,
        "visibility": "public",
        "description": "\n".join(line for line in lines if line),
        "note": " ".join(notes),
        "sources": item.get("sources", []),
        "confidence": item.get("confidence") or "unconfirmed",
        "reminder_offsets": [],
        "external_key": _key(section, item, title),
    }


def _principals(item: dict[str, Any]) -> dict[str, Any] | None:
    number = item.get("number")
    title = f"{ORDINALS.get(number, f'No. {number}')} ICAT Principals meeting" if number else None
    outcomes = [f"- {o}" for o in item.get("outcomes", [])]
    lines = ["**Outcomes** (as reported by the sources):", *outcomes] if outcomes else []
    lines += [f"\nFormat: {_text(item.get('format'))}" if item.get("format") else ""]
    lines += [f"\nAttendance: {item['attendance']}" if item.get("attendance") else ""]
    fields = _common(
        "principals",
        item,
        title or "Meeting of ICAT member organizations' representatives (level not confirmed)",
        "principals" if number else "other",
        lines,
    )
    if fields is not None:
        fields["location"] = _text(item.get("location"))
    return fields


def _briefing(item: dict[str, Any]) -> dict[str, Any] | None:
    kind = "briefing" if "briefing" in (item.get("type") or "").lower() else "other"
    fields = _common("events", item, item.get("title") or "ICAT event", kind, [f"Type: {item.get('type', '')}"])
    if fields is not None:
        fields["location"] = item.get("place") or ""
    return fields


def _working_group(item: dict[str, Any], known: set[str]) -> dict[str, Any] | None:
    participants = item.get("participants", [])
    lines = [f"Outcome: {item['outcome']}" if item.get("outcome") else ""]
    lines += [f"\nParticipants: {', '.join(participants)}" if participants else ""]
    fields = _common("working-group", item, "ICAT Working Group meeting", "working_group", lines)
    if fields is not None:
        fields["location"] = item.get("place") or ""
        fields["invitees"] = [p for p in participants if p in known]  # the rest stay in the text
    return fields


def reference_meetings(data: dict[str, Any], known_entities: set[str]) -> tuple[list[dict[str, Any]], int]:
    """Meeting fields for every dated entry of the reference data, and how many were skipped."""
    parsed = [_principals(i) for i in data.get("principals_meetings", [])]
    parsed += [_briefing(i) for i in data.get("briefings_and_events", [])]
    early = data.get("working_group", {}).get("early_meetings", [])
    parsed += [_working_group(i, known_entities) for i in early]
    found = [p for p in parsed if p is not None]
    return found, len(parsed) - len(found)


def seed_history(session: Session, *, actor: Actor, data: dict[str, Any]) -> tuple[int, int, int]:
    """Add ICAT's past meetings not yet present; returns (added, kept, skipped without a date).

    Idempotent by ``external_key``: a row already there is left as it is, so later edits by the
    secretariat survive a second seed. Emits MeetingScheduled for each row added.
    """
    known = set(session.scalars(sa.select(Entity.acronym)))
    meetings, skipped = reference_meetings(data, known)
    rows = session.scalars(sa.select(Meeting).where(Meeting.external_key.is_not(None)))
    present = {m.external_key: m for m in rows}
    added = 0
    for fields in meetings:
        if (meeting := present.get(fields["external_key"])) is not None:
            if (tiered := fill_tiers(meeting.sources, fields["sources"])) is not None:
                meeting.sources = tiered  # rows seeded before sources had a tier
            continue
        create_meeting(session, actor=actor, **fields)
        added += 1
    return added, len(meetings) - added, skipped
