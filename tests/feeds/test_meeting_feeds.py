"""Meeting feeds (DESIGN §6): what each feed carries, recurring meetings across DST,
cancellation, moved and cancelled occurrences, the per-meeting file, constant queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.calendar.cache import BLOCKS, BODIES
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import series
from icat.meetings import services as meetings
from tests.feeds import icaljs
from tests.feeds.ics import events, expand, parse, uids, vobject_starts

VIENNA = ZoneInfo("Europe/Vienna")
PUBLIC = "/calendar/icat.ics"


def uid(meeting) -> str:
    return f"meeting-{meeting.id}@icat.test"


@pytest.fixture
def three_visibilities(make_entity, make_meeting):
    """A public, a members-only and a restricted meeting (UNHCR invited to the last)."""
    make_entity(acronym="UNHCR")
    make_entity(acronym="ILO")
    return (
        make_meeting(title="Briefing to Member States", kind="briefing", visibility="public", invitees=["ILO"]),
        make_meeting(title="Working group", visibility="members", invitees=["ILO"]),
        make_meeting(title="Principals, closed", kind="principals", visibility="restricted", invitees=["UNHCR"]),
    )


def test_public_feeds_never_carry_members_or_restricted_meetings(client: FlaskClient, three_visibilities) -> None:
    public, members, restricted = three_visibilities
    for url in (PUBLIC, "/calendar/kinds/principals.ics", "/calendar/kinds/working_group.ics"):
        found = uids(parse(client.get(url).data))
        assert uid(members) not in found and uid(restricted) not in found, url
    assert uid(public) in uids(parse(client.get(PUBLIC).data))
    assert uids(parse(client.get("/calendar/kinds/briefing.ics").data)) == {uid(public)}
    assert uids(parse(client.get("/calendar/entities/ILO.ics").data)) == {uid(public)}
    assert uids(parse(client.get("/calendar/entities/UNHCR.ics").data)) == set()


def test_unknown_kind_or_entity_answers_404(client: FlaskClient, three_visibilities) -> None:
    assert client.get("/calendar/kinds/party.ics").status_code == 404
    assert client.get("/calendar/entities/NOPE.ics").status_code == 404


def test_a_meeting_event_carries_uid_sequence_stamps_and_its_zone(client: FlaskClient, make_meeting) -> None:
    start = datetime(2030, 6, 2, 14, 0, tzinfo=VIENNA)
    meeting = make_meeting(
        title="Réunion du groupe de travail – 会议 " + "长" * 40,
        visibility="public",
        starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(hours=2)).astimezone(UTC),
        location="Vienna International Centre",
    )
    body = client.get(PUBLIC).data
    [event] = events(parse(body), uid(meeting))
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].dt == start and event["DTSTART"].params["TZID"] == "Europe/Vienna"
    stamp = meeting.updated_at.replace(microsecond=0)  # iCalendar has whole seconds
    assert event["DTSTAMP"].dt == stamp and event["LAST-MODIFIED"].dt == stamp
    assert str(event["SUMMARY"]) == meeting.title
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Vienna\r\n" in body


@pytest.mark.parametrize(
    "first", [datetime(2026, 3, 16, 14, 0, tzinfo=VIENNA), datetime(2026, 10, 12, 14, 0, tzinfo=VIENNA)]
)
def test_a_weekly_14_00_vienna_call_stays_at_14_00_local_across_dst(
    client: FlaskClient, make_meeting, first: datetime
) -> None:
    call = make_meeting(
        title="Coordination call",
        kind="coordination_call",
        visibility="public",
        starts_at=first.astimezone(UTC),
        ends_at=(first + timedelta(hours=1)).astimezone(UTC),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
    )
    body = client.get(PUBLIC).data
    parse(body)
    found = [e for e in expand(body, date(2026, 1, 1), date(2027, 1, 1)) if str(e["UID"]) == uid(call)]
    local = [e["DTSTART"].dt.astimezone(VIENNA) for e in found]
    assert [t.hour for t in local] == [14, 14, 14, 14] and [t.minute for t in local] == [0, 0, 0, 0]
    offsets = {e["DTSTART"].dt.utcoffset() for e in found}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # both sides of the change
    assert [t.astimezone(VIENNA).hour for t in vobject_starts(body, uid(call))] == [14, 14, 14, 14]


@pytest.mark.parametrize(
    ("tzid", "first"),
    [
        ("Africa/Cairo", datetime(2030, 4, 18, 11, 0)),  # Egypt's summer time starts 26 April
        ("Europe/Vienna", datetime(2030, 3, 25, 14, 0)),  # summer time begins 31 March
        ("America/Santiago", datetime(2030, 3, 28, 10, 0)),
    ],
)
def test_a_weekly_meeting_across_a_zone_change_reads_the_same_in_ical_js(
    client: FlaskClient, make_meeting, tzid: str, first: datetime
) -> None:
    """``parse`` has ical.js expand the feed and compare each start, local and UTC, with the
    application's; Cairo's irregular history was read wrong (first RDATE only)."""
    zone = ZoneInfo(tzid)
    start = first.replace(tzinfo=zone)
    call = make_meeting(
        visibility="public",
        timezone=tzid,
        starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(hours=1)).astimezone(UTC),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    found = [o for o in icaljs.occurrences(client.get(PUBLIC).data) if o["uid"] == uid(call)]
    utc = [datetime.fromisoformat(o["start_utc"]) for o in found]
    assert [o["start"][11:] for o in found] == [first.time().isoformat()] * 3
    assert [t.astimezone(zone).time() for t in utc] == [first.time()] * 3
    assert len({t.astimezone(zone).utcoffset() for t in utc}) == 2  # both sides of the change
    parse(client.get(PUBLIC).data)


def test_a_cancelled_meeting_keeps_its_uid_with_status_cancelled_and_a_higher_sequence(
    client: FlaskClient, session: Session, make_meeting
) -> None:
    meeting = make_meeting(visibility="public")
    [before] = events(parse(client.get(PUBLIC).data), uid(meeting))
    meetings.cancel_meeting(session, actor=SYSTEM, meeting_id=meeting.id, reason="No quorum")
    session.commit()
    [after] = events(parse(client.get(PUBLIC).data), uid(meeting))
    assert str(after["STATUS"]) == "CANCELLED" and after["SEQUENCE"] > before["SEQUENCE"]
    with clock.frozen(clock.now() + timedelta(days=29)):
        assert uid(meeting) in uids(parse(client.get(PUBLIC).data))
    with clock.frozen(clock.now() + timedelta(days=31)):
        assert uid(meeting) not in uids(parse(client.get(PUBLIC).data))


def test_moved_occurrence_is_an_override_and_a_cancelled_one_is_excluded(
    client: FlaskClient, session: Session, make_meeting
) -> None:
    first = datetime(2030, 1, 7, 14, 0, tzinfo=VIENNA)
    call = make_meeting(
        visibility="public",
        starts_at=first.astimezone(UTC),
        ends_at=(first + timedelta(hours=1)).astimezone(UTC),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    second, third = first + timedelta(weeks=1), first + timedelta(weeks=2)
    moved_to = second + timedelta(hours=2)
    series.move_occurrence(
        session,
        actor=SYSTEM,
        meeting_id=call.id,
        recurrence_id=second.astimezone(UTC),
        starts_at=moved_to,
        ends_at=moved_to + timedelta(hours=1),
    )
    series.cancel_occurrence(session, actor=SYSTEM, meeting_id=call.id, recurrence_id=third.astimezone(UTC))
    session.commit()
    body = client.get(PUBLIC).data
    cal = parse(body)
    [override] = [e for e in events(cal, uid(call)) if "RECURRENCE-ID" in e]
    assert override["RECURRENCE-ID"].dt == second and override["DTSTART"].dt == moved_to
    found = [e["DTSTART"].dt for e in expand(body, date(2030, 1, 1), date(2030, 2, 1))]
    assert found == [first, moved_to]


def test_every_change_gives_a_new_etag_and_unchanged_data_the_same_bytes(
    client: FlaskClient, session: Session, make_meeting
) -> None:
    meeting = make_meeting(visibility="public")
    first, second = client.get(PUBLIC), client.get(PUBLIC)
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert client.get(PUBLIC, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    changes = {"location": "Geneva"}
    meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting.id, version=meeting.version, changes=changes)
    session.commit()
    changed = client.get(PUBLIC, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    [event] = events(parse(changed.data), uid(meeting))
    assert str(event["LOCATION"]) == "Geneva"


def test_the_add_to_calendar_file_of_one_meeting(client: FlaskClient, three_visibilities) -> None:
    public, members, _restricted = three_visibilities
    response = client.get(f"/calendar/meetings/{public.id}.ics")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert uids(parse(response.data)) == {uid(public)}
    assert client.get(f"/calendar/meetings/{members.id}.ics").status_code == 404


def test_queries_per_feed_request_do_not_grow_with_the_meetings(
    client: FlaskClient, make_meeting, statements, world_day
) -> None:
    def cold_request() -> int:
        BLOCKS.clear()
        BODIES.clear()
        statements.statements.clear()
        assert client.get(PUBLIC).status_code == 200
        return len(statements.statements)

    for _ in range(2):
        make_meeting(visibility="public")
    make_meeting(visibility="public", recurrence="FREQ=WEEKLY;COUNT=5")
    few = cold_request()
    for _ in range(25):
        make_meeting(visibility="public")
    make_meeting(visibility="public", recurrence="FREQ=DAILY;COUNT=5")
    assert cold_request() == few
    statements.statements.clear()
    etag = client.get(PUBLIC).headers["ETag"]
    warm = len(statements.statements)
    statements.statements.clear()
    assert client.get(PUBLIC, headers={"If-None-Match": etag}).status_code == 304
    assert len(statements.statements) == warm == 1
