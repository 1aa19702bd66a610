"""ICAT's own past meetings from the reference data: loaded once, with their sources and only
the precision the sources give (no invented day or hour); undated entries are skipped."""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.meetings import reference as history
from icat.meetings import services
from icat.meetings.models import Meeting
from icat.registry.models import Entity
from icat.registry.reference import load_reference
from tests.conftest import count


def seed(session: Session, data: dict | None = None) -> tuple[int, int, int]:
    result = history.seed_history(session, actor=SYSTEM, data=data or load_reference())
    session.commit()
    return result


def by_title(session: Session) -> dict[str, Meeting]:
    session.expire_all()
    return {m.title: m for m in session.scalars(sa.select(Meeting))}


def test_loads_principals_briefings_and_working_group_meetings(session: Session, seeded: list[Entity]) -> None:
    data = load_reference()
    expected = len(data["principals_meetings"]) + len(data["briefings_and_events"])
    expected += len(data["working_group"]["early_meetings"])
    assert seed(session) == (expected, 0, 0)
    rows = by_title(session)
    first = rows["First ICAT Principals meeting"]
    assert (first.kind, first.location, first.date_precision) == ("principals", "London", "day")
    assert first.starts_at == datetime(2018, 5, 2, tzinfo=UTC) and first.ends_at == datetime(2018, 5, 3, tzinfo=UTC)
    assert "shift to multi-year work plan" in first.description and "21 of 23" in first.description
    assert first.sources == data["principals_meetings"][0]["sources"] and first.confidence == "high"
    assert sum(m.kind == "principals" for m in rows.values()) == 5
    assert (first.visibility, first.status, first.reminder_offsets) == ("public", "scheduled", [])


def test_only_the_known_precision_is_stored(session: Session, seeded: list[Entity]) -> None:
    seed(session)
    rows = by_title(session)
    assert all(m.starts_at.time() == time(0) and m.timezone == "UTC" for m in rows.values())
    assert all(m.date_precision != "minute" for m in rows.values())
    dialogue = next(m for t, m in rows.items() if t.startswith("Launch of overview paper"))
    assert dialogue.date_precision == "month"
    assert (dialogue.starts_at, dialogue.ends_at) == (
        datetime(2012, 5, 1, tzinfo=UTC),
        datetime(2012, 6, 1, tzinfo=UTC),
    )
    unconfirmed = next(m for m in rows.values() if m.starts_at.year == 2024)
    assert (unconfirmed.kind, unconfirmed.date_precision, unconfirmed.confidence) == ("other", "month", "low")
    assert "week of 13 Dec 2024" in unconfirmed.note and "Not confirmed" in unconfirmed.note
    consultation = next(m for t, m in rows.items() if t.startswith("First regional consultation"))
    assert (consultation.starts_at.day, consultation.ends_at.day) == (7, 9)
    assert "2022-02-07/08" in consultation.note
    five = rows["Five briefings and side events held in 2018"]
    assert five.date_precision == "year" and five.starts_at == datetime(2018, 1, 1, tzinfo=UTC)


def test_working_group_participants_become_invitees_where_known(session: Session, seeded: list[Entity]) -> None:
    seed(session)
    wg = by_title(session)["ICAT Working Group meeting"]
    participants = load_reference()["working_group"]["early_meetings"][0]["participants"]
    known = {e.acronym for e in seeded}
    assert wg.invitee_acronyms == sorted(p for p in participants if p in known)
    assert all(p in wg.description for p in participants)  # the others stay named in the text
    assert wg.date_precision == "month" and "internal inconsistency" in wg.note


def test_seed_is_idempotent_and_keeps_later_edits(session: Session, seeded: list[Entity]) -> None:
    added, _kept, _skipped = seed(session)
    first = by_title(session)["First ICAT Principals meeting"]
    services.update_meeting(
        session, actor=SYSTEM, meeting_id=first.id, version=first.version, changes={"title": "1st Principals (edited)"}
    )
    session.commit()
    events = count(session, OutboxEvent)
    assert seed(session) == (0, added, 0)
    assert count(session, Meeting) == added and count(session, OutboxEvent) == events
    assert "1st Principals (edited)" in by_title(session)


def test_entries_without_a_date_are_skipped_and_counted(session: Session) -> None:
    data = {
        "principals_meetings": [{"number": 9, "date": None}, {"number": 10, "date": "2031-06-01", "outcomes": []}],
        "briefings_and_events": [{"title": "Undated", "date": "unknown"}, {"title": "No date key"}],
        "working_group": {"early_meetings": []},
    }
    assert seed(session, data) == (1, 0, 3)
    assert [m.title for m in session.scalars(sa.select(Meeting))] == ["No. 10 ICAT Principals meeting"]


def test_the_seed_command_loads_past_meetings_once(runner, session: Session) -> None:
    first = runner.invoke(args=["icat", "seed"])
    assert first.exit_code == 0, first.output
    total = count(session, Meeting)
    assert f"Past meetings: {total} added, 0 already present, 0 without a date skipped." in first.output
    second = runner.invoke(args=["icat", "seed"])
    assert f"Past meetings: 0 added, {total} already present" in second.output
    assert count(session, Meeting) == total == 21


def test_a_date_only_meeting_stays_on_its_date_for_every_viewer(client, session: Session, seeded, make_user) -> None:
    from tests.e2e.test_pages_auth import login

    seed(session)
    viewer = make_user("viewer")
    viewer.timezone = "America/New_York"  # five hours behind UTC: midnight UTC is the evening before
    session.commit()
    assert login(client, viewer.email).status_code == 302
    page = client.get("/meetings?year=2018&month=5&view=list").get_data(as_text=True)
    assert "First ICAT Principals meeting" in page and "May 2, 2018" in page and "May 1, 2018" not in page
