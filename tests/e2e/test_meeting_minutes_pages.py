"""End to end: the secretariat's agenda, minutes and occurrence pages, posted as a browser
without JavaScript posts them (CSRF token and every field as shown); bad input answers 422
with the message beside its field and saves nothing; others get 403, 404 or the sign-in page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from icat.core.actor import SYSTEM
from icat.meetings import minutes as minutes_svc
from icat.meetings.models import ActionItem, AgendaItem, Decision, Meeting, Minutes, OccurrenceOverride
from tests.conftest import count
from tests.e2e.test_meeting_pages import signed_in, text
from tests.support.html_forms import form_fields

START = datetime(2030, 3, 4, 13, tzinfo=UTC)  # Mondays 14:00 in Vienna (CET) from 4 March 2030


@pytest.fixture
def entities(make_entity) -> None:
    make_entity(acronym="IOM", name="International Organization for Migration")
    make_entity(acronym="ILO", name="International Labour Organization")
    make_entity(acronym="UNODC", name="United Nations Office on Drugs and Crime")


@pytest.fixture
def secretariat(client: FlaskClient, make_user) -> FlaskClient:
    return signed_in(client, make_user("secretariat"))


def inline_error(response: TestResponse, field: str, message: str) -> bool:
    """``message`` is shown right beside input ``field`` (in its field block, as the text its
    aria-describedby names), and the input is marked invalid."""
    page = text(response)
    block = re.search(
        rf'<div class="field">(?:(?!</div>).)*name="{re.escape(field)}"(?:(?!</div>).)*</div>', page, re.S
    )
    assert block, f"no field block around {field}"
    shown = block.group(0)
    described = re.search(rf'aria-describedby="[^"]*\b{re.escape(field)}-errors\b', shown) is not None
    described = described and f'<span class="field-errors" id="{field}-errors">' in shown
    return f'<small class="error">{message}' in shown and 'aria-invalid="true"' in shown and described


def agenda_titles(session: Session, meeting_id: int) -> list[tuple[str, str | None]]:
    session.expire_all()
    rows = session.scalars(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
    )
    return [(r.title, r.lead_entity.acronym if r.lead_entity else None) for r in rows]


# --- agenda ---------------------------------------------------------------------------
def test_secretariat_adds_changes_reorders_and_removes_agenda_items(
    secretariat: FlaskClient, make_meeting, entities, session: Session
) -> None:
    meeting = make_meeting(title="Spring session", invitees=["IOM"])
    page = secretariat.get(f"/meetings/{meeting.id}")
    assert f'href="/meetings/{meeting.id}/agenda"' in page.get_data(as_text=True)
    form = secretariat.get(f"/meetings/{meeting.id}/agenda")
    assert form.status_code == 200
    data = form_fields(form) | {
        "agenda-items-0-title": "Opening",
        "agenda-items-1-title": "Workplan 2030",
        "agenda-items-1-lead_entity": "IOM",
        "agenda-items-1-notes": "Progress per pillar",
    }
    saved = secretariat.post(f"/meetings/{meeting.id}/agenda", data=data)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/meetings/{meeting.id}#agenda")
    assert agenda_titles(session, meeting.id) == [("Opening", None), ("Workplan 2030", "IOM")]
    shown = text(secretariat.get(f"/meetings/{meeting.id}"))
    assert "Agenda saved." in shown and "Workplan 2030" in shown and "Progress per pillar" in shown

    form = secretariat.get(f"/meetings/{meeting.id}/agenda")
    data = form_fields(form)
    assert data["agenda-items-1-lead_entity"] == "IOM" and data["agenda-items-0-order"] == "1"
    data |= {
        "agenda-items-0-title": "Opening and adoption of the agenda",
        "agenda-items-0-order": "4",  # after the new item, numbered 3 on the form
        "agenda-items-1-remove": "y",
        "agenda-items-2-title": "Any other business",
        "agenda-items-2-lead_entity": "UNODC",  # not invited: any entity may lead
    }
    assert secretariat.post(f"/meetings/{meeting.id}/agenda", data=data).status_code == 302
    assert agenda_titles(session, meeting.id) == [
        ("Any other business", "UNODC"),
        ("Opening and adoption of the agenda", None),
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"agenda-items-0-title": "x" * 301}, "agenda-items-0-title", "Field cannot be longer than 300 characters."),
        ({"agenda-items-1-notes": "Who leads?"}, "agenda-items-1-title", "A title is required"),
        ({"agenda-items-0-lead_entity": "NOPE"}, "agenda-items-0-lead_entity", "Not a valid choice."),
        ({"agenda-items-0-order": "first"}, "agenda-items-0-order", "Not a valid integer value."),
    ],
)
def test_bad_agenda_input_is_shown_beside_its_field_and_saves_nothing(
    secretariat: FlaskClient,
    make_meeting,
    entities,
    session: Session,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    meeting = make_meeting()
    minutes_svc.set_agenda(session, actor=SYSTEM, meeting_id=meeting.id, items=[{"title": "Kept"}])
    session.commit()
    data = form_fields(secretariat.get(f"/meetings/{meeting.id}/agenda")) | {"agenda-items-0-title": "Changed"}
    response = secretariat.post(f"/meetings/{meeting.id}/agenda", data=data | change)
    assert response.status_code == 422
    assert inline_error(response, field, message), text(response)
    assert "Some fields need attention." in text(response)
    assert agenda_titles(session, meeting.id) == [("Kept", None)]


def test_an_agenda_edited_at_an_old_version_is_refused(
    secretariat: FlaskClient, make_meeting, entities, session: Session
) -> None:
    meeting = make_meeting()
    stale = form_fields(secretariat.get(f"/meetings/{meeting.id}/agenda"))
    minutes_svc.set_agenda(session, actor=SYSTEM, meeting_id=meeting.id, items=[{"title": "Saved meanwhile"}])
    session.commit()
    response = secretariat.post(f"/meetings/{meeting.id}/agenda", data=stale | {"agenda-items-0-title": "Mine"})
    assert response.status_code == 409 and "version" in text(response)
    assert agenda_titles(session, meeting.id) == [("Saved meanwhile", None)]


# --- who may ------------------------------------------------------------------------------
def test_only_the_secretariat_opens_and_posts_the_record_forms(
    client: FlaskClient, make_user, make_meeting, entities, session: Session
) -> None:
    meeting = make_meeting(title="Closed session", visibility="restricted", invitees=["IOM"], recurrence=None)
    series = make_meeting(recurrence="FREQ=WEEKLY;COUNT=3", starts_at=START, ends_at=START + timedelta(hours=1))
    key, version = "20300304T130000Z", series.version
    secretariat = client.application.test_client()
    signed_in(secretariat, make_user("secretariat"))
    tokens = {
        "agenda": form_fields(secretariat.get(f"/meetings/{meeting.id}/agenda")),
        "minutes": form_fields(secretariat.get(f"/meetings/{meeting.id}/minutes")),
        "move": form_fields(secretariat.get(f"/meetings/{series.id}/occurrences/{key}"), "/move"),
        "cancel": form_fields(secretariat.get(f"/meetings/{series.id}/occurrences/{key}"), "/cancel"),
    }
    posts = [
        (f"/meetings/{meeting.id}/agenda", tokens["agenda"] | {"agenda-items-0-title": "Mine"}),
        (f"/meetings/{meeting.id}/minutes", tokens["minutes"] | {"minutes-text": "Mine"}),
        (f"/meetings/{series.id}/occurrences/{key}/move", tokens["move"]),
        (f"/meetings/{series.id}/occurrences/{key}/cancel", tokens["cancel"]),
    ]
    for role, entity in (("focal_point", "ILO"), ("focal_point", "IOM"), ("viewer", None)):
        other = client.application.test_client()
        signed_in(other, make_user(role, entity))
        for url, _data in posts:
            assert other.get(url.removesuffix("/move").removesuffix("/cancel")).status_code == 403, (role, url)
        for url, data in posts:  # their own session's token, so only the role stops them
            token = form_fields(other.get("/meetings"), "/logout")["csrf_token"]
            mine = {k: token if k.endswith("csrf_token") else v for k, v in data.items()}
            assert other.post(url, data=mine).status_code == 403, (role, url)
    anonymous = client.application.test_client()
    token = form_fields(anonymous.get("/login"))["csrf_token"]
    for url, data in posts:
        mine = {k: token if k.endswith("csrf_token") else v for k, v in data.items()}
        for response in (
            anonymous.post(url, data=mine),
            anonymous.get(url.removesuffix("/move").removesuffix("/cancel")),
        ):
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert secretariat.get("/meetings/999999/agenda").status_code == 404
    assert count(session, AgendaItem) == count(session, Minutes) == count(session, OccurrenceOverride) == 0
    assert session.get(Meeting, series.id).version == version


# --- minutes --------------------------------------------------------------------------
def test_secretariat_records_and_changes_minutes_shown_to_members(
    secretariat: FlaskClient, make_user, make_meeting, entities, session: Session
) -> None:
    meeting = make_meeting(title="Autumn session", invitees=["IOM", "ILO"])
    page = text(secretariat.get(f"/meetings/{meeting.id}"))
    assert "No minutes yet." in page and "Record the minutes" in page
    form = secretariat.get(f"/meetings/{meeting.id}/minutes")
    assert form.status_code == 200
    owners = re.search(r'<select[^>]*name="minutes-action_items-0-owner".*?</select>', text(form), re.S).group(0)
    assert owners.index('label="Invited"') < owners.index("IOM") < owners.index('label="Other entities"')
    data = form_fields(form) | {
        "minutes-text": "The group **met**.",
        "minutes-decisions-0": "Adopt the 2030 workplan.",
        "minutes-decisions-1": "Meet again in May.",
        "minutes-action_items-0-text": "Circulate the workplan",
        "minutes-action_items-0-owner": "IOM",
        "minutes-action_items-0-due_on": "2030-11-01",
        "minutes-action_items-1-text": "Book a room",
    }
    saved = secretariat.post(f"/meetings/{meeting.id}/minutes", data=data)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#minutes")
    session.expire_all()
    assert session.get(Minutes, meeting.id).text == "The group **met**."
    assert [d.text for d in session.scalars(sa.select(Decision).order_by(Decision.position))] == [
        "Adopt the 2030 workplan.",
        "Meet again in May.",
    ]
    actions = session.scalars(sa.select(ActionItem).order_by(ActionItem.id)).all()
    assert [(a.text, a.owner.acronym if a.owner else None, a.due_on, a.done) for a in actions] == [
        ("Circulate the workplan", "IOM", date(2030, 11, 1), False),
        ("Book a room", None, None, False),
    ]

    viewer = secretariat.application.test_client()
    signed_in(viewer, make_user("viewer"))
    shown = viewer.get(f"/meetings/{meeting.id}")
    assert "<strong>met</strong>" in shown.get_data(as_text=True)
    assert "Adopt the 2030 workplan." in text(shown) and "Circulate the workplan" in text(shown)
    assert "Change the minutes" not in text(shown)  # only the secretariat edits

    data = form_fields(secretariat.get(f"/meetings/{meeting.id}/minutes"))
    assert data["minutes-action_items-0-due_on"] == "2030-11-01" and data["minutes-decisions-1"] == "Meet again in May."
    data |= {"minutes-decisions-1": "", "minutes-action_items-0-done": "y", "minutes-action_items-1-remove": "y"}
    assert secretariat.post(f"/meetings/{meeting.id}/minutes", data=data).status_code == 302
    session.expire_all()
    assert [d.text for d in session.scalars(sa.select(Decision))] == ["Adopt the 2030 workplan."]
    assert [(a.text, a.done) for a in session.scalars(sa.select(ActionItem))] == [("Circulate the workplan", True)]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"minutes-action_items-0-due_on": "2030-02-30"}, "minutes-action_items-0-due_on", "Not a valid date value."),
        ({"minutes-action_items-0-owner": "NOPE"}, "minutes-action_items-0-owner", "Not a valid choice."),
        ({"minutes-action_items-1-owner": "ILO"}, "minutes-action_items-1-text", "Say what is to be done"),
        ({"minutes-decisions-0": "x" * 5001}, "minutes-decisions-0", "Field cannot be longer than 5000 characters."),
    ],
)
def test_bad_minutes_input_is_shown_beside_its_field_and_saves_nothing(
    secretariat: FlaskClient,
    make_meeting,
    entities,
    session: Session,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    meeting = make_meeting(invitees=["IOM"])
    data = form_fields(secretariat.get(f"/meetings/{meeting.id}/minutes")) | {
        "minutes-text": "Notes",
        "minutes-action_items-0-text": "Circulate the workplan",
    }
    response = secretariat.post(f"/meetings/{meeting.id}/minutes", data=data | change)
    assert response.status_code == 422
    assert inline_error(response, field, message), text(response)
    assert count(session, Minutes) == count(session, Decision) == count(session, ActionItem) == 0


# --- occurrences ----------------------------------------------------------------------
@pytest.fixture
def weekly(make_meeting) -> Meeting:
    return make_meeting(
        title="Weekly call",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;COUNT=5",
    )


def test_meeting_page_lists_next_occurrences_in_both_zones(
    client: FlaskClient, make_user, weekly: Meeting, session: Session
) -> None:
    user = make_user("viewer")
    user.timezone = "America/New_York"
    session.commit()
    signed_in(client, user)
    page = text(client.get(f"/meetings/{weekly.id}"))
    table = page[page.index('id="occurrences"') :]
    assert table.count("14:00") >= 5  # Vienna's wall clock every week
    assert "08:00" in table and "09:00" in table  # New York changes to summer time on 10 March 2030
    assert "Move or cancel" not in table  # a viewer sees, the secretariat changes


def test_secretariat_moves_and_cancels_one_occurrence(
    secretariat: FlaskClient, weekly: Meeting, session: Session
) -> None:
    listing = secretariat.get(f"/meetings/{weekly.id}").get_data(as_text=True)
    assert f'href="/meetings/{weekly.id}/occurrences/20300311T130000Z"' in listing
    page = secretariat.get(f"/meetings/{weekly.id}/occurrences/20300311T130000Z")
    assert page.status_code == 200 and 'value="2030-03-11T14:00"' in page.get_data(as_text=True)
    data = form_fields(page, "/move") | {"move-starts": "2030-03-12T15:00", "move-ends": "2030-03-12T16:30"}
    moved = secretariat.post(f"/meetings/{weekly.id}/occurrences/20300311T130000Z/move", data=data)
    assert moved.status_code == 302 and moved.headers["Location"].endswith("#occurrences")
    cancel = form_fields(secretariat.get(f"/meetings/{weekly.id}/occurrences/20300318T130000Z"), "/cancel")
    unconfirmed = secretariat.post(f"/meetings/{weekly.id}/occurrences/20300318T130000Z/cancel", data=cancel)
    assert unconfirmed.status_code == 422 and "Say why it is cancelled." in unconfirmed.get_data(as_text=True)
    cancel |= {"occ-cancel-reason": "Public holiday", "occ-cancel-confirm": "y"}
    done = secretariat.post(f"/meetings/{weekly.id}/occurrences/20300318T130000Z/cancel", data=cancel)
    assert done.status_code == 302
    session.expire_all()
    overrides = session.scalars(sa.select(OccurrenceOverride).order_by(OccurrenceOverride.recurrence_id)).all()
    assert [(o.recurrence_id, o.status, o.starts_at, o.ends_at) for o in overrides] == [
        (
            START + timedelta(weeks=1),
            "scheduled",
            datetime(2030, 3, 12, 14, tzinfo=UTC),
            datetime(2030, 3, 12, 15, 30, tzinfo=UTC),
        ),
        (START + timedelta(weeks=2), "cancelled", START + timedelta(weeks=2), START + timedelta(weeks=2, hours=1)),
    ]
    shown = text(secretariat.get(f"/meetings/{weekly.id}"))
    assert "moved (was" in shown and "15:00 – 16:30" in shown and "<del>" in shown
    again = secretariat.post(f"/meetings/{weekly.id}/occurrences/20300318T130000Z/cancel", data=cancel)
    assert again.status_code == 409 and "cancelled already" in text(again)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"move-ends": "2030-03-11T13:00"}, "move-ends", "Must be after the start."),
        ({"move-starts": ""}, "move-starts", "This field is required."),
        ({"move-starts": "next Tuesday"}, "move-starts", "Not a valid datetime value."),
    ],
)
def test_bad_move_is_shown_beside_its_field_and_saves_nothing(
    secretariat: FlaskClient, weekly: Meeting, session: Session, change: dict[str, str], field: str, message: str
) -> None:
    url = f"/meetings/{weekly.id}/occurrences/20300311T130000Z"
    data = form_fields(secretariat.get(url), "/move") | {"move-starts": "2030-03-11T15:00"}
    response = secretariat.post(f"{url}/move", data=data | change)
    assert response.status_code == 422
    assert inline_error(response, field, message), text(response)
    assert count(session, OccurrenceOverride) == 0


def test_an_unknown_occurrence_answers_404(secretariat: FlaskClient, weekly: Meeting, session: Session) -> None:
    page = secretariat.get(f"/meetings/{weekly.id}/occurrences/20300304T130000Z")
    data = form_fields(page, "/move")
    for key in ("20300312T130000Z", "2030-03-11", "20300311T130000"):  # not an occurrence; not a key
        assert secretariat.get(f"/meetings/{weekly.id}/occurrences/{key}").status_code == 404
        assert secretariat.post(f"/meetings/{weekly.id}/occurrences/{key}/move", data=data).status_code == 404
    assert count(session, OccurrenceOverride) == 0
