"""Issue 11, item 1: a stored row that cannot render never takes a feed down. The input
rules now refuse such rows, so each is written straight into the database (as rows stored
before those rules were): every feed still answers 200 with the good meetings and without
the bad one, the meeting page and its file do not fail, and the secretariat's problems
page names the row and why."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.core.actor import SYSTEM
from icat.meetings.models import Meeting
from tests.e2e.test_pages_auth import login
from tests.feeds.ics import parse, uids

BAD_ROWS: dict[str, dict[str, Any]] = {
    "huge_interval": {"recurrence": "FREQ=DAILY;COUNT=2;INTERVAL=99999999999999"},
    "year_9999_all_day": {
        "date_precision": "day",
        "starts_at": datetime(9999, 12, 31, 10, tzinfo=UTC),
        "ends_at": datetime(9999, 12, 31, 11, tzinfo=UTC),
    },
    "year_1_new_york": {
        "starts_at": datetime(1, 1, 1, 2, tzinfo=UTC),
        "ends_at": datetime(1, 1, 1, 3, tzinfo=UTC),
        "timezone": "America/New_York",
    },
    "control_character_in_title": {"title": "Working group\x01"},  # PostgreSQL stores it (not a NUL)
    "unknown_zone": {"timezone": "Mars/Olympus_Mons"},
}


@pytest.fixture
def rows(make_entity, make_meeting, session: Session) -> dict[str, Meeting]:
    make_entity(acronym="ILO")
    common = {"visibility": "public", "invitees": ["ILO"]}
    return {
        "good": make_meeting(title="Good briefing", **common),
        "bad": make_meeting(title="To be broken", **common),
        "also_good": make_meeting(title="Good call", kind="coordination_call", **common),
    }


def _break(session: Session, meeting: Meeting, values: dict[str, Any]) -> None:
    """Write ``values`` into the row, past every service rule (an UPDATE, version bumped so
    the feeds' change counter moves as a migration or a manual fix would make it)."""
    session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(version=Meeting.version + 1, **values))
    session.execute(sa.text("UPDATE calendar_feed_state SET version = version + 1"))
    session.commit()


def _private_feed(session: Session, make_user) -> str:
    user = make_user("secretariat")
    _token, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind="feed", name="Outlook")
    session.commit()
    return f"/calendar/private/{raw}.ics"


@pytest.mark.parametrize("breakage", sorted(BAD_ROWS))
def test_a_row_that_cannot_render_is_left_out_of_every_feed_and_listed(
    client: FlaskClient, session: Session, rows, make_user, caplog, breakage: str
) -> None:
    _break(session, rows["bad"], BAD_ROWS[breakage])
    good, bad = f"meeting-{rows['good'].id}@icat.test", f"meeting-{rows['bad'].id}@icat.test"
    also_good = f"meeting-{rows['also_good'].id}@icat.test"
    feeds = {
        "/calendar/icat.ics": {good, also_good},
        "/calendar/kinds/working_group.ics": {good},
        "/calendar/entities/ILO.ics": {good, also_good},
        _private_feed(session, make_user): {good, also_good},
    }
    with caplog.at_level(logging.WARNING, logger="icat.calendar.feeds"):
        for url, wanted in feeds.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            found = uids(parse(response.data))
            assert found == wanted and bad not in found, url
    warnings = [r for r in caplog.records if r.name == "icat.calendar.feeds"]
    assert warnings and all(f"Meeting {rows['bad'].id} " in r.getMessage() for r in warnings)
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in warnings)  # one line, no trace

    login(client, make_user("secretariat", email="sec@icat.example").email)
    page = client.get(f"/meetings/{rows['bad'].id}")
    assert page.status_code == 200
    assert client.get(f"/calendar/meetings/{rows['bad'].id}.ics").status_code == 409
    assert client.get(f"/calendar/meetings/{rows['good'].id}.ics").status_code == 200
    problems = client.get("/deliveries").get_data(as_text=True)
    assert f"Meeting {rows['bad'].id} could not be put in calendar feeds: " in problems
    assert f"Meeting {rows['good'].id} could not" not in problems


def test_a_cancelled_bad_row_still_leaves_the_feeds_up(client: FlaskClient, session: Session, rows) -> None:
    """The issue: for 30 days after a cancel, the cancelled row stays in feeds."""
    _break(
        session,
        rows["bad"],
        BAD_ROWS["huge_interval"] | {"status": "cancelled", "cancelled_at": rows["bad"].created_at},
    )
    response = client.get("/calendar/icat.ics")
    assert response.status_code == 200
    assert f"meeting-{rows['bad'].id}@icat.test" not in uids(parse(response.data))


def test_an_unparseable_rule_on_the_meeting_page_says_occurrences_could_not_be_computed(
    client: FlaskClient, session: Session, rows, make_user
) -> None:
    _break(session, rows["bad"], BAD_ROWS["huge_interval"])
    login(client, make_user("secretariat").email)
    page = client.get(f"/meetings/{rows['bad'].id}")
    assert page.status_code == 200
    assert "could not be computed" in page.get_data(as_text=True)


def test_the_problems_page_lists_nothing_when_every_row_renders(client: FlaskClient, rows, make_user) -> None:
    login(client, make_user("secretariat").email)
    page = client.get("/deliveries")
    assert page.status_code == 200 and "could not be put in calendar feeds" not in page.get_data(as_text=True)


def test_a_stored_title_with_a_line_break_still_gives_its_own_calendar_file(
    client: FlaskClient, session: Session, rows
) -> None:
    """icalendar escapes the break inside SUMMARY; only the file's calendar name failed (500)."""
    _break(session, rows["bad"], {"title": "Working group\r\nBEGIN:VEVENT"})
    response = client.get(f"/calendar/meetings/{rows['bad'].id}.ics")
    assert response.status_code == 200
    [event] = parse(response.data).walk("VEVENT")
    assert str(event["SUMMARY"]).split() == ["Working", "group", "BEGIN:VEVENT"]  # escaped, one property
    feed = uids(parse(client.get("/calendar/icat.ics").data))
    assert f"meeting-{rows['bad'].id}@icat.test" in feed
