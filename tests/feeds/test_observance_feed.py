"""The observances feed (DESIGN §6): the World Day as an all-day yearly event with every
known year's theme as an override, read by three parsers; ETag, 304 and byte identity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.observances import services as observances
from icat.observances.models import Observance
from icat.observances.reference import WORLD_DAY
from icat.observances.reference import world_day as reference_world_day
from tests.feeds.ics import events, expand, parse, vobject_starts

FEED = "/calendar/observances.ics"
UID = f"observance-{WORLD_DAY}@icat.test"


def test_the_world_day_expands_to_30_july_every_year_since_2014_with_that_years_theme(
    client: FlaskClient, world_day: Observance
) -> None:
    body = client.get(FEED).data
    parse(body)
    found = expand(body, date(2010, 1, 1), date(2027, 1, 1))
    assert [e["DTSTART"].dt for e in found] == [date(year, 7, 30) for year in range(2014, 2027)]
    known = {t["year"]: t["theme"] for t in reference_world_day()["themes"]}
    for occurrence in found:
        year, summary = occurrence["DTSTART"].dt.year, str(occurrence["SUMMARY"])
        assert occurrence["DTEND"].dt == date(year, 7, 31)  # exclusive end of an all-day event
        theme = known.get(year)
        if theme:
            assert summary == f"World Day against Trafficking in Persons: {theme}"
        else:  # 2014, 2015 (no theme) and 2026 (not known yet): the plain name, nothing invented
            assert summary == "World Day against Trafficking in Persons"
    assert sorted(known) == list(range(2014, 2026))


def test_the_master_is_all_day_with_a_yearly_rule_and_vobject_agrees(client: FlaskClient, world_day) -> None:
    body = client.get(FEED).data
    cal = parse(body)
    [master] = [e for e in events(cal, UID) if "RECURRENCE-ID" not in e]
    assert b"DTSTART;VALUE=DATE:20140730\r\n" in body and b"DTEND;VALUE=DATE:20140731\r\n" in body
    assert master["RRULE"]["FREQ"] == ["YEARLY"]
    overrides = [e for e in events(cal, UID) if "RECURRENCE-ID" in e]
    assert sorted(e["RECURRENCE-ID"].dt.year for e in overrides) == list(range(2016, 2026))
    starts = vobject_starts(body, UID)
    assert [d.year for d in starts[:13]] == list(range(2014, 2027))
    assert all((d.month, d.day) == (7, 30) for d in starts[:13])


def test_calendar_properties_and_headers(client: FlaskClient, world_day) -> None:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"].startswith('"') and not response.headers["ETag"].startswith("W/")
    assert response.headers["Last-Modified"]
    cal = icalendar.Calendar.from_ical(response.data)
    assert str(cal["X-WR-CALNAME"]) == "ICAT: observances"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in response.data
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


def test_unchanged_data_is_byte_identical_with_the_same_etag_and_a_304(client: FlaskClient, world_day) -> None:
    first, second = client.get(FEED), client.get(FEED)
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    again = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    stale = client.get(FEED, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_a_theme_edit_gives_a_new_etag_and_the_new_theme(
    client: FlaskClient, session: Session, world_day: Observance
) -> None:
    before = client.get(FEED)
    observances.update_observance(
        session,
        actor=SYSTEM,
        slug=WORLD_DAY,
        version=world_day.version,
        changes={"themes": [{"year": 2026, "theme": "A theme agreed for 2026", "confidence": "high"}]},
    )
    session.commit()
    after = client.get(FEED, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    [occurrence] = expand(after.data, date(2026, 7, 30), date(2026, 7, 31))
    assert str(occurrence["SUMMARY"]).endswith(": A theme agreed for 2026")


def test_a_new_day_changes_the_etag_but_not_the_body(client: FlaskClient, world_day) -> None:
    with clock.frozen(datetime(2027, 1, 1, 12, tzinfo=UTC)):
        first = client.get(FEED)
    with clock.frozen(datetime(2027, 1, 1, 12, tzinfo=UTC) + timedelta(days=1)):
        second = client.get(FEED)
    assert first.headers["ETag"] != second.headers["ETag"] and first.data == second.data
