"""Issue 11, items 1 and 4: input that would break a calendar is refused at the door with
422 naming the field, and afterwards every feed still reads in icalendar, vobject and
recurring-ical-events. Each refusal is followed by a look at the database and the feeds."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core.outbox import OutboxEvent
from icat.core.text import text_problem
from icat.meetings.models import AgendaItem, Meeting, Minutes
from icat.meetings.recurrence import check_parts
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error
from tests.e2e.test_api_meetings import NEW
from tests.feeds.ics import parse, uids

API = "/api/v1/meetings"
FEEDS = ("/calendar/icat.ics", "/calendar/kinds/working_group.ics", "/calendar/entities/IOM.ics")


@pytest.fixture
def good(client: FlaskClient, bearer, make_entity) -> dict[str, Any]:
    """The secretariat's headers and one good public meeting every feed must keep carrying."""
    make_entity(acronym="IOM")
    headers = bearer("secretariat")
    created = client.post(API, json=NEW | {"visibility": "public"}, headers=headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    return {"headers": headers, "id": created.get_json()["id"]}


def feeds_still_read(client: FlaskClient, good: dict[str, Any]) -> None:
    for url in FEEDS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert uids(parse(response.data)) == {f"meeting-{good['id']}@icat.test"}, url
    assert client.get(f"/calendar/meetings/{good['id']}.ics").status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        # Item 1: each of the issue's three rows, and the RRULE parts outside RFC 5545's ranges.
        ({"recurrence": "FREQ=DAILY;COUNT=2;INTERVAL=99999999999999"}, "recurrence"),
        (
            {"date_precision": "day", "starts_at": "9999-12-31T10:00:00+00:00", "ends_at": "9999-12-31T11:00:00+00:00"},
            "starts_at",
        ),
        (
            {
                "starts_at": "0001-01-01T02:00:00+00:00",
                "ends_at": "0001-01-01T03:00:00+00:00",
                "timezone": "America/New_York",
            },
            "starts_at",
        ),
        ({"starts_at": "0001-01-01T00:00:00+14:00", "ends_at": "2030-01-01T00:00:00+14:00"}, "starts_at"),
        ({"ends_at": "2101-01-01T00:30:00+01:00"}, "ends_at"),
        ({"starts_at": "1999-12-31T23:30:00+00:00", "timezone": "UTC"}, "starts_at"),
        ({"recurrence": "FREQ=DAILY;COUNT=2;INTERVAL=1001"}, "recurrence"),
        ({"recurrence": "FREQ=DAILY;COUNT=2;INTERVAL=0"}, "recurrence"),
        ({"recurrence": "FREQ=FORTNIGHTLY;COUNT=2"}, "recurrence"),
        ({"recurrence": "FREQ=DAILY;COUNT=0"}, "recurrence"),
        ({"recurrence": "FREQ=DAILY;UNTIL=21010101T000000Z"}, "recurrence"),
        ({"recurrence": "FREQ=YEARLY;COUNT=100"}, "recurrence"),  # 2030 + 99 years: past 2100
        ({"recurrence": "FREQ=DAILY;COUNT=2;BYHOUR=24"}, "recurrence"),
        ({"recurrence": "FREQ=DAILY;COUNT=2;BYMINUTE=60"}, "recurrence"),
        ({"recurrence": "FREQ=DAILY;COUNT=2;BYSECOND=61"}, "recurrence"),
        ({"recurrence": "FREQ=MONTHLY;COUNT=2;BYDAY=54MO"}, "recurrence"),
        ({"recurrence": "FREQ=MONTHLY;COUNT=2;BYMONTHDAY=32"}, "recurrence"),
        ({"recurrence": "FREQ=YEARLY;COUNT=2;BYYEARDAY=367"}, "recurrence"),
        ({"recurrence": "FREQ=YEARLY;COUNT=2;BYWEEKNO=-54"}, "recurrence"),
        ({"recurrence": "FREQ=YEARLY;COUNT=2;BYMONTH=13"}, "recurrence"),
        ({"recurrence": "FREQ=MONTHLY;COUNT=2;BYDAY=MO;BYSETPOS=400"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=2;WKST=XX"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=2;X-NAME=1"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=2;COUNT=3"}, "recurrence"),
        # Item 4: C0 controls, DEL, lone surrogates; line breaks in one-line fields.
        ({"title": "Working group\x00"}, "title"),
        ({"title": "Working group \ud800"}, "title"),
        ({"title": "Working group\r\nBEGIN:VEVENT"}, "title"),
        ({"title": "Working\tgroup"}, "title"),
        ({"location": "Vienna\nInternational Centre"}, "location"),
        ({"description": "Agenda\x00"}, "description"),
        ({"description": "Agenda \udfff follows"}, "description"),
        ({"description": "Agenda\x1b[31m"}, "description"),
        ({"description": "Agenda\x7f"}, "description"),
        ({"note": "Note\x0c"}, "note"),
        ({"timezone": "Europe/Vienna\x00"}, "timezone"),
        ({"invitees": ["IOM\ud800"]}, "invitees"),
        ({"recurrence": "FREQ=DAILY;COUNT=2\x00"}, "recurrence"),
    ],
)
def test_bad_meeting_input_is_422_naming_the_field_and_feeds_still_read(
    client: FlaskClient, session: Session, good, change: dict[str, Any], field: str
) -> None:
    response = client.post(API, json=NEW | {"visibility": "public"} | change, headers=good["headers"])
    body = assert_error(response, 422, "validation_failed")
    assert field in body["fields"], body
    assert count(session, Meeting) == 1
    assert count(session, OutboxEvent, OutboxEvent.type == "MeetingScheduled") == 1
    patched = client.patch(f"{API}/{good['id']}", json=change | {"version": 1}, headers=good["headers"])
    assert field in assert_error(patched, 422, "validation_failed")["fields"]
    feeds_still_read(client, good)


def test_the_message_names_the_rrule_part(client: FlaskClient, good) -> None:
    change = {"recurrence": "FREQ=WEEKLY;COUNT=2;BYHOUR=25;FOO=1"}
    body = assert_error(client.post(API, json=NEW | change, headers=good["headers"]), 422, "validation_failed")
    message = " ".join(body["fields"]["recurrence"])
    assert "BYHOUR" in message and "FOO" in message


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;COUNT=10;INTERVAL=1000",
        "FREQ=MONTHLY;COUNT=3;BYDAY=-1MO",
        "FREQ=MONTHLY;COUNT=3;BYDAY=1MO,+2MO;BYSETPOS=-1",
        "FREQ=WEEKLY;UNTIL=20301231T000000Z;WKST=SU;BYDAY=MO",
        "FREQ=YEARLY;COUNT=2;BYMONTH=10;BYMONTHDAY=-31,7;BYHOUR=14;BYMINUTE=0;BYSECOND=0",
        "FREQ=YEARLY;COUNT=2;BYWEEKNO=41,-53;BYYEARDAY=-366,280",
    ],
)
def test_rules_within_rfc_5545_ranges_pass_the_part_check(rule: str) -> None:
    assert check_parts(rule) == []


