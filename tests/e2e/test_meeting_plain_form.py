"""End to end: the plain-language meeting form. Recurrence, reminders, time zone and invitees
as choices become the RRULE and ISO 8601 durations of the API (read back from the database),
are shown back in words, and refuse what gives no meeting or too many, at the field."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.meetings.models import Meeting
from tests.conftest import count
from tests.e2e.test_meeting_pages import signed_in, text
from tests.e2e.test_pages_auth import csrf_token

WEEKLY = {
    "m-title": "Weekly coordination call",
    "m-kind": "coordination_call",
    "m-starts": "2030-03-05T14:00",  # a Tuesday
    "m-ends": "2030-03-05T15:00",
    "m-timezone": "Europe/Vienna",
    "m-visibility": "members",
    "m-repeat": "weekly",
    "m-interval": "1",
    "m-weekdays": ["TU"],
    "m-ends_by": "count",
    "m-count": "6",
    "m-reminder_plan": "chosen",
    "m-reminders": ["P1D", "PT2H"],
}


@pytest.fixture
def staff(client: FlaskClient, make_user, make_entity) -> FlaskClient:
    make_entity(acronym="UNODC", name="UN Office on Drugs and Crime", working_group=True)
    make_entity(acronym="IOM", name="International Organization for Migration", working_group=True)
    make_entity(acronym="ILO", name="International Labour Organization")
    make_entity(acronym="OSCE", name="Organization for Security and Co-operation in Europe", kind="partner")
    return signed_in(client, make_user("secretariat"))


def _post(client: FlaskClient, data: dict, url: str = "/meetings/new"):
    return client.post(url, data=data | {"csrf_token": csrf_token(client.get(url))})


def test_a_weekly_meeting_from_choices_is_an_rrule_shown_in_words(
    staff: FlaskClient, session: Session, make_user
) -> None:
    response = _post(staff, WEEKLY | {"m-working_group": "y", "m-invitees": ["OSCE"]})
    assert response.status_code == 302, text(response)
    meeting = session.query(Meeting).one()
    assert meeting.recurrence == "FREQ=WEEKLY;BYDAY=TU;COUNT=6"
    assert meeting.reminder_offsets == ["P1D", "PT2H"]
    assert meeting.invitee_acronyms == ["IOM", "OSCE", "UNODC"]  # the working group as one choice
    assert meeting.starts_at == datetime(2030, 3, 5, 13, tzinfo=UTC)
    page = text(staff.get(f"/meetings/{meeting.id}"))
    assert "Every Tuesday, 6 times" in page and "FREQ=" not in page
    assert "1 day before, 2 hours before" in page
    reader = signed_in(staff.application.test_client(), make_user("viewer", locale="fr"))
    french = text(reader.get(f"/meetings/{meeting.id}"))
    assert "Chaque mardi, 6 fois" in french
    edit = staff.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="weekly">', edit)
    assert re.search(r'name="m-weekdays" value="TU" checked', edit)
    assert '<input checked id="m-working_group" name="m-working_group" type="checkbox"' in edit


def test_the_form_offers_icat_places_first_and_groups_the_invitees(staff: FlaskClient) -> None:
    page = text(staff.get("/meetings/new"))
    zones = re.findall(r'<option value="([^"]+)" label=', page)
    assert zones[:4] == ["Europe/Vienna", "America/New_York", "Europe/Zurich", "Asia/Bangkok"]
    assert "Asia/Tokyo" in zones and 'list="time-zones"' in page
    groups = re.findall(r"<summary>([^<(]+) \(", page)
    assert [g.strip() for g in groups] == ["Working group", "Other members", "Partners"]
    assert page.index('value="UNODC"') < page.index('value="ILO"') < page.index('value="OSCE"')


def test_every_other_week_and_monthly_and_a_custom_reminder(staff: FlaskClient, session: Session) -> None:
    other = WEEKLY | {"m-interval": "2", "m-weekdays": ["TU", "TH"], "m-count": "10"}
    assert _post(staff, other | {"m-custom_amount": "3", "m-custom_unit": "weeks"}).status_code == 302
    monthly = WEEKLY | {"m-repeat": "monthly", "m-ordinal": "1", "m-month_weekday": "TU", "m-ends_by": "until"}
    assert _post(staff, monthly | {"m-until": "2030-12-31", "m-title": "Monthly"}).status_code == 302
    rows = {m.title: m for m in session.query(Meeting)}
    assert rows["Weekly coordination call"].recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10"
    assert rows["Weekly coordination call"].reminder_offsets == ["P1D", "PT2H", "P21D"]
    assert rows["Monthly"].recurrence == "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20301231T225959Z"
    page = text(staff.get(f"/meetings/{rows['Monthly'].id}"))
    assert "Every month on the first Tuesday, until December 31, 2030" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"m-count": "600"}, "m-count", "more than 500 meetings"),
        ({"m-repeat": "daily", "m-ends_by": "until", "m-until": "2032-01-01"}, "m-until", "more than 500 meetings"),
        ({"m-ends_by": "until", "m-until": "2030-03-01"}, "m-until", "give no meeting"),
        ({"m-ends_by": "until", "m-until": ""}, "m-until", "Say when the series ends."),
        ({"m-weekdays": ["MO"]}, "m-weekdays", "The first meeting is on a Tuesday"),
        ({"m-repeat": "monthly", "m-ordinal": "2", "m-month_weekday": "TU"}, "m-ordinal", "chosen weekday"),
        ({"m-starts": "2030-03-31T02:30", "m-repeat": "none"}, "m-starts", "does not exist on March 31, 2030"),
    ],
)
def test_choices_that_give_no_meeting_or_too_many_are_422_at_the_field(
    staff: FlaskClient, session: Session, change: dict, field: str, message: str
) -> None:
    response = _post(staff, WEEKLY | {"m-ends": "2030-03-31T04:00"} | change)
    assert response.status_code == 422
    body = text(response)
    errors = re.search(rf'<span class="field-errors" id="{field}-errors">(.*?)</span>', body, re.S)
    shown = errors.group(1) if errors else body[body.find(f'name="{field}"') :][:2000]
    assert message in shown, shown
    assert count(session, Meeting) == 0


def test_a_start_the_clocks_pass_twice_is_saved_at_the_first_and_said(staff: FlaskClient, session: Session) -> None:
    twice = WEEKLY | {"m-starts": "2030-10-27T02:30", "m-ends": "2030-10-27T04:00", "m-repeat": "none"}
    response = _post(staff, twice)
    assert response.status_code == 302
    meeting = session.query(Meeting).one()
    assert meeting.starts_at == datetime(2030, 10, 27, 0, 30, tzinfo=UTC)  # 02:30 summer time (UTC+2)
    page = text(staff.get(response.headers["Location"]))
    assert "02:30 happens twice on October 27, 2030 in Europe/Vienna" in page


def test_the_form_speaks_the_page_language(client: FlaskClient, make_user, make_entity) -> None:
    make_entity(acronym="IOM", name="International Organization for Migration", working_group=True)
    signed_in(client, make_user("secretariat", locale="es"))
    page = text(client.get("/meetings/new"))
    assert "No se repite" in page and "Viena · Europe/Vienna" in page and "martes" in page
    assert "1 día antes" in page and "El grupo de trabajo (todos sus miembros)" in page
    refused = _post(client, WEEKLY | {"m-count": "600"})
    assert refused.status_code == 422 and "Estas opciones dan más de 500 reuniones" in text(refused)


@pytest.mark.parametrize(
    "change",
    [
        {"m-ends_by": "until", "m-until": "9999-12-31"},
        {"m-starts": "0001-01-01T00:30", "m-ends": "0001-01-01T01:30"},
        {"m-starts": "9999-12-31T23:30", "m-ends": "9999-12-31T23:45", "m-repeat": "daily"},
        {"m-interval": "0"},
        {"m-count": "99999999999999999999"},
    ],
)
def test_extreme_choices_are_refused_never_a_500(staff: FlaskClient, session: Session, change: dict) -> None:
    response = _post(staff, WEEKLY | change)
    assert response.status_code == 422, text(response)[:500]
    assert count(session, Meeting) == 0
