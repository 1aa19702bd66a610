"""The milestone feed of a plan (``/calendar/workplans/<id>.ics``), read by icalendar, vobject,
recurring-ical-events and ical.js (``ics.parse``): all-day events on the due dates, stable
UIDs, SEQUENCE following a moved date, byte-identical when unchanged, ETag/304, gzip."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.workplan import activities, services
from tests.feeds import ics

NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def plan_with_milestones(session: Session, *, adopted: bool = True) -> tuple[int, int]:
    with clock.frozen(NOW):
        plan = services.create_plan(
            session,
            actor=SYSTEM,
            title="Workplan 2026–2030",
            start_year=2026,
            end_year=2030,
            adopted_on=date(2025, 12, 15) if adopted else None,
        )
        activity = activities.add_activity(
            session,
            actor=SYSTEM,
            plan_id=plan.id,
            title="Issue brief on technology · «online» recruitment",
            pillar="prevention",
            lead_entities=["UNODC"],
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            milestones=[
                {"title": "Draft circulated to all members of the working group", "due_on": date(2026, 6, 1)},
                {"title": "Launch on the World Day", "due_on": date(2027, 7, 30)},
            ],
        )
        session.commit()
    return plan.id, activity.id


def test_milestones_parse_in_every_reader(client: FlaskClient, session: Session, plan_entities) -> None:
    plan_id, _activity = plan_with_milestones(session)
    response = client.get(f"/calendar/workplans/{plan_id}.ics")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.get_data()
    cal = ics.parse(body)
    events = sorted(ics.events(cal), key=lambda e: e["DTSTART"].dt)
    assert [(e["DTSTART"].dt, e["DTEND"].dt) for e in events] == [
        (date(2026, 6, 1), date(2026, 6, 2)),
        (date(2027, 7, 30), date(2027, 7, 31)),
    ]
    assert all(str(e["UID"]).startswith("milestone-") and str(e["UID"]).endswith("@icat.test") for e in events)
    assert str(cal["X-WR-CALNAME"]) == "ICAT workplan milestones: Workplan 2026–2030"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body and b"X-PUBLISHED-TTL:PT1H" in body
    expanded = ics.expand(body, date(2026, 1, 1), date(2031, 1, 1))
    assert sorted(e["DTSTART"].dt for e in expanded) == [date(2026, 6, 1), date(2027, 7, 30)]


def test_unchanged_is_byte_identical_with_etag_304_and_gzip(
    client: FlaskClient, session: Session, plan_entities
) -> None:
    plan_id, _activity = plan_with_milestones(session)
    url = f"/calendar/workplans/{plan_id}.ics"
    first, second = client.get(url), client.get(url)
    assert first.get_data() == second.get_data() and first.headers["ETag"] == second.headers["ETag"]
    assert not first.headers["ETag"].startswith("W/")
    assert client.get(url, headers={"If-None-Match": "W/" + first.headers["ETag"]}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == first.get_data()
    assert zipped.headers["ETag"] != first.headers["ETag"] and "Accept-Encoding" in zipped.headers["Vary"]


def test_a_moved_milestone_raises_sequence_and_changes_the_etag(
    client: FlaskClient, session: Session, plan_entities
) -> None:
    plan_id, activity_id = plan_with_milestones(session)
    url = f"/calendar/workplans/{plan_id}.ics"
    before = client.get(url)
    activity = session.get(activities.Activity, activity_id)
    items = [{"id": m.id, "title": m.title, "due_on": m.due_on} for m in activity.milestones]
    items[0]["due_on"] = date(2026, 7, 1)
    with clock.frozen(NOW + timedelta(days=3)):
        activities.update_activity(
            session, actor=SYSTEM, activity_id=activity_id, version=1, changes={"milestones": items}
        )
        session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    moved = {str(e["UID"]): e for e in ics.events(ics.parse(after.get_data()))}
    uid = f"milestone-{items[0]['id']}@icat.test"
    assert moved[uid]["DTSTART"].dt == date(2026, 7, 1) and int(moved[uid]["SEQUENCE"]) == 1


def test_a_draft_plan_has_no_public_feed(client: FlaskClient, session: Session, plan_entities) -> None:
    plan_id, _activity = plan_with_milestones(session, adopted=False)
    assert client.get(f"/calendar/workplans/{plan_id}.ics").status_code == 404
    assert client.get("/calendar/workplans/999999.ics").status_code == 404