def test_multi_line_fields_keep_tabs_and_line_breaks(client: FlaskClient, session: Session, good) -> None:
    text = "Agenda:\r\n\t1. Opening\n\t2. Reports — 报告, تقارير 🗓"
    response = client.post(API, json=NEW | {"visibility": "public", "description": text}, headers=good["headers"])
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["description"] == text
    assert count(session, Meeting) == 2
    for url in FEEDS:
        assert len(uids(parse(client.get(url).data))) == 2


def test_text_rule() -> None:
    assert text_problem("Réunion 会议 🗓") is None
    assert text_problem("a\tb") is not None and text_problem("a\x00b") is not None
    assert text_problem("a\nb") == "Must be one line."
    assert text_problem("a\r\n\tb", multiline=True) is None
    assert text_problem("a\x0bb", multiline=True) is not None
    assert text_problem("\ud83d", multiline=True) is not None


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("agenda", {"items": [{"title": "Opening\x00"}]}, "items"),
        ("agenda", {"items": [{"title": "Opening\r\nremarks"}]}, "items"),
        ("agenda", {"items": [{"title": "Opening", "notes": "\ud800"}]}, "items"),
        ("minutes", {"text": "Minutes\x00"}, "text"),
        ("minutes", {"decisions": ["Agreed\x01"]}, "decisions"),
        ("minutes", {"action_items": [{"text": "Send\nthe note"}]}, "action_items"),
    ],
)
def test_agenda_and_minutes_refuse_forbidden_text(
    client: FlaskClient, session: Session, good, path: str, payload: dict[str, Any], field: str
) -> None:
    response = client.put(f"{API}/{good['id']}/{path}", json=payload, headers=good["headers"])
    assert field in assert_error(response, 422, "validation_failed")["fields"]
    assert count(session, AgendaItem) == 0 and count(session, Minutes) == 0
    feeds_still_read(client, good)


def test_registry_and_observance_text_is_checked_the_same_way(
    client: FlaskClient, session: Session, good, world_day
) -> None:
    entity = {"acronym": "NEW", "name": "New\x00entity", "kind": "member", "category": "other"}
    body = assert_error(client.post("/api/v1/entities", json=entity, headers=good["headers"]), 422, "validation_failed")
    assert "name" in body["fields"]
    notes = entity | {"name": "New entity", "notes": "line\x00"}
    body = assert_error(client.post("/api/v1/entities", json=notes, headers=good["headers"]), 422, "validation_failed")
    assert "notes" in body["fields"]
    patch = {"themes": [{"year": 2031, "theme": "Theme \ud800"}], "version": 1}
    url = f"/api/v1/observances/{world_day.slug}"
    body = assert_error(client.patch(url, json=patch, headers=good["headers"]), 422, "validation_failed")
    assert "themes" in body["fields"]
    assert client.get("/api/v1/entities/NEW").status_code == 404
    feed = parse(client.get("/calendar/icat.ics").data)
    assert f"meeting-{good['id']}@icat.test" in uids(feed)


def test_an_occurrence_cannot_move_out_of_2000_2100(client: FlaskClient, good) -> None:
    change = {"recurrence": "FREQ=WEEKLY;COUNT=3"}
    made = client.post(API, json=NEW | {"visibility": "public"} | change, headers=good["headers"]).get_json()
    first = "2030-10-07T12:00:00+00:00"
    url = f"{API}/{made['id']}/occurrences/{first}"
    move = {"starts_at": "2101-01-01T00:30:00+01:00", "ends_at": "2101-01-01T01:30:00+01:00"}
    body = assert_error(client.put(url, json=move, headers=good["headers"]), 422, "validation_failed")
    assert "starts_at" in body["fields"] and "ends_at" in body["fields"]
    for feed in FEEDS:
        assert len(uids(parse(client.get(feed).data))) == 2
