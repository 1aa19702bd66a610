"""Action items across meetings: the API (list by owner, open and overdue; PATCH by the
owner's focal point at a version, 403 for another entity's, 409/412 when stale) and the
page (grouped by owner, overdue flagged, links to the minutes, the mark-done form)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.meetings import minutes as minutes_svc
from icat.meetings.models import ActionItem
from tests.conftest import count
from tests.e2e.test_meeting_pages import signed_in, text
from tests.support.html_forms import form_fields

PAST, LATER = clock.today() - timedelta(days=30), clock.today() + timedelta(days=30)


@pytest.fixture
def items(session: Session, make_entity, make_meeting) -> dict[str, int]:
    """Two meetings' minutes: ILO owes one overdue and one later item, IOM one done, one unowned."""
    for acronym in ("ILO", "IOM", "UNODC"):
        make_entity(acronym=acronym)
    first, second = make_meeting(title="Spring session"), make_meeting(title="Principals", visibility="restricted")
    minutes_svc.record_minutes(
        session,
        actor=SYSTEM,
        meeting_id=first.id,
        text="",
        decisions=[],
        action_items=[
            {"text": "Circulate the draft brief", "owner": "ILO", "due_on": PAST},
            {"text": "Book the room", "owner": "IOM", "due_on": PAST, "done": True},
            {"text": "Find a rapporteur", "owner": None},
        ],
    )
    minutes_svc.record_minutes(
        session,
        actor=SYSTEM,
        meeting_id=second.id,
        text="",
        decisions=[],
        action_items=[{"text": "Translate the statement", "owner": "ILO", "due_on": LATER}],
    )
    session.commit()
    by_text = {a.text: a.id for a in session.scalars(sa.select(ActionItem))}
    return by_text | {"first": first.id, "second": second.id}


def test_the_list_gives_open_items_by_owner_with_overdue_flagged(client: FlaskClient, items, bearer) -> None:
    staff = bearer("secretariat")
    body = client.get("/api/v1/action-items?open=true", headers=staff).get_json()
    assert [(i["owner"], i["text"], i["overdue"]) for i in body["items"]] == [
        ("ILO", "Circulate the draft brief", True),
        ("ILO", "Translate the statement", False),
        (None, "Find a rapporteur", False),
    ]
    first = body["items"][0]
    assert first["minutes_url"] == f"/meetings/{items['first']}#minutes" and first["version"] == 1
    ilo = client.get("/api/v1/action-items?entity=ILO", headers=staff).get_json()["items"]
    assert {i["owner"] for i in ilo} == {"ILO"} and len(ilo) == 2
    done = client.get("/api/v1/action-items?open=false", headers=staff).get_json()["items"]
    assert [i["text"] for i in done] == ["Book the room"]
    paged = client.get("/api/v1/action-items?limit=2", headers=staff).get_json()
    rest = client.get(f"/api/v1/action-items?limit=2&cursor={paged['next_cursor']}", headers=staff).get_json()
    assert len(paged["items"]) == 2 and len(rest["items"]) == 2 and rest["next_cursor"] is None
    # A focal point of an uninvited entity does not see the restricted meeting's item.
    iom = client.get("/api/v1/action-items", headers=bearer("focal_point", "IOM")).get_json()["items"]
    assert "Translate the statement" not in {i["text"] for i in iom}


def test_bad_list_arguments_name_their_field(client: FlaskClient, items, bearer) -> None:
    staff = bearer("secretariat")
    unknown = client.get("/api/v1/action-items?entity=NOPE", headers=staff)
    assert unknown.status_code == 422 and "entity" in unknown.get_json()["fields"]
    assert client.get("/api/v1/action-items?open=maybe", headers=staff).status_code == 422
    assert client.get("/api/v1/action-items").status_code == 401


def test_the_owners_focal_point_marks_an_item_done_at_its_version(
    client: FlaskClient, session: Session, items, bearer
) -> None:
    item = items["Circulate the draft brief"]
    url = f"/api/v1/action-items/{item}"
    shown = client.get(url, headers=bearer("viewer"))
    assert shown.status_code == 200 and shown.headers["ETag"]
    other = client.patch(url, json={"done": True, "version": 1}, headers=bearer("focal_point", "IOM"))
    assert other.status_code == 403 and other.get_json()["error"] == "forbidden"
    assert client.patch(url, json={"done": True, "version": 1}, headers=bearer("viewer")).status_code == 403
    ilo = bearer("focal_point", "ILO")
    assert client.patch(url, json={"done": "yes please", "version": 1}, headers=ilo).status_code == 422
    assert client.patch(url, json={"done": True, "text": "x", "version": 1}, headers=ilo).status_code == 422
    assert client.patch(url, json={"done": True}, headers=ilo).get_json()["fields"] == {
        "version": ["Send it as If-Match or as the version field."]
    }
    done = client.patch(url, json={"done": True}, headers=ilo | {"If-Match": shown.headers["ETag"]})
    assert done.status_code == 200 and done.get_json()["done"] is True and done.get_json()["version"] == 2
    assert done.headers["ETag"] != shown.headers["ETag"]
    stale_body = client.patch(url, json={"done": False, "version": 1}, headers=ilo)
    stale_header = client.patch(url, json={"done": False}, headers=ilo | {"If-Match": shown.headers["ETag"]})
    assert (stale_body.status_code, stale_header.status_code) == (409, 412)
    session.expire_all()
    row = session.get(ActionItem, item)
    assert row.done and row.version == 2 and row.done_at is not None  # the stale edits changed nothing
    assert count(session, OutboxEvent, OutboxEvent.type == "ActionItemMarked") == 1
    hidden = items["Translate the statement"]  # a restricted meeting IOM is not invited to
    iom = bearer("focal_point", "IOM")
    iom = client.patch(f"/api/v1/action-items/{hidden}", json={"done": True, "version": 1}, headers=iom)
    assert iom.status_code == 404
    assert client.patch("/api/v1/action-items/99999", json={"done": True, "version": 1}, headers=ilo).status_code == 404


def test_the_page_groups_by_owner_flags_overdue_and_marks_done_with_a_form(
    client: FlaskClient, session: Session, make_user, items
) -> None:
    assert client.get("/action-items").status_code == 302  # sign in first
    signed_in(client, make_user("focal_point", entity="ILO"))
    page = text(client.get("/action-items"))
    assert page.index("<h2>ILO") < page.index("No owner named")
    assert "Book the room" not in page  # done: only with show=all
    assert f'href="/meetings/{items["first"]}#minutes"' in page
    assert page.count("Overdue</strong>") == 1
    forms = re.findall(r'<form method="post" action="(/action-items/\d+)"', page)
    assert forms == [f"/action-items/{items['Circulate the draft brief']}"]  # ILO's item; not the unowned one
    form = forms[0]
    fields = form_fields(client.get("/action-items"), form)
    assert fields["done"] == "true" and fields["version"] == "1" and fields["csrf_token"]
    posted = client.post(form, data=fields, headers={"Referer": "http://icat.test/action-items?entity=ILO"})
    assert posted.status_code == 302 and posted.headers["Location"].endswith("/action-items?entity=ILO")
    session.expire_all()
    assert session.get(ActionItem, items["Circulate the draft brief"]).done
    again = client.post(form, data=fields)  # the same form, now stale: refused, flashed
    assert again.status_code == 302
    assert "version" in text(client.get("/action-items"))
    shown = text(client.get("/action-items?show=all"))  # open and done alike
    assert "Book the room" in shown and "Find a rapporteur" in shown and "Reopen" in shown
    no_token = client.post(form, data={"done": "false", "version": "2"})
    assert no_token.status_code == 400
    session.expire_all()
    assert session.get(ActionItem, items["Circulate the draft brief"]).done  # no CSRF token: nothing changed


def test_odd_page_and_api_input_is_refused_clearly(client: FlaskClient, items, make_user, bearer) -> None:
    staff = bearer("secretariat")
    forged = client.get("/api/v1/action-items?cursor=not-ours", headers=staff)
    assert forged.status_code == 400 and "cursor" in forged.get_json()["fields"]
    assert (
        client.patch(
            "/api/v1/action-items/1", data="{", headers=staff | {"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    signed_in(client, make_user("viewer"))
    unknown = client.get("/action-items?entity=NOPE")
    assert unknown.status_code == 422 and "No entity NOPE" in text(unknown)
    assert "Mark done" not in text(client.get("/action-items"))  # a viewer marks nothing
    url = f"/action-items/{items['Circulate the draft brief']}"
    assert client.post(url, data={"done": "true", "version": "1"}).status_code == 400  # no CSRF token
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get("/action-items"))).group(1)  # sign-out form
    refused = client.post(url, data={"done": "true", "version": "1", "csrf_token": token})
    assert refused.status_code == 403  # not the owner's focal point: the error page, not a flash
